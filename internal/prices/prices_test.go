package prices_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"huamu/internal/exchange"
	"huamu/internal/outbound"
	"huamu/internal/pgtest"
	"huamu/internal/prices"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

const sig = "【花木通】"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var china = matching.ChinaTime

// lastWeek is a Tuesday 10:00; monday is the Monday after it.
var (
	lastWeek = time.Date(2026, 3, 3, 10, 0, 0, 0, china)
	monday   = time.Date(2026, 3, 9, 0, 0, 0, 0, china)
)

// desk is an exchange on its own database with an injected clock.
type desk struct {
	url   string
	st    *store.Store
	ex    *exchange.Service
	clock *clock
	seq   atomic.Int64
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	c := &clock{t: lastWeek}
	url := pgtest.URL(t)
	pool, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	d := &desk{url: url, st: store.New(pool, c.now), clock: c}
	d.ex = exchange.New(d.st, grammar.Default, sig, nil)
	d.ex.Prices = d.service(d.st, nil)
	return d
}

func (d *desk) service(st *store.Store, flooding map[string]bool) *prices.Service {
	return &prices.Service{Store: st, Outbox: &outbound.Outbox{Budget: outbound.Budget{Signature: sig}}, Every: time.Hour,
		Flooding: func(_ context.Context, phones []string) ([]bool, error) {
			out := make([]bool, len(phones))
			for i, p := range phones {
				out[i] = flooding[p]
			}
			return out, nil
		}}
}

// other is another process: its own pool on the same database and clock.
func (d *desk) other(t *testing.T, flooding map[string]bool) *prices.Service {
	t.Helper()
	pool, err := store.Open(context.Background(), d.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return d.service(store.New(pool, d.clock.now), flooding)
}

// text handles body from a number as an intake worker would.
func (d *desk) text(t *testing.T, from, body string) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := d.st.InsertInbound(ctx, store.MO{DedupKey: fmt.Sprintf("k%d", d.seq.Add(1)), Bind: "test", Sender: from, Body: body}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error { return d.ex.HandleInbound(ctx, tx, in) }); err != nil {
		t.Fatal(err)
	}
}

// deal: a grower offers, a buyer orders, the grower confirms.
func (d *desk) deal(t *testing.T, grower, offer, buyer string, qty int) {
	t.Helper()
	d.text(t, grower, offer)
	ls, err := d.st.ListListings(context.Background(), store.ListingFilter{Phone: grower, Limit: 1})
	if err != nil || len(ls) == 0 {
		t.Fatalf("no listing: %v", err)
	}
	d.text(t, buyer, fmt.Sprintf("订 %d %d", ls[0].ID, qty))
	d.text(t, grower, "确认")
}

func (d *desk) bulletinTexts(t *testing.T) map[string][]string {
	t.Helper()
	rows, err := d.st.ListOutbox(context.Background(), store.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, m := range rows {
		if m.Kind == "bulletin" {
			out[m.Recipient] = append(out[m.Recipient], m.Body)
		}
	}
	return out
}

const (
	growerA, growerB = "13800000001", "13800000002"
	subA, subB       = "13900000011", "13900000012"
	stopped, flooder = "13900000013", "13900000014"
)

// lastWeeksTrade: three 8 cm deals from two growers last week, and four
// subscribers, one of whom then stopped everything.
func lastWeeksTrade(t *testing.T, d *desk) {
	t.Helper()
	d.deal(t, growerA, "供 桂花 8公分 200株 600元", subA, 50)
	d.deal(t, growerB, "供 桂花 8公分 100株 580元", subB, 20)
	d.deal(t, growerA, "供 桂花 9公分 100株 620元", subB, 30)
	d.text(t, subA, "订阅 桂花 紫薇")
	d.text(t, subB, "订阅 桂花")
	d.text(t, stopped, "订阅 桂花")
	d.text(t, stopped, "退订")
	d.text(t, stopped, "订阅 桂花") // texting again lifts the stop; 订阅 again…
	d.text(t, stopped, "TD")    // …and TD ends it all
	d.text(t, flooder, "订阅 桂花")
}

func TestFireDue_MondayBulletinGoesOutOnceAcrossProcessesAndRestarts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	lastWeeksTrade(t, d)
	flooding := map[string]bool{flooder: true}

	d.clock.set(monday.Add(8*time.Hour - time.Minute))
	if id, err := d.other(t, flooding).FireDue(ctx); err != nil || id != 0 {
		t.Fatalf("before 08:00 fired %d (%v)", id, err)
	}
	d.clock.set(monday.Add(8*time.Hour + 30*time.Second))
	// Two processes race for the bulletin.
	procs := []*prices.Service{d.other(t, flooding), d.other(t, flooding)}
	ids := make([]int64, len(procs))
	var wg sync.WaitGroup
	for i, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if ids[i], err = p.FireDue(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if (ids[0] == 0) == (ids[1] == 0) {
		t.Fatalf("bulletins %v, want exactly one process to send it", ids)
	}
	texts := d.bulletinTexts(t)
	if len(texts) != 2 || len(texts[subA]) != 1 || len(texts[subB]) != 1 {
		t.Fatalf("bulletin texts %v, want one each to the two subscribers that are neither stopped nor flooding", texts)
	}
	a := texts[subA][0]
	t.Logf("bulletin to %s: %s", subA, a)
	for _, want := range []string{"上周行情(3月2日-8日)", "桂花:8cm 600元", "紫薇:", `回"退订行情"停收`} {
		if !strings.Contains(a, want) {
			t.Errorf("bulletin %q lacks %q", a, want)
		}
	}
	if strings.Contains(texts[subB][0], "紫薇") {
		t.Errorf("a 桂花 subscriber got 紫薇: %q", texts[subB][0])
	}
	if n := outbound.Len(sig + a); n > 134 {
		t.Errorf("bulletin of %d units", n)
	}
	b, err := d.st.BulletinByID(ctx, max(ids[0], ids[1]))
	if err != nil {
		t.Fatal(err)
	}
	if b.Audience.Kind != store.AudiencePriceSubscribers || b.Recipients != 2 || b.Progress.Total() != 2 || b.By != "系统" || b.Parts < 1 {
		t.Errorf("bulletin row %+v: counted like any bulletin, two recipients", b)
	}

	// A restart: a new process starts later that Monday and checks at once.
	d.clock.add(3 * time.Hour)
	restarted := d.other(t, flooding)
	restarted.Start(ctx)
	time.Sleep(300 * time.Millisecond)
	restarted.Stop()
	if id, err := restarted.FireDue(ctx); err != nil || id != 0 {
		t.Fatalf("after a restart fired %d (%v)", id, err)
	}
	if got := d.bulletinTexts(t); len(got[subA]) != 1 || len(got[subB]) != 1 {
		t.Fatalf("after a restart the texts are %v", got)
	}
	// The next Monday is another bulletin.
	d.clock.set(monday.AddDate(0, 0, 7).Add(8 * time.Hour))
	if id, err := d.other(t, flooding).FireDue(ctx); err != nil || id == 0 {
		t.Fatalf("the next Monday fired %d (%v)", id, err)
	}
	if got := d.bulletinTexts(t); len(got[subA]) != 2 {
		t.Fatalf("the next Monday's texts %v", got)
	}
}

func TestStart_ABulletinDueWhileDownGoesOutOnStartButNotDaysLate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	lastWeeksTrade(t, d)
	d.clock.set(monday.Add(9*time.Hour + 30*time.Minute)) // down over 08:00
	svc := d.other(t, nil)
	svc.Start(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for len(d.bulletinTexts(t)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the bulletin due while the system was down did not go out on start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	svc.Stop()
	if got := d.bulletinTexts(t); len(got) != 3 { // the flooder too: no flood flags here
		t.Errorf("texts %v", got)
	}

	// Down from Monday to Thursday: that week's bulletin is skipped, not sent stale.
	d.clock.set(monday.AddDate(0, 0, 10).Add(9 * time.Hour))
	if id, err := d.other(t, nil).FireDue(ctx); err != nil || id != 0 {
		t.Fatalf("three days late fired %d (%v)", id, err)
	}
	weeks, err := d.st.PriceBulletins(ctx, 5)
	if err != nil || len(weeks) != 1 || weeks[0].State != "sent" || weeks[0].BulletinID == nil {
		t.Fatalf("weeks %+v (%v), want the one sent", weeks, err)
	}
}

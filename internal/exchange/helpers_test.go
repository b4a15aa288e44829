package exchange_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"huamu/internal/exchange"
	"huamu/internal/outbound"
	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

const sig = "【花木通】"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// bench is an exchange on its own database with an injected clock, texted
// through the same path as the intake workers: store the MO, claim it,
// HandleInbound in the claim's transaction.
type bench struct {
	st    *store.Store
	ex    *exchange.Service
	clock *clock
	seq   atomic.Int64
}

// 10:00 China time, so digests are within their hours.
var t0 = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

func newBench(t testing.TB) *bench {
	t.Helper()
	c := &clock{t: t0}
	st := pgtest.Store(t, c.Now)
	return &bench{st: st, ex: exchange.New(st, grammar.Default, sig, nil), clock: c}
}

// text sends body from a number and returns every text the exchange wrote
// because of it, in order.
func (b *bench) text(t testing.TB, from, body string) []store.MT {
	t.Helper()
	ctx := context.Background()
	n := b.seq.Add(1)
	id, _, err := b.st.InsertInbound(ctx, store.MO{DedupKey: fmt.Sprintf("k%d-%s", n, from), Bind: "test",
		Sender: from, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error {
		return b.ex.HandleInbound(ctx, tx, in)
	})
	if err != nil || got != id {
		t.Fatalf("handle %q from %s: claimed %d (want %d): %v", body, from, got, id, err)
	}
	return b.sentFor(t, id)
}

// sentFor returns the texts inbound row id caused, oldest first.
func (b *bench) sentFor(t testing.TB, id int64) []store.MT {
	t.Helper()
	all, err := b.st.ListOutbox(context.Background(), store.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.MT
	for _, m := range all {
		if m.InboundID != nil && *m.InboundID == id {
			out = append(out, m)
		}
	}
	slices.Reverse(out)
	return out
}

// to returns the bodies among ms sent to phone.
func to(ms []store.MT, phone string) []string {
	var out []string
	for _, m := range ms {
		if m.Recipient == phone {
			out = append(out, m.Body)
		}
	}
	return out
}

// one returns the single body among ms sent to phone, failing otherwise.
func one(t testing.TB, ms []store.MT, phone string) string {
	t.Helper()
	got := to(ms, phone)
	if len(got) != 1 {
		t.Fatalf("texts to %s: %q, want exactly one (all: %+v)", phone, got, ms)
	}
	return got[0]
}

// checkLength fails when a reply is longer than two SMS with the signature.
func checkLength(t testing.TB, ms []store.MT) {
	t.Helper()
	for _, m := range ms {
		if n := outbound.Len(sig + m.Body); n > outbound.TwoSMS {
			t.Errorf("text to %s is %d units with the signature, over two SMS: %s", m.Recipient, n, m.Body)
		}
	}
}

// inbound returns the stored row of the latest text from phone.
func (b *bench) inbound(t testing.TB, phone string) store.Inbound {
	t.Helper()
	rows, err := b.st.ListInbound(context.Background(), store.InboundFilter{Sender: phone, Limit: 1})
	if err != nil || len(rows) == 0 {
		t.Fatalf("inbound from %s: %v", phone, err)
	}
	return rows[0]
}

// checkBooks fails when any listing's stock or the ledger does not add up.
func (b *bench) checkBooks(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	bad, err := b.st.StockMismatches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("stock does not add up: %+v", bad)
	}
	sum, unbalanced, err := b.st.LedgerImbalance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.IsZero() || len(unbalanced) > 0 {
		t.Fatalf("ledger: postings sum to %s, unbalanced entries %v", sum, unbalanced)
	}
}

// order returns an order by id.
func (b *bench) order(t testing.TB, id int64) store.OrderInfo {
	t.Helper()
	o, err := b.st.Order(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// listing returns a listing by id.
func (b *bench) listing(t testing.TB, id int64) matching.Listing {
	t.Helper()
	l, err := b.st.Listing(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

const (
	grower  = "13800000001"
	grower2 = "13800000005"
	buyer   = "13900000002"
	buyer2  = "13900000003"
)

// offer lists 桂花 8公分 200株 600元 from grower and returns its id.
func (b *bench) offer(t testing.TB, from, body string) int64 {
	t.Helper()
	b.text(t, from, body)
	ls, err := b.st.ListListings(context.Background(), store.ListingFilter{Phone: from, Limit: 1})
	if err != nil || len(ls) == 0 {
		t.Fatalf("no listing from %q: %v", body, err)
	}
	return ls[0].ID
}

// lastOrder returns the newest order.
func (b *bench) lastOrder(t testing.TB) store.OrderInfo {
	t.Helper()
	os, err := b.st.SearchOrders(context.Background(), store.OrderFilter{Limit: 1})
	if err != nil || len(os) == 0 {
		t.Fatalf("no order: %v", err)
	}
	return os[0]
}

func newExpirer(b *bench) *exchange.Expirer { return &exchange.Expirer{Exchange: b.ex} }

func outboxAll() store.OutboxFilter { return store.OutboxFilter{Limit: 500} }

// lastListing returns the newest listing's id.
func (b *bench) lastListing(t testing.TB) int64 {
	t.Helper()
	ls, err := b.st.ListListings(context.Background(), store.ListingFilter{Limit: 1})
	if err != nil || len(ls) == 0 {
		t.Fatalf("no listing: %v", err)
	}
	return ls[0].ID
}

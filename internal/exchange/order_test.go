package exchange_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"huamu/internal/store"
	"huamu/matching"
)

func TestOrder_ProposalReservesStockAndTellsBothSides(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元 万春镇")
	sent := b.text(t, buyer, fmt.Sprintf("订 %d 100", id))
	checkLength(t, sent)
	o := b.lastOrder(t)
	proposal := one(t, sent, grower)
	for _, want := range []string{buyer, "桂花100株", "600.00元/株", "共60000.00元", fmt.Sprintf(`"确认 %d"`, o.ID), fmt.Sprintf(`"拒绝 %d"`, o.ID)} {
		if !strings.Contains(proposal, want) {
			t.Errorf("grower's proposal %q lacks %q", proposal, want)
		}
	}
	if pending := one(t, sent, buyer); !strings.Contains(pending, "待确认") || !strings.Contains(pending, fmt.Sprint(o.ID)) {
		t.Errorf("buyer told %q, want the order id and that it is pending", pending)
	}
	if o.State != matching.OrderProposed || o.Qty != 100 || !o.Total().Equal(matching.LineTotal(o.UnitPrice, 100)) {
		t.Errorf("order %+v, want proposed for 100", o.Order)
	}
	if l := b.listing(t, id); l.Remaining != 100 {
		t.Errorf("remaining %d after reserving 100 of 200", l.Remaining)
	}
	b.checkBooks(t)
}

func TestOrder_MoreThanRemainsIsAnsweredWithWhatRemains(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 桂花 8公分 150株 600元")
	b.text(t, buyer, fmt.Sprintf("订 %d 100", id))
	sent := b.text(t, buyer2, fmt.Sprintf("订 %d 100", id))
	want := fmt.Sprintf(`仅剩50株，回"订 %d 50"`, id)
	if got := one(t, sent, buyer2); got != want {
		t.Errorf("second buyer got %q, want %q", got, want)
	}
	if len(to(sent, grower)) != 0 {
		t.Errorf("grower was texted about a refused order")
	}
	if l := b.listing(t, id); l.Remaining != 50 {
		t.Errorf("remaining %d, want 50: a refused order must reserve nothing", l.Remaining)
	}
	b.text(t, buyer2, fmt.Sprintf("订 %d 50", id))
	if l := b.listing(t, id); l.Remaining != 0 || l.State != matching.ListingFilled {
		t.Errorf("listing %d remaining %d state %s, want 0 and filled", id, l.Remaining, l.State)
	}
	sold := b.text(t, "13900000009", fmt.Sprintf("订 %d 1", id))
	if got := one(t, sold, "13900000009"); !strings.Contains(got, "已下架") && !strings.Contains(got, "售完") {
		t.Errorf("order on a filled listing got %q", got)
	}
	b.checkBooks(t)
}

func TestOrder_WithoutQuantityTakesAllThatRemains(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 桂花 8公分 80株 600元")
	b.text(t, buyer, fmt.Sprintf("订 %d", id))
	if o := b.lastOrder(t); o.Qty != 80 {
		t.Errorf("order for %d, want all 80", o.Qty)
	}
}

func TestOrder_RefusesOwnOfferUnknownIDAndNegotiablePrice(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	nego := b.offer(t, grower, "供 香樟 12公分 50株 价格面议")
	cases := []struct {
		from, body, want string
	}{
		{grower, fmt.Sprintf("订 %d 10", id), "不能订自己"},
		{buyer, "订 999999 10", "没有999999号货源"},
		{buyer, fmt.Sprintf("订 %d 10", nego), "面议"},
	}
	for _, c := range cases {
		sent := b.text(t, c.from, c.body)
		if got := one(t, sent, c.from); !strings.Contains(got, c.want) {
			t.Errorf("%q: reply %q, want %q", c.body, got, c.want)
		}
		checkLength(t, sent)
		if in := b.inbound(t, c.from); in.State != "done" || !strings.HasPrefix(in.Outcome, "未办理") {
			t.Errorf("%q: inbound %s %q, want done and refused", c.body, in.State, in.Outcome)
		}
	}
	if os, _ := b.st.SearchOrders(context.Background(), store.OrderFilter{}); len(os) != 0 {
		t.Errorf("refused orders stored: %+v", os)
	}
}

func TestOrder_ReplayedTextMakesNoSecondOrder(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	b.text(t, buyer, fmt.Sprintf("订 %d 100", id))
	in := b.inbound(t, buyer)
	// The worker's transaction is replayed on the same row (as after a
	// crash between effects and a lost acknowledgement).
	if _, err := b.st.Pool().Exec(context.Background(), `UPDATE inbound SET state = 'new' WHERE id = $1`, in.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.ClaimInbound(context.Background(), func(tx *store.Tx, in store.Inbound) error {
		return b.ex.HandleInbound(context.Background(), tx, in)
	}); err != nil {
		t.Fatal(err)
	}
	os, err := b.st.SearchOrders(context.Background(), store.OrderFilter{})
	if err != nil || len(os) != 1 {
		t.Fatalf("orders after a replay: %d (%v), want 1", len(os), err)
	}
	if l := b.listing(t, id); l.Remaining != 100 {
		t.Errorf("remaining %d after a replay, want 100", l.Remaining)
	}
	if n := len(to(b.sentFor(t, in.ID), grower)); n != 1 {
		t.Errorf("grower got %d proposals, want 1", n)
	}
}

// Many buyers race for one offer through the real intake path: several
// workers claim their texts concurrently, each in its own transaction.
// Whatever interleaving PostgreSQL chooses, reserved plus remaining is
// exactly the offer and remaining never goes below zero.
func TestOrder_ConcurrentOrdersNeverOverReserve(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	ctx := context.Background()
	id := b.offer(t, grower, "供 桂花 8公分 500株 600元")
	const buyers = 60
	want := map[string]int64{}
	for i := range buyers {
		phone := fmt.Sprintf("139%08d", i+100)
		n := int64(rand.IntN(30) + 1)
		want[phone] = n
		if _, _, err := b.st.InsertInbound(ctx, store.MO{DedupKey: "race" + phone, Bind: "t", Sender: phone,
			Body: fmt.Sprintf("订 %d %d", id, n)}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := b.st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error {
					return b.ex.HandleInbound(ctx, tx, in)
				})
				if err != nil {
					errs <- err
					return
				}
				if got == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	os, err := b.st.SearchOrders(ctx, store.OrderFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var held int64
	for _, o := range os {
		if o.Qty != want[o.BuyerPhone] {
			t.Errorf("order %d for %d, buyer asked %d: never cut silently", o.ID, o.Qty, want[o.BuyerPhone])
		}
		held += o.Holds()
	}
	l := b.listing(t, id)
	if l.Remaining < 0 || held+l.Remaining != 500 {
		t.Fatalf("held %d + remaining %d != offered 500", held, l.Remaining)
	}
	var total int64
	for _, n := range want {
		total += n
	}
	if total > 500 && l.Remaining >= 30 {
		t.Errorf("demand %d exceeded the offer but %d remain unreserved", total, l.Remaining)
	}
	b.checkBooks(t)
	t.Logf("%d buyers asked for %d, %d orders hold %d, %d remain", buyers, total, len(os), held, l.Remaining)
}

// The same order sent again within minutes (no reply came, or the SMSC
// delivered it again and it was taken for new) takes effect once: the buyer
// is told the first one is pending; later, the same text is a new order.
func TestOrder_TheSameOrderAgainWithinMinutesTakesEffectOnce(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元 万春镇")
	b.text(t, buyer, fmt.Sprintf("订 %d 50", id))
	first := b.lastOrder(t)
	again := b.text(t, buyer, fmt.Sprintf("订 %d 50", id))
	if reply := one(t, again, buyer); !strings.Contains(reply, fmt.Sprint(first.ID)) || !strings.Contains(reply, "待确认") {
		t.Fatalf("the repeat got %q, want the first order's state", reply)
	}
	if o := b.lastOrder(t); o.ID != first.ID {
		t.Fatalf("a second order %d was made", o.ID)
	}
	if l := b.listing(t, id); l.Remaining != 150 {
		t.Fatalf("remaining %d, want 150: the repeat reserved stock again", l.Remaining)
	}
	b.clock.Add(11 * time.Minute)
	b.text(t, buyer, fmt.Sprintf("订 %d 50", id))
	if o := b.lastOrder(t); o.ID == first.ID {
		t.Fatal("the same order well after the first made no new order")
	}
	b.checkBooks(t)
}

// The same offer texted again within minutes is answered with the receipt
// of the listing it already made, and posts nothing twice.
func TestListing_TheSameOfferAgainWithinMinutesPostsOnce(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	first := b.offer(t, grower, "供 桂花 8公分 200株 600元 万春镇")
	again := b.text(t, grower, "供 桂花 8公分 200株 600元 万春镇")
	if reply := one(t, again, grower); !strings.Contains(reply, fmt.Sprint(first)) {
		t.Fatalf("the repeat got %q, want the receipt of listing %d", reply, first)
	}
	if last := b.lastListing(t); last != first {
		t.Fatalf("listing %d posted again", last)
	}
}

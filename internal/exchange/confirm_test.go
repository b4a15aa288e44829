package exchange_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/matching"
)

func TestConfirm_GrowerConfirmsAndTheLedgerPostsTheOrder(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	b.text(t, buyer, fmt.Sprintf("订 %d 100", id))
	o := b.lastOrder(t)
	sent := b.text(t, grower, fmt.Sprintf("确认 %d", o.ID))
	checkLength(t, sent)
	if got := one(t, sent, buyer); !strings.Contains(got, "卖家已确认") || !strings.Contains(got, grower) || !strings.Contains(got, "60000.00元") {
		t.Errorf("buyer got %q", got)
	}
	if got := one(t, sent, grower); !strings.Contains(got, "已确认") || !strings.Contains(got, buyer) {
		t.Errorf("grower got %q", got)
	}
	if o = b.order(t, o.ID); o.State != matching.OrderConfirmed {
		t.Fatalf("order %s, want confirmed", o.State)
	}
	e, err := b.st.EntryByRef(context.Background(), matching.EntryOrderConfirmed, matching.OrderRef(o.ID))
	if err != nil {
		t.Fatal(err)
	}
	bal := matching.Balances([]matching.Entry{e})
	if !bal[matching.Receivable(o.BuyerID)].Equal(decimal.RequireFromString("60000")) ||
		!bal[matching.Payable(o.SellerID)].Equal(decimal.RequireFromString("-60000")) || len(e.Postings) != 2 {
		t.Errorf("entry %+v, want the buyer owing 60000.00 and the grower owed 60000.00, no fee", e)
	}
	if l := b.listing(t, id); l.Remaining != 100 {
		t.Errorf("confirmed order released stock: remaining %d", l.Remaining)
	}
	// A second 确认 changes nothing and posts nothing.
	again := b.text(t, grower, fmt.Sprintf("确认 %d", o.ID))
	if got := one(t, again, grower); !strings.Contains(got, "已确认") {
		t.Errorf("second 确认 got %q", got)
	}
	entries, _ := b.st.AllEntries(context.Background())
	if len(entries) != 1 {
		t.Errorf("%d ledger entries after two 确认, want 1", len(entries))
	}
	b.checkBooks(t)
}

func TestConfirm_FeeIsPostedToTheAssociation(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	b.ex.FeeRate = decimal.RequireFromString("0.015")
	id := b.offer(t, grower, "供 紫薇 5公分 30株 333.33元")
	b.text(t, buyer, fmt.Sprintf("订 %d 7", id))
	o := b.lastOrder(t)
	b.text(t, grower, "确认")
	e, err := b.st.EntryByRef(context.Background(), matching.EntryOrderConfirmed, matching.OrderRef(o.ID))
	if err != nil {
		t.Fatal(err)
	}
	// 7 × 333.33 = 2333.31; fee 1.5% = 34.99965 → 35.00; grower 2298.31.
	bal := matching.Balances([]matching.Entry{e})
	for acct, want := range map[matching.Account]string{
		matching.Receivable(o.BuyerID): "2333.31", matching.Payable(o.SellerID): "-2298.31", matching.AssocFees: "-35.00",
	} {
		if !bal[acct].Equal(decimal.RequireFromString(want)) {
			t.Errorf("%s = %s, want %s", acct, bal[acct], want)
		}
	}
}

func TestConfirm_BareConfirmResolvesTheOnePendingOrderOrAsksBack(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	a := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	c := b.offer(t, grower, "供 香樟 12公分 100株 900元")
	b.text(t, buyer, fmt.Sprintf("订 %d 10", a))
	first := b.lastOrder(t)
	sent := b.text(t, grower, "确认")
	if o := b.order(t, first.ID); o.State != matching.OrderConfirmed {
		t.Fatalf("bare 确认 with one pending: order %s", o.State)
	}
	checkLength(t, sent)

	b.text(t, buyer, fmt.Sprintf("订 %d 10", a))
	x := b.lastOrder(t)
	b.text(t, buyer2, fmt.Sprintf("订 %d 5", c))
	y := b.lastOrder(t)
	ask := one(t, b.text(t, grower, "确认"), grower)
	for _, want := range []string{fmt.Sprint(x.ID), fmt.Sprint(y.ID), "确认 "} {
		if !strings.Contains(ask, want) {
			t.Errorf("ask-back %q lacks %q", ask, want)
		}
	}
	if b.order(t, x.ID).State != matching.OrderProposed || b.order(t, y.ID).State != matching.OrderProposed {
		t.Errorf("an ambiguous 确认 settled an order")
	}
	if got := one(t, b.text(t, buyer, "确认"), buyer); !strings.Contains(got, "没有待确认") {
		t.Errorf("bare 确认 from a buyer with nothing to confirm got %q", got)
	}
}

func TestConfirm_OnlyTheGrowerMayConfirm(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	b.text(t, buyer, fmt.Sprintf("订 %d 10", id))
	o := b.lastOrder(t)
	got := one(t, b.text(t, buyer, fmt.Sprintf("确认 %d", o.ID)), buyer)
	if !strings.Contains(got, "只有卖家") {
		t.Errorf("buyer confirming own order got %q", got)
	}
	if b.order(t, o.ID).State != matching.OrderProposed {
		t.Errorf("the buyer confirmed the order")
	}
}

func TestDecline_ReleasesTheReservationAndReopensAFilledOffer(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 桂花 8公分 100株 600元")
	b.text(t, buyer, fmt.Sprintf("订 %d 100", id))
	if l := b.listing(t, id); l.State != matching.ListingFilled {
		t.Fatalf("listing %s with all reserved, want filled", l.State)
	}
	o := b.lastOrder(t)
	sent := b.text(t, grower, fmt.Sprintf("拒绝 %d", o.ID))
	if got := one(t, sent, buyer); !strings.Contains(got, "未接受") {
		t.Errorf("buyer got %q", got)
	}
	if l := b.listing(t, id); l.Remaining != 100 || l.State != matching.ListingOpen {
		t.Errorf("after 拒绝: remaining %d state %s, want 100 and open", l.Remaining, l.State)
	}
	if entries, _ := b.st.AllEntries(context.Background()); len(entries) != 0 {
		t.Errorf("a declined order was posted: %+v", entries)
	}
	b.checkBooks(t)
}

func TestExpirer_ProposalNobodyAnswersExpiresAndReleasesItsStock(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	b.ex.OrderTTL = 2 * time.Hour
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	b.text(t, buyer, fmt.Sprintf("订 %d 150", id))
	o := b.lastOrder(t)
	x := newExpirer(b)
	b.clock.Add(2*time.Hour - time.Second)
	if rep, err := x.RunOnce(context.Background()); err != nil || rep.Orders != 0 {
		t.Fatalf("before its time: %+v %v", rep, err)
	}
	b.clock.Add(time.Second)
	// Two processes race for the same due proposal: it expires once.
	reps := make(chan int, 2)
	for range 2 {
		go func() {
			rep, err := newExpirer(b).RunOnce(context.Background())
			if err != nil {
				t.Error(err)
			}
			reps <- rep.Orders
		}()
	}
	if n := <-reps + <-reps; n != 1 {
		t.Fatalf("expired %d times, want once", n)
	}
	if o = b.order(t, o.ID); o.State != matching.OrderExpired {
		t.Fatalf("order %s, want expired", o.State)
	}
	if l := b.listing(t, id); l.Remaining != 200 {
		t.Errorf("remaining %d after expiry, want 200", l.Remaining)
	}
	all, _ := b.st.ListOutbox(context.Background(), outboxAll())
	var toBuyer, toGrower bool
	for _, m := range all {
		if strings.Contains(m.Body, "失效") {
			toBuyer = toBuyer || m.Recipient == buyer
			toGrower = toGrower || m.Recipient == grower
		}
	}
	if !toBuyer || !toGrower {
		t.Errorf("expiry texts: buyer %v grower %v, want both", toBuyer, toGrower)
	}
	b.checkBooks(t)
}

func TestConfirm_TooLateExpiresTheProposalInstead(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	b.text(t, buyer, fmt.Sprintf("订 %d 50", id))
	o := b.lastOrder(t)
	b.clock.Add(25 * time.Hour) // default TTL 24 h, expirer not run yet
	sent := b.text(t, grower, fmt.Sprintf("确认 %d", o.ID))
	if got := to(sent, grower); len(got) == 0 || !strings.Contains(strings.Join(got, ""), "失效") {
		t.Errorf("late 确认 got %q", got)
	}
	if b.order(t, o.ID).State != matching.OrderExpired || b.listing(t, id).Remaining != 200 {
		t.Errorf("a late confirmation did not expire the proposal and release its stock")
	}
	if entries, _ := b.st.AllEntries(context.Background()); len(entries) != 0 {
		t.Errorf("a late confirmation was posted")
	}
}

func TestExpirer_ClosesListingsPastTheirValidity(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	short := b.offer(t, grower, "供 桂花 8公分 200株 600元 有效期7天")
	long := b.offer(t, grower, "供 香樟 12公分 100株 900元")
	b.clock.Add(8 * 24 * time.Hour)
	rep, err := newExpirer(b).RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if b.listing(t, short).State != matching.ListingExpired || b.listing(t, long).State != matching.ListingOpen {
		t.Errorf("after 8 days: 7-day listing %s, 30-day listing %s (report %+v)",
			b.listing(t, short).State, b.listing(t, long).State, rep)
	}
	b.clock.Add(23 * 24 * time.Hour)
	if _, err := newExpirer(b).RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := b.listing(t, long).State; st != matching.ListingExpired {
		t.Errorf("after 31 days the default 30-day listing is %s", st)
	}
}

package exchange_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/groupbuy"
	"huamu/internal/store"
	"huamu/matching"
)

// A text beyond the bounds is answered with what the limit is, and nothing
// it asked for is stored or reserved.
func TestBounds_ATextBeyondThemIsAnsweredWithTheLimit(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	b.ex.GroupBuys = &groupbuy.Service{Store: b.st}
	ctx := context.Background()
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元 万春镇")
	g, err := b.st.CreateGroupBuy(ctx, matching.GroupBuy{Species: "桂花", Unit: "株", Price: decimal.RequireFromString("650"),
		MinTotal: 500, MinEach: 10, Step: 1, Deadline: t0.Add(48 * time.Hour)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ body, want string }{
		{fmt.Sprintf("订 %d 999999999999999", id), "订购数量最多1000万株"},
		{fmt.Sprintf("参团 %d 999999999999999", g.ID), "参团数量最多1000万株"},
		{fmt.Sprintf("参团 %d 9999亿", g.ID), "参团数量最多1000万株"},
		{fmt.Sprintf("参团 %d 500000", g.ID), "总金额最多1亿元"},
	} {
		if got := one(t, b.text(t, buyer, c.body), buyer); !strings.Contains(got, c.want) {
			t.Errorf("%q answered %q, want the limit %q", c.body, got, c.want)
		}
	}
	if l := b.listing(t, id); l.Remaining != 200 {
		t.Errorf("remaining %d: a refused order reserved stock", l.Remaining)
	}
	if ps, _ := b.st.Participants(ctx, g.ID); len(ps) != 0 {
		t.Errorf("a refused join was recorded: %+v", ps)
	}
	// An offer beyond them is not stored; a clerk sees why.
	for _, c := range []struct{ body, want string }{
		{"供 桂花 8公分 9999亿株 600元 万春镇", "数量最多1000万株"},
		{"供 桂花 8公分 200株 999999999999元 万春镇", "单价最多100万元"},
	} {
		sent := b.text(t, grower2, c.body)
		if got := one(t, sent, grower2); !strings.Contains(got, c.want) {
			t.Errorf("%q answered %q, want the limit %q", c.body, got, c.want)
		}
		if in := b.inbound(t, grower2); in.State != "needs_clerk" || in.Reason != "out_of_bounds" {
			t.Errorf("%q left in state %s (%s), want needs_clerk out_of_bounds", c.body, in.State, in.Reason)
		}
	}
	if ls, _ := b.st.ListListings(ctx, store.ListingFilter{Phone: grower2}); len(ls) != 0 {
		t.Errorf("a listing beyond the bounds was stored: %+v", ls)
	}
	b.checkBooks(t)
}

func TestOrder_ABareOrderReservesAtMostTheBound(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	id := b.offer(t, grower, "供 小叶女贞 50公分 20000株 2元")
	sent := b.text(t, buyer, fmt.Sprintf("订 %d", id))
	if got := one(t, sent, buyer); !strings.Contains(got, "请写明要订多少") || !strings.Contains(got, "20000株") {
		t.Errorf("a bare 订 on 20000 answered %q, want a request for the quantity", got)
	}
	if l := b.listing(t, id); l.Remaining != 20000 {
		t.Errorf("remaining %d: a bare 订 reserved the grower's whole stock", l.Remaining)
	}
	b.text(t, buyer, fmt.Sprintf("订 %d %d", id, matching.MaxBareOrderQty+1))
	if o := b.lastOrder(t); o.Qty != matching.MaxBareOrderQty+1 {
		t.Errorf("an order with its quantity: %d", o.Qty)
	}
}

func TestOrder_OneBuyerWaitsOnAtMostTheBoundOfProposals(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	var ids []int64
	for i := range matching.MaxOpenProposals + 1 {
		ids = append(ids, b.offer(t, grower, fmt.Sprintf("供 桂花 %d公分 100株 600元", 5+i)))
	}
	for _, id := range ids[:matching.MaxOpenProposals] {
		b.text(t, buyer, fmt.Sprintf("订 %d 10", id))
	}
	last := ids[matching.MaxOpenProposals]
	sent := b.text(t, buyer, fmt.Sprintf("订 %d 10", last))
	if got := one(t, sent, buyer); !strings.Contains(got, "最多10笔") {
		t.Errorf("proposal %d answered %q, want the cap", matching.MaxOpenProposals+1, got)
	}
	if l := b.listing(t, last); l.Remaining != 100 {
		t.Errorf("the refused proposal reserved stock: remaining %d", l.Remaining)
	}
	// Another buyer is not held back by this one.
	b.text(t, buyer2, fmt.Sprintf("订 %d 10", last))
	if o := b.lastOrder(t); o.ListingID != last || o.BuyerPhone != buyer2 {
		t.Errorf("another buyer's order: %+v", o.Order)
	}
	// Once the grower answers one, the buyer may order again.
	b.text(t, grower, fmt.Sprintf("拒绝 %d", b.orderOn(t, ids[0], buyer)))
	b.text(t, buyer, fmt.Sprintf("订 %d 10", last))
	if o := b.lastOrder(t); o.ListingID != last || o.BuyerPhone != buyer {
		t.Errorf("after one was declined the buyer could not order: %+v", o.Order)
	}
	b.checkBooks(t)
}

// orderOn is the id of the order phone made on listing id.
func (b *bench) orderOn(t *testing.T, id int64, phone string) int64 {
	t.Helper()
	os, err := b.st.SearchOrders(context.Background(), store.OrderFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range os {
		if o.ListingID == id && o.BuyerPhone == phone {
			return o.ID
		}
	}
	t.Fatalf("no order by %s on %d", phone, id)
	return 0
}

package app_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/outbound"
	"huamu/matching"
)

// waitText waits until phone has received a text containing want and
// returns it.
func (x *exchange) waitText(t *testing.T, phone, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range x.inbox(phone) {
			if strings.Contains(m.Text, want) {
				return m.Text
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never received a text with %q; got %+v", phone, want, x.inbox(phone))
		}
		select {
		case <-x.sim.Changed():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

var idAfter = func(prefix string) *regexp.Regexp { return regexp.MustCompile(prefix + `(\d+)`) }

// The whole trade by SMS through real binds, PostgreSQL and Redis: an
// offer, a demand and the buyer's match text, 订, the grower's proposal and
// 确认, both confirmations, and the ledger entry that sums to zero.
func TestTrade_OfferDemandOrderConfirmByTextPostsTheLedger(t *testing.T) {
	x := start(t)
	const grower, buyer = "13800000011", "13900000012"
	receipt := x.text(t, grower, "供 桂花 胸径8公分 全冠 200株 600元 万春镇")
	if len(receipt) == 0 || !strings.Contains(receipt[0].Text, "已登记") {
		t.Fatalf("grower's receipt: %+v", receipt)
	}
	x.text(t, buyer, "求购 桂花 胸径8-10公分 全冠 100株")
	match := x.waitText(t, buyer, grower)
	m := idAfter(`(?:^|[^0-9])`).FindStringSubmatch(strings.TrimPrefix(match, "【花木通】找到货源1条:"))
	offerID, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || !strings.Contains(match, fmt.Sprintf(`"订 %d 数量"`, offerID)) {
		t.Fatalf("match text %q: no offer id to order with", match)
	}

	pending := x.text(t, buyer, fmt.Sprintf("订 %d 100", offerID))
	if len(pending) != 1 || !strings.Contains(pending[0].Text, "待确认") {
		t.Fatalf("buyer after 订: %+v", pending)
	}
	proposal := x.waitText(t, grower, "确认 ")
	om := idAfter(`"确认 `).FindStringSubmatch(proposal)
	if om == nil || !strings.Contains(proposal, "共60000.00元") || !strings.Contains(proposal, buyer) {
		t.Fatalf("grower's proposal %q", proposal)
	}
	orderID, _ := strconv.ParseInt(om[1], 10, 64)

	confirmed := x.text(t, grower, "确认 "+om[1])
	if len(confirmed) != 1 || !strings.Contains(confirmed[0].Text, "已确认") {
		t.Fatalf("grower after 确认: %+v", confirmed)
	}
	toBuyer := x.waitText(t, buyer, "卖家已确认")
	if !strings.Contains(toBuyer, grower) || !strings.Contains(toBuyer, "60000.00元") {
		t.Errorf("buyer's confirmation %q", toBuyer)
	}
	for _, msg := range append(x.inbox(grower), x.inbox(buyer)...) {
		if n := outbound.Len(msg.Text); n > outbound.TwoSMS {
			t.Errorf("text of %d units: %s", n, msg.Text)
		}
	}

	ctx := context.Background()
	e, err := x.app.Store.EntryByRef(ctx, matching.EntryOrderConfirmed, matching.OrderRef(orderID))
	if err != nil {
		t.Fatal(err)
	}
	sum := decimal.Zero
	for _, p := range e.Postings {
		sum = sum.Add(p.Amount)
	}
	if !sum.IsZero() || len(e.Postings) < 2 {
		t.Errorf("ledger entry %+v: postings sum to %s", e, sum)
	}
	o, err := x.app.Store.Order(ctx, orderID)
	if err != nil || o.State != matching.OrderConfirmed {
		t.Fatalf("order %+v (%v), want confirmed", o, err)
	}
	if got := matching.Balances([]matching.Entry{e})[matching.Receivable(o.BuyerID)]; !got.Equal(decimal.NewFromInt(60000)) {
		t.Errorf("buyer owes %s, want 60000.00", got)
	}
	l, err := x.app.Store.Listing(ctx, offerID)
	if err != nil || l.Remaining != 100 {
		t.Errorf("offer remaining %d (%v), want 100", l.Remaining, err)
	}
}

package exchange_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/exchange"
	"huamu/internal/store"
	"huamu/matching"
)

// A random sequence of texts and clerk actions — offers, orders (often for
// more than remains), confirmations, declines, cancels, expiries by the
// clock, withdrawn offers, payments — never breaks the books, checked
// against the real store after every step:
//   - stock: each offer's remaining is ≥ 0 and, with what its orders hold,
//     exactly what it offered;
//   - ledger: every entry sums to zero, there is exactly one order entry per
//     confirmed or delivered order, and each member's balance is what the
//     orders and payments say it must be.
func TestProperty_RandomTradingKeepsStockAndLedgerExact(t *testing.T) {
	t.Parallel()
	for seed := range uint64(2) {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			runTrading(t, seed, 150)
		})
	}
}

func runTrading(t *testing.T, seed uint64, steps int) {
	b := newBench(t)
	b.ex.OrderTTL = 6 * time.Hour
	rng := rand.New(rand.NewPCG(seed, 7))
	ctx := context.Background()
	growers := []string{"13800001001", "13800001002", "13800001003"}
	buyers := []string{"13900001001", "13900001002", "13900001003", "13900001004"}
	clerk, err := b.st.UpsertUser(ctx, "clerk", "王", store.RoleClerk, "pw-long-enough-1")
	if err != nil {
		t.Fatal(err)
	}
	var offers []int64
	paid := map[int64]decimal.Decimal{} // member → what they paid the association (buyers) or were paid (growers)
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	orders := func() []store.OrderInfo {
		os, err := b.st.SearchOrders(ctx, store.OrderFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return os
	}
	anyOrder := func(state matching.OrderState) (store.OrderInfo, bool) {
		var c []store.OrderInfo
		for _, o := range orders() {
			if o.State == state {
				c = append(c, o)
			}
		}
		if len(c) == 0 {
			return store.OrderInfo{}, false
		}
		return c[rng.IntN(len(c))], true
	}
	for step := range steps {
		switch k := rng.IntN(10); {
		case k == 0 || len(offers) == 0:
			qty, price := 20+rng.IntN(200), 50+rng.IntN(900)
			id := b.offer(t, pick(growers), fmt.Sprintf("供 桂花 8公分 %d株 %d.%02d元", qty, price, rng.IntN(100)))
			offers = append(offers, id)
		case k <= 3:
			b.text(t, pick(buyers), fmt.Sprintf("订 %d %d", offers[rng.IntN(len(offers))], 1+rng.IntN(70)))
		case k == 4:
			if o, ok := anyOrder(matching.OrderProposed); ok {
				b.text(t, o.SellerPhone, fmt.Sprintf("确认 %d", o.ID))
			}
		case k == 5:
			if o, ok := anyOrder(matching.OrderProposed); ok {
				verb := "拒绝"
				from := o.SellerPhone
				if rng.IntN(2) == 0 {
					verb, from = "取消", o.BuyerPhone
				}
				b.text(t, from, fmt.Sprintf("%s %d", verb, o.ID))
			}
		case k == 6:
			b.clock.Add(time.Duration(rng.IntN(4)) * time.Hour)
			if _, err := newExpirer(b).RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		case k == 7:
			l := b.listing(t, offers[rng.IntN(len(offers))])
			b.text(t, l.Phone, fmt.Sprintf("取消 %d", l.ID))
		case k == 8:
			if o, ok := anyOrder(matching.OrderConfirmed); ok {
				amount := matching.Round2(o.Total().Mul(decimal.NewFromFloat(rng.Float64()).Round(2))).Add(decimal.RequireFromString("0.01"))
				kind, who := exchange.PaidIn, o.BuyerID
				if rng.IntN(2) == 0 {
					kind, who = exchange.PaidOut, o.SellerID
				}
				_, err := b.ex.RecordPayment(ctx, clerk.ID, o.ID, kind, amount.StringFixed(2), fmt.Sprintf("R%d", step))
				if err != nil {
					t.Fatalf("step %d payment: %v", step, err)
				}
				if kind == exchange.PaidOut {
					amount = amount.Neg() // the association paid the grower: their payable moves up
				}
				paid[who] = paid[who].Add(amount)
			}
		default:
			act := []exchange.ClerkAction{exchange.ClerkConfirm, exchange.ClerkCancel, exchange.ClerkDeliver}[rng.IntN(3)]
			if o, ok := anyOrder([]matching.OrderState{matching.OrderProposed, matching.OrderConfirmed}[rng.IntN(2)]); ok {
				_, err := b.ex.ActOnOrder(ctx, clerk.ID, o.ID, act, "电话告知")
				if code := matching.ErrorCodeOf(err); err != nil && code == matching.CodeInternal {
					t.Fatalf("step %d clerk %s: %v", step, act, err)
				}
			}
		}
		b.checkBooks(t)
	}
	// The ledger follows from the orders and payments, member by member.
	want := map[int64]decimal.Decimal{}
	confirmed := 0
	for _, o := range orders() {
		if o.State == matching.OrderConfirmed || o.State == matching.OrderDelivered {
			confirmed++
			want[o.BuyerID] = want[o.BuyerID].Add(o.Total())
			want[o.SellerID] = want[o.SellerID].Sub(o.Total())
		}
	}
	for m, p := range paid {
		want[m] = want[m].Sub(p)
	}
	entries, err := b.st.AllEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Kind == matching.EntryOrderConfirmed {
			n++
		}
	}
	if n != confirmed {
		t.Errorf("%d order entries for %d confirmed or delivered orders", n, confirmed)
	}
	for m, w := range want {
		_, bal, err := b.st.MemberStatement(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if !bal.Equal(w) {
			t.Errorf("member %d balance %s, orders and payments say %s", m, bal, w)
		}
	}
	t.Logf("%d steps: %d offers, %d orders (%d confirmed), %d entries", steps, len(offers), len(orders()), confirmed, len(entries))
}

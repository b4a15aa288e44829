package matching

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// ledgerMax is the largest amount a ledger posting (numeric(14,2)) holds.
var ledgerMax = dec("999999999999.99")

func TestBounds_EveryOrderThatCanBeProposedFitsALedgerPosting(t *testing.T) {
	t.Parallel()
	// The largest order NewOrder accepts is MaxLineTotalYuan; the largest
	// fee-less confirmation posts exactly that. Anything above is refused
	// before it reaches the database, so no order is proposed that could
	// never be confirmed.
	if !decimal.NewFromInt(MaxLineTotalYuan).LessThan(ledgerMax) {
		t.Fatalf("MaxLineTotalYuan %d does not fit a ledger posting", MaxLineTotalYuan)
	}
	// Even the most a group-buy entry sums (every participant at the limit
	// of the group-buy's value) fits.
	if !decimal.NewFromInt(MaxLineTotalYuan).Mul(decimal.NewFromInt(2)).LessThan(ledgerMax) {
		t.Fatal("a group-buy's income and cost could overflow a posting")
	}
	price := dec("999999.99") // just under the unit price bound
	l := supply(withPrice(perUnit("999999.99", "999999.99")), withQty(MaxQty))
	top := MaxLineTotalYuan * 100 / 99999999 // the most units within the line total at that price
	o, err := NewOrder(l, 20, top, t0, 0)
	if err != nil {
		t.Fatalf("an order of %d at %s within the bounds: %v", top, Yuan(price), err)
	}
	e, err := ConfirmedOrderEntry(mustApply(t, o, EventConfirm), decimal.Zero)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range e.Postings {
		if p.Amount.Abs().GreaterThan(ledgerMax) {
			t.Errorf("posting %s overflows numeric(14,2)", Yuan(p.Amount))
		}
	}
	if _, err := NewOrder(l, 20, top+1, t0, 0); ErrorCodeOf(err) != CodeInvalid || !strings.Contains(ChineseMessage(err), "1亿元") {
		t.Errorf("one unit more: %v, want CodeInvalid naming the 1亿元 limit", err)
	}
}

func mustApply(t *testing.T, o Order, k OrderEventKind) Order {
	t.Helper()
	o, err := o.Apply(OrderEvent{Kind: k, By: Actor{Clerk: true}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestBounds_ATextBeyondThemIsAnsweredWithTheLimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"order of 15 digits", func() error {
			_, err := NewOrder(supply(), 20, 999999999999999, t0, 0)
			return err
		}(), "订购数量最多1000万株"},
		{"order at a price past the bound", func() error {
			_, err := NewOrder(supply(withPrice(perUnit("999999999999", ""))), 20, 1, t0, 0)
			return err
		}(), "单价最多100万元"},
		{"order whose total passes the bound", func() error {
			_, err := NewOrder(supply(withPrice(perUnit("900000", ""))), 20, 200, t0, 0)
			return err
		}(), "总金额最多1亿元"},
		{"join of 15 digits", func() error {
			_, err := gb().CheckCommitment(999999999999999, 0, t0)
			return err
		}(), "参团数量最多1000万株"},
		{"join whose value passes the bound", func() error {
			g := gb()
			g.Cap, g.Price = 0, dec("1000000")
			_, err := g.CheckCommitment(120, 0, t0)
			return err
		}(), "总金额最多1亿元"},
		{"listing of 9999亿株", supply(withQty(999900000000)).CheckBounds(), "数量最多1000万株"},
		{"listing at 1e12 yuan", supply(withPrice(perUnit("999999999999", ""))).CheckBounds(), "单价最多100万元"},
		{"listing lump sum", supply(withPrice(lump("1000000000"))).CheckBounds(), "总价最多1亿元"},
		{"listing worth more than 1亿", supply(withQty(1000), withPrice(perUnit("100001", ""))).CheckBounds(), "总金额最多1亿元"},
		{"group-buy cap", func() error { g := gb(); g.Cap = MaxQty + 1; return g.CheckBounds() }(), "封顶数量最多1000万株"},
	}
	for _, c := range cases {
		if ErrorCodeOf(c.err) != CodeInvalid || !strings.Contains(ChineseMessage(c.err), c.want) {
			t.Errorf("%s: %v, want CodeInvalid saying %q", c.name, c.err, c.want)
		}
	}
	for name, err := range map[string]error{
		"an ordinary offer":     supply().CheckBounds(),
		"an ordinary group-buy": gb().CheckBounds(),
		"1000万株 at 10元":         supply(withQty(MaxQty), withPrice(perUnit("10", ""))).CheckBounds(),
	} {
		if err != nil {
			t.Errorf("%s refused: %v", name, err)
		}
	}
}

func TestCheckOpenProposals_CapsCountAndValue(t *testing.T) {
	t.Parallel()
	o := Order{Qty: 10, UnitPrice: dec("100"), State: OrderProposed}
	var open []Order
	for range MaxOpenProposals - 1 {
		open = append(open, o)
	}
	open = append(open, Order{Qty: 10, UnitPrice: dec("100"), State: OrderConfirmed}) // does not count
	if err := CheckOpenProposals(open, o); err != nil {
		t.Fatalf("the %dth proposal refused: %v", MaxOpenProposals, err)
	}
	open = append(open, o)
	err := CheckOpenProposals(open, o)
	if ErrorCodeOf(err) != CodeConflict || !strings.Contains(ChineseMessage(err), "最多10笔") {
		t.Fatalf("proposal %d: %v", MaxOpenProposals+1, err)
	}
	big := Order{Qty: 60000, UnitPrice: dec("1000"), State: OrderProposed} // 6000万
	if err := CheckOpenProposals([]Order{big}, big); ErrorCodeOf(err) != CodeConflict || !strings.Contains(ChineseMessage(err), "1亿元") {
		t.Fatalf("1.2亿 of proposals: %v", err)
	}
}

func TestZhAmount(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{10_000_000: "1000万", 100_000_000: "1亿", 1_000_000: "100万", 1000: "1000", 12345: "12345"} {
		if got := ZhAmount(n); got != want {
			t.Errorf("ZhAmount(%d) = %q, want %q", n, got, want)
		}
	}
}

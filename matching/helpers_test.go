package matching

import (
	"time"

	"github.com/shopspring/decimal"
)

// t0 is the tests' "now": 2025-03-01 09:00 in China.
var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, ChinaTime)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decp(s string) *decimal.Decimal {
	if s == "" {
		return nil
	}
	d := dec(s)
	return &d
}

func f64(v float64) *float64 { return &v }

func i64(v int64) *int64 { return &v }

// perUnit is a per-株 price range; "" leaves an end open.
func perUnit(lo, hi string) *Price { return &Price{Min: decp(lo), Max: decp(hi), Per: "株"} }

// lump is a lump-sum price.
func lump(total string) *Price { return &Price{Total: decp(total)} }

// supply is an open offer of 200 桂花 at 8 cm, 600 元, by member 10 in 万春镇.
func supply(mods ...func(*Listing)) Listing {
	l := Listing{
		ID: 1, MemberID: 10, Phone: "13800000010", Side: Supply, Species: "桂花",
		Spec:      Spec{SpecDia: Exactly(8)},
		Qty:       Qty{Min: i64(200), Max: i64(200), Unit: "株"},
		Remaining: 200,
		Price:     perUnit("600", "600"),
		Location:  &Location{City: "成都市", District: "温江区", Town: "万春镇"},
		State:     ListingOpen,
		CreatedAt: t0.Add(-48 * time.Hour),
		ExpiresAt: t0.Add(28 * 24 * time.Hour),
	}
	for _, m := range mods {
		m(&l)
	}
	return l
}

// demand is an open request for 500 桂花 at 8-10 cm by member 20 in 万春镇.
func demand(mods ...func(*Listing)) Listing {
	l := Listing{
		ID: 1000, MemberID: 20, Phone: "13800000020", Side: Demand, Species: "桂花",
		Spec:      Spec{SpecDia: Between(8, 10)},
		Qty:       Qty{Min: i64(500), Max: i64(500), Unit: "株"},
		Remaining: 500,
		Location:  &Location{City: "成都市", District: "温江区", Town: "万春镇"},
		State:     ListingOpen,
		CreatedAt: t0.Add(-time.Hour),
		ExpiresAt: t0.Add(29 * 24 * time.Hour),
	}
	for _, m := range mods {
		m(&l)
	}
	return l
}

func withSpec(sp Spec) func(*Listing) { return func(l *Listing) { l.Spec = sp } }

func withAttrs(a ...string) func(*Listing) { return func(l *Listing) { l.Attrs = a } }

func withPrice(p *Price) func(*Listing) { return func(l *Listing) { l.Price = p } }

func withID(id int64) func(*Listing) { return func(l *Listing) { l.ID = id } }

func withQty(n int64) func(*Listing) {
	return func(l *Listing) { l.Qty.Min, l.Qty.Max, l.Remaining = i64(n), i64(n), n }
}

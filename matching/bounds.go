package matching

import (
	"strconv"

	"github.com/shopspring/decimal"
)

// Bounds, in one place: the largest quantity, unit price and line total the
// exchange accepts, wherever one enters (an SMS, a clerk's form, the JSON
// API). They are plausible for one district's nursery trade and keep every
// amount well inside the NUMERIC columns: a listing's prices and a ledger
// posting are numeric(14,2) (below 10^12 yuan), an order's total
// numeric(16,2). An order's total is at most MaxLineTotalYuan, so every
// order that can be proposed can also be confirmed and posted, and a
// group-buy's entry (a sum of such totals) still fits a posting.
//
// A value beyond a bound is refused with CodeInvalid and a Chinese message
// that says what the bound is, never silently cut.
const (
	// MaxQty is the most units one listing, order or commitment may hold:
	// 1000万 (a nursery's whole stock of small seedlings, or of turf in 平方米).
	MaxQty int64 = 10_000_000
	// MaxUnitPriceYuan is the highest unit price: 100万元 (a specimen tree).
	MaxUnitPriceYuan int64 = 1_000_000
	// MaxLineTotalYuan is the highest line total — an order, a listing's
	// whole quantity at its price, a group-buy's committed value, one
	// payment: 1亿元.
	MaxLineTotalYuan int64 = 100_000_000
	// MaxOpenProposals is how many proposed orders one buyer may wait on at
	// once; each reserves a grower's stock until it is answered or expires.
	MaxOpenProposals = 10
	// MaxBareOrderQty is the most a bare 订 N (no quantity: "all that
	// remains") reserves; above it the buyer is asked to say how many.
	MaxBareOrderQty int64 = 1_000
)

// maxUnitPrice and maxLineTotal are the bounds as decimals.
var (
	maxUnitPrice = decimal.NewFromInt(MaxUnitPriceYuan)
	maxLineTotal = decimal.NewFromInt(MaxLineTotalYuan)
)

// ZhAmount writes a whole number the way the replies state a limit:
// 10000000 → 1000万, 100000000 → 1亿, 1000 → 1000.
func ZhAmount(n int64) string {
	switch {
	case n >= 100_000_000 && n%100_000_000 == 0:
		return strconv.FormatInt(n/100_000_000, 10) + "亿"
	case n >= 10_000 && n%10_000 == 0:
		return strconv.FormatInt(n/10_000, 10) + "万"
	}
	return strconv.FormatInt(n, 10)
}

// CheckQty refuses a quantity below zero or above MaxQty. what names the
// field (数量, 参团数量); unit is shown with the limit (株), may be "".
func CheckQty(what string, n int64, unit string) error {
	if n < 0 {
		return Errorf(CodeInvalid, "%s不能是负数", what)
	}
	if n > MaxQty {
		return Errorf(CodeInvalid, "%s最多%s%s", what, ZhAmount(MaxQty), unit)
	}
	return nil
}

// CheckUnitPrice refuses a unit price below zero or above MaxUnitPriceYuan.
func CheckUnitPrice(what string, p decimal.Decimal) error {
	if p.IsNegative() {
		return Errorf(CodeInvalid, "%s不能是负数", what)
	}
	if p.GreaterThan(maxUnitPrice) {
		return Errorf(CodeInvalid, "%s最多%s元", what, ZhAmount(MaxUnitPriceYuan))
	}
	return nil
}

// CheckAmount refuses an amount of money (a lump sum, a payment) below zero
// or above MaxLineTotalYuan.
func CheckAmount(what string, d decimal.Decimal) error {
	if d.IsNegative() {
		return Errorf(CodeInvalid, "%s不能是负数", what)
	}
	if d.GreaterThan(maxLineTotal) {
		return Errorf(CodeInvalid, "%s最多%s元", what, ZhAmount(MaxLineTotalYuan))
	}
	return nil
}

// CheckLineTotal refuses qty units at unit price whose line total
// (LineTotal) is above MaxLineTotalYuan.
func CheckLineTotal(unit decimal.Decimal, qty int64) error {
	if LineTotal(unit, qty).GreaterThan(maxLineTotal) {
		return Errorf(CodeInvalid, "总金额最多%s元，%d×%s元超过了", ZhAmount(MaxLineTotalYuan), qty, Yuan(unit))
	}
	return nil
}

// CheckBounds refuses a listing whose quantity, prices or value (its
// quantity at its highest unit price, or its lump sum) is beyond the bounds.
func (l Listing) CheckBounds() error {
	unit := l.Unit()
	for _, q := range []*int64{l.Qty.Min, l.Qty.Max} {
		if q != nil {
			if err := CheckQty("数量", *q, unit); err != nil {
				return err
			}
		}
	}
	if l.Price == nil {
		return nil
	}
	top := decimal.Zero
	for _, p := range []*decimal.Decimal{l.Price.Min, l.Price.Max} {
		if p != nil {
			if err := CheckUnitPrice("单价", *p); err != nil {
				return err
			}
			top = decimal.Max(top, *p)
		}
	}
	if l.Price.Total != nil {
		if err := CheckAmount("总价", *l.Price.Total); err != nil {
			return err
		}
	}
	return CheckLineTotal(top, max(l.Qty.Amount(), 0))
}

// CheckBounds refuses a group-buy whose price, quantities or value at its
// tipping point or cap are beyond the bounds.
func (g GroupBuy) CheckBounds() error {
	if err := CheckUnitPrice("团购价", g.Price); err != nil {
		return err
	}
	for _, f := range []struct {
		what string
		n    int64
	}{{"成团数量", g.MinTotal}, {"封顶数量", g.Cap}, {"每人起订", g.MinEach}, {"每次加", g.Step}} {
		if err := CheckQty(f.what, f.n, g.Unit); err != nil {
			return err
		}
	}
	return CheckLineTotal(g.Price, max(g.MinTotal, g.Cap))
}

// CheckOpenProposals refuses next when its buyer already waits on
// MaxOpenProposals proposals (open, in any state; only proposed ones count),
// or when their totals with next's would pass MaxLineTotalYuan.
func CheckOpenProposals(open []Order, next Order) error {
	n := 0
	sum := next.Total()
	for _, o := range open {
		if o.State == OrderProposed {
			n++
			sum = sum.Add(o.Total())
		}
	}
	if n >= MaxOpenProposals {
		return Errorf(CodeConflict, "您已有%d笔订单等卖家确认，最多%d笔，请等答复或发\"取消 订单号\"后再订", n, MaxOpenProposals)
	}
	if sum.GreaterThan(maxLineTotal) {
		return Errorf(CodeConflict, "待确认订单总额最多%s元，请等卖家答复后再订", ZhAmount(MaxLineTotalYuan))
	}
	return nil
}

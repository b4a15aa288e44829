package matching

import (
	"cmp"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// What the price index's texts (internal/outbound: the answer to 行情 桂花
// and the weekly bulletin) and pages read from it. Both follow the index's
// privacy rule by construction: a non-public cell has no figures to show.

// YuanShort writes an amount for a price text: whole yuan without decimals
// (590), others with two (0.80, 12.50).
func YuanShort(d decimal.Decimal) string {
	if d.Equal(d.Truncate(0)) {
		return d.Truncate(0).String()
	}
	return d.StringFixed(2)
}

// WeekLabel is a week as texts and sheets name it: "3月9日-15日",
// "3月30日-4月5日".
func WeekLabel(start time.Time) string {
	s := start.In(ChinaTime)
	e := s.AddDate(0, 0, 6)
	if e.Month() == s.Month() {
		return s.Format("1月2日") + "-" + e.Format("2日")
	}
	return s.Format("1月2日") + "-" + e.Format("1月2日")
}

// PublicAt returns the series with public deals in week w, most deals
// first (band order on ties).
func (ix PriceIndex) PublicAt(w int, keep func(PriceSeries) bool) []PriceSeries {
	var out []PriceSeries
	for _, s := range ix.Series {
		if s.Cells[w].Deals.Public && (keep == nil || keep(s)) {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b PriceSeries) int { return cmp.Compare(b.Cells[w].Deals.N, a.Cells[w].Deals.N) })
	return out
}

// AsksNow is the range of the asks standing in the current week of the
// series kept (the species' plain product when keep is nil), with its product.
func (ix PriceIndex) AsksNow(keep func(PriceSeries) bool) (PriceRange, Product) {
	w := ix.Current()
	var all PriceRange
	var prod Product
	for _, s := range ix.Series {
		if keep == nil && !s.Product.Plain() || keep != nil && !keep(s) {
			continue
		}
		all, prod = all.with(s.Cells[w].Asks), s.Product
	}
	return all, prod
}

// with is r and o together.
func (r PriceRange) with(o PriceRange) PriceRange {
	switch {
	case o.N == 0:
		return r
	case r.N == 0:
		return o
	}
	return PriceRange{N: r.N + o.N, Low: decimal.Min(r.Low, o.Low), High: decimal.Max(r.High, o.High)}
}

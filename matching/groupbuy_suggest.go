package matching

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Suggestion is a group-buy the exchange proposes to a clerk: several small
// open demands for the same stock whose total a grower could supply.
type Suggestion struct {
	Species string
	Unit    string
	Dia     float64 // the diameter (cm) the demands share, 0 when they state none
	Demands []Listing
	Total   int64
	Supply  int64           // what compatible open offers hold
	BestAsk decimal.Decimal // the cheapest compatible ask, zero when unpriced
}

// SuggestGroupBuys groups open demands of at most small units each by
// species, unit and stated diameter (rounded to the cm), and proposes a
// group-buy where at least minDemands of them come from different numbers
// and the open offers for that stock could cover at least half their
// total — the point where buying for all at once is worth a grower's
// better price. Biggest totals first; deterministic.
func SuggestGroupBuys(demands, offers []Listing, now time.Time, small int64, minDemands int) []Suggestion {
	type key struct {
		species, unit string
		dia           float64
	}
	groups := map[key][]Listing{}
	var keys []key
	for _, d := range demands {
		q := d.Qty.Amount()
		if !d.Open(now) || q <= 0 || q > small {
			continue
		}
		k := key{d.Species, d.Unit(), diaOf(d.Spec)}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], d)
	}
	var out []Suggestion
	for _, k := range keys {
		ds := groups[k]
		phones := map[string]bool{}
		var total int64
		for _, d := range ds {
			phones[d.Phone] = true
			total += d.Qty.Amount()
		}
		if len(phones) < minDemands {
			continue
		}
		q := total
		probe := Listing{ID: -1, Side: Demand, Species: k.species, Qty: Qty{Min: &q, Unit: k.unit}, Remaining: total,
			State: ListingOpen, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if k.dia > 0 {
			probe.Spec = Spec{SpecDia: Exactly(k.dia)}
		}
		s := Suggestion{Species: k.species, Unit: k.unit, Dia: k.dia, Demands: ds, Total: total}
		for _, m := range RankOffers(probe, offers, now) {
			s.Supply += m.Offer.Remaining
			if ask, ok := m.Offer.Ask(); ok && (s.BestAsk.IsZero() || ask.LessThan(s.BestAsk)) {
				s.BestAsk = ask
			}
		}
		if 2*s.Supply >= total {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		if c := cmp.Compare(b.Total, a.Total); c != 0 {
			return c
		}
		return cmp.Compare(a.Species, b.Species)
	})
	return out
}

// diaOf is the stated diameter of a spec, any basis, rounded to the cm; 0 when none.
func diaOf(sp Spec) float64 {
	for _, k := range [...]string{SpecDia, SpecD1M, SpecDBH, SpecGround} {
		if r, ok := sp[k]; ok && !r.IsZero() {
			lo, hi := r.Lo(), r.Hi()
			switch {
			case math.IsInf(lo, -1):
				return math.Round(hi)
			case math.IsInf(hi, 1):
				return math.Round(lo)
			}
			return math.Round((lo + hi) / 2)
		}
	}
	return 0
}

package matching

import (
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Distance levels between a supply's location and a demand's, nearest first.
const (
	SameVillage  = 0
	SameTown     = 1
	SameDistrict = 2
	SameCity     = 3
	Elsewhere    = 4 // different city, or not known
)

// Match is one offer ranked for a demand.
type Match struct {
	Offer Listing
	Fit   FitScore
	// Distance is one of SameVillage … Elsewhere.
	Distance int
	// Fill is how many of the demand's remaining units this offer covers
	// when the demand is filled from the top of the ranking down: the first
	// offers take what they can, later ones the rest, then 0. An offer whose
	// quantity was not stated fills 0 (ask the grower). A demand whose
	// quantity was not stated takes all of every offer.
	Fill int64
}

// RankOffers returns the offers that can serve demand d at now, in the order
// a buyer would take them. An offer takes part when it is open at now, not
// sold out and Compatible with d; nothing is returned when d itself is not
// open at now. The order, each step breaking the ties of the one before:
//
//  1. price: offers with a per-unit ask, lowest first; then lump sums, by
//     their implied unit price (total ÷ quantity) when the quantity is known;
//     then offers with no price (面议 or silent).
//  2. fit: FitScore.Compare — exact variety, exact diameter basis, fewer
//     specs and attributes left unstated, more of the offer inside the
//     demand's ranges.
//  3. distance from the demand's place: same village, town, district, city,
//     then elsewhere or unknown.
//  4. time priority: the older offer first.
//  5. id, so that equal offers still come out in one order.
//
// The order depends only on the inputs, never on the order of offers.
func RankOffers(d Listing, offers []Listing, now time.Time) []Match {
	if !d.Open(now) || d.soldOut() {
		return nil
	}
	type ranked struct {
		Match
		class int // 0 per-unit, 1 lump sum, 2 no price
		price decimal.Decimal
	}
	var rs []ranked
	for i := range offers {
		s := &offers[i]
		if s.Species != d.Species || !s.Open(now) || s.soldOut() {
			continue // cheap rejections first: most of the book is other species
		}
		fit, why := evaluate(*s, d, false)
		if why != "" {
			continue
		}
		class, price := priceKey(*s)
		rs = append(rs, ranked{
			Match: Match{Offer: *s, Fit: fit, Distance: Distance(s.Location, d.Location)},
			class: class, price: price,
		})
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		if c := cmpInt(a.class, b.class); c != 0 {
			return c
		}
		if c := a.price.Cmp(b.price); c != 0 {
			return c
		}
		if c := a.Fit.Compare(b.Fit); c != 0 {
			return c
		}
		if c := cmpInt(a.Distance, b.Distance); c != 0 {
			return c
		}
		if c := a.Offer.CreatedAt.Compare(b.Offer.CreatedAt); c != 0 {
			return c
		}
		return cmpInt64(a.Offer.ID, b.Offer.ID)
	})
	out := make([]Match, len(rs))
	need, bounded := d.Remaining, d.QtyKnown()
	for i, r := range rs {
		m := r.Match
		if m.Offer.QtyKnown() {
			m.Fill = m.Offer.Remaining
			if bounded {
				m.Fill = min(m.Fill, need)
				need -= m.Fill
			}
		}
		out[i] = m
	}
	return out
}

// priceKey is the first ranking key of an offer.
func priceKey(s Listing) (class int, price decimal.Decimal) {
	if ask, ok := s.Ask(); ok {
		return 0, ask
	}
	if total, ok := s.LumpSum(); ok {
		if n := s.Qty.Amount(); n > 0 {
			return 1, total.DivRound(decimal.NewFromInt(n), 8)
		}
		return 1, total
	}
	return 2, decimal.Decimal{}
}

// DemandsForOffer returns the demands that supply s can serve at now: open,
// not filled and Compatible with s. Urgent demands (急) come first, then the
// older, then by id, so that who hears of a new offer first is fair and
// repeatable. Nothing is returned when s is not open at now.
func DemandsForOffer(s Listing, demands []Listing, now time.Time) []Listing {
	if !s.Open(now) || s.soldOut() {
		return nil
	}
	var out []Listing
	for i := range demands {
		d := &demands[i]
		if d.Species != s.Species || !d.Open(now) || d.soldOut() {
			continue
		}
		if ok, _ := Compatible(s, *d); ok {
			out = append(out, *d)
		}
	}
	slices.SortFunc(out, func(a, b Listing) int {
		if a.Urgent != b.Urgent {
			return boolFirst(a.Urgent)
		}
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmpInt64(a.ID, b.ID)
	})
	return out
}

// Distance says how near two places are, from SameVillage to Elsewhere.
// Each level needs the names at that level to be given and equal, and the
// levels above not to conflict (a blank city or district does not conflict):
// a village name alone does not identify the town, so villages count only
// within the same town. Villages compare after dropping 村/社区 and any
// 组 (红旗村3组 = 红旗).
func Distance(a, b *Location) int {
	if a == nil || b == nil {
		return Elsewhere
	}
	eq := func(x, y string) bool { return x != "" && x == y }
	agree := func(x, y string) bool { return x == "" || y == "" || x == y }
	city, district := agree(a.City, b.City), agree(a.District, b.District)
	switch {
	case city && district && eq(a.Town, b.Town) && eq(villageKey(a.Village), villageKey(b.Village)):
		return SameVillage
	case city && district && eq(a.Town, b.Town):
		return SameTown
	case city && eq(a.District, b.District):
		return SameDistrict
	case eq(a.City, b.City):
		return SameCity
	}
	return Elsewhere
}

func villageKey(v string) string {
	for _, suffix := range [...]string{"社区", "村"} {
		if i := strings.Index(v, suffix); i > 0 {
			return v[:i]
		}
	}
	if i := strings.Index(v, "组"); i > 0 {
		return strings.TrimRight(v[:i], "0123456789一二三四五六七八九十")
	}
	return v
}

// QtyKnown reports whether the listing states a definite quantity. One that
// does not ("all of it", or silent) has Remaining 0 yet is not sold out.
func (l Listing) QtyKnown() bool { return l.Qty.Amount() > 0 }

// soldOut reports a listing with a stated quantity and nothing remaining.
func (l Listing) soldOut() bool { return l.QtyKnown() && l.Remaining <= 0 }

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

package matching

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// The price index, in one place:
//   - Three series per product and size band (price_band.go): deals
//     (confirmed and delivered orders, a group-buy's purchases from its
//     growers included: they are orders), asks (offers' unit prices) and
//     bids (demands' unit prices). Lump sums and negotiable listings carry
//     no unit price and do not count.
//   - Weeks run Monday to Sunday in China time (WeekStart). A deal counts in
//     the week it was confirmed. An ask or a bid counts in every week it
//     stood: from the week it was posted to the week it expired, or only the
//     week it was posted when it was withdrawn or sold out (when exactly is
//     not kept).
//   - A week's deal figures: the count, the total quantity, the median of
//     the deal prices (each deal once, so one odd deal moves it little) and
//     the mean weighted by quantity, both rounded to the fen.
//   - Privacy: a cell with fewer than MinPublicDeals deals, or from fewer
//     than MinPublicSellers sellers, publishes no price, quantity or range
//     of its deals (only that there were too few); readers get its ask
//     range instead. Every figure the index hands out follows this rule,
//     the trend's references included.
//   - Trend: a week's median against the previous week's and against the
//     median of the four weeks before it pooled, each when public.
//   - Outliers: a deal priced below half or above twice the median of its
//     band's other deals of that week and the four before (and the asks
//     standing that week), when there are at least three of them, is
//     flagged for a clerk. It still counts: nothing is dropped silently.

// Privacy thresholds of the price index.
const (
	MinPublicDeals   = 3
	MinPublicSellers = 2
)

// PriceKind says what a price the index counts is.
type PriceKind string

// The three series of the index.
const (
	PriceDeal PriceKind = "deal"
	PriceAsk  PriceKind = "ask"
	PriceBid  PriceKind = "bid"
)

// PriceObs is one price the index counts.
type PriceObs struct {
	Kind    PriceKind
	Ref     int64  // the order (deal) or listing (ask, bid) it comes from
	Member  int64  // the seller of a deal or an ask, the buyer of a bid
	Phone   string // that member's number and registered name, for a clerk
	Name    string
	Species string
	Variety string
	Attrs   []string
	Spec    Spec
	Unit    string
	Price   decimal.Decimal // per unit
	Qty     int64           // a deal's quantity
	At      time.Time       // a deal's confirmation, an ask's or a bid's posting
	Until   time.Time       // when an ask or a bid stopped standing
}

// DealObs is the index's view of order o, confirmed at at, for listing l
// (whose spec and attributes describe what was sold).
func DealObs(o Order, l Listing, at time.Time) PriceObs {
	return PriceObs{Kind: PriceDeal, Ref: o.ID, Member: o.SellerID, Phone: l.Phone, Species: o.Species, Variety: o.Variety,
		Attrs: l.Attrs, Spec: l.Spec, Unit: unitOr(o.Unit), Price: o.UnitPrice, Qty: o.Qty, At: at}
}

// ListingObs is the index's view of a listing: an ask for an offer, a bid
// for a demand. ok is false when it has no unit price (a lump sum, 面议).
func ListingObs(l Listing) (PriceObs, bool) {
	kind, p, ok := PriceAsk, decimal.Decimal{}, false
	if l.Side == Supply {
		p, ok = l.Ask()
	} else {
		kind = PriceBid
		p, ok = l.Bid()
	}
	if !ok || !p.IsPositive() {
		return PriceObs{}, false
	}
	until := l.ExpiresAt
	if l.State == ListingCancelled || l.State == ListingFilled {
		if end := WeekStart(l.CreatedAt).AddDate(0, 0, 7); end.Before(until) {
			until = end
		}
	}
	return PriceObs{Kind: kind, Ref: l.ID, Member: l.MemberID, Phone: l.Phone, Species: l.Species, Variety: l.Variety,
		Attrs: l.Attrs, Spec: l.Spec, Unit: unitOr(l.PriceUnit()), Price: p, At: l.CreatedAt, Until: until}, true
}

// WeekStart is the Monday 00:00, China time, of the week t falls in.
func WeekStart(t time.Time) time.Time {
	day := DayStart(t)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

// PriceBulletinDue is when the weekly price bulletin of t's week is due:
// Monday 08:00 China time.
func PriceBulletinDue(t time.Time) time.Time { return WeekStart(t).Add(8 * time.Hour) }

// Product is what one series prices: a species, its variety when the
// species is indexed by variety, a form that makes it another product
// (球, 柱, 造型, 盆景 …) and the unit the price is per.
type Product struct {
	Species, Variety, Form, Unit string
}

// Plain reports a species' main product: no variety, no form, per 株.
func (p Product) Plain() bool { return p.Variety == "" && p.Form == "" && p.Unit == "株" }

// Qualifier is what sets the product apart from the species' plain one:
// "金桂", "球", "(平方米)"; "" for the plain product.
func (p Product) Qualifier() string {
	q := p.Variety + p.Form
	if p.Unit != "株" {
		q += "(" + p.Unit + ")"
	}
	return q
}

// IsFormAttr reports whether attribute a names a form that makes another
// product of the species (球, 柱, 造型, 盆景, 盆栽, 桩头, 种子).
func IsFormAttr(a string) bool { return slices.Contains(formAttrs, a) }

func formOf(attrs []string) string {
	for _, f := range formAttrs {
		if slices.Contains(attrs, f) {
			return f
		}
	}
	return ""
}

// DealFigures are a cell's deal figures. Unless Public, only N is set.
type DealFigures struct {
	N       int
	Public  bool
	Qty     int64
	Sellers int
	Median  decimal.Decimal
	Mean    decimal.Decimal // weighted by quantity
	Low     decimal.Decimal
	High    decimal.Decimal
}

// PriceRange is the spread of the asks or bids standing in a week.
type PriceRange struct {
	N         int
	Low, High decimal.Decimal
}

// PriceCell is one week of one series.
type PriceCell struct {
	Week    time.Time
	Deals   DealFigures
	Prev    DealFigures // the week before
	Four    DealFigures // the four weeks before, pooled
	Asks    PriceRange
	Bids    PriceRange
	Flagged int // deals of this week flagged as far outside the band
}

// PriceSeries is a product's band, week by week.
type PriceSeries struct {
	Product Product
	Band    Band
	Cells   []PriceCell // one per PriceIndex.Weeks
}

// Label names the series in a text or a table: "8cm", "金桂8cm", "球冠幅1m".
func (s PriceSeries) Label() string { return s.Product.Qualifier() + s.BandLabel() }

// BandLabel is the band's label, "规格不详" for prices with no size on the basis.
func (s PriceSeries) BandLabel() string {
	if s.Band.Index < 0 {
		return "规格不详"
	}
	return s.Band.Label()
}

// FlaggedDeal is a deal far outside its band, for a clerk to check.
type FlaggedDeal struct {
	Deal   PriceObs
	Series string          // the series' label
	Median decimal.Decimal // of the band's other prices it was measured against
}

// PriceIndex is one species' index over consecutive weeks, oldest first;
// the last week is the one now falls in (so far).
type PriceIndex struct {
	Species string
	Weeks   []time.Time
	Series  []PriceSeries
	// Deals counts the species' deals per week, all series. Only the count:
	// a total quantity less the public bands' would give away a private
	// band's.
	Deals   []int
	Flagged []FlaggedDeal // flagged deals of the weeks shown
}

// Current is the index of the last (current) week.
func (ix PriceIndex) Current() int { return len(ix.Weeks) - 1 }

type seriesKey struct {
	p    Product
	band int
}

// BuildPriceIndex computes species' index for the weeks weeks ending with
// now's week. obs should hold the prices of those weeks and of the four
// before them (for the trend and the outlier rule); others are ignored.
func BuildPriceIndex(species string, set BandSettings, obs []PriceObs, now time.Time, weeks int) PriceIndex {
	weeks = max(weeks, 1)
	ix := PriceIndex{Species: species}
	first := WeekStart(now).AddDate(0, 0, -7*(weeks-1))
	for w := range weeks {
		ix.Weeks = append(ix.Weeks, first.AddDate(0, 0, 7*w))
	}
	from, to := first.AddDate(0, 0, -28), WeekStart(now).AddDate(0, 0, 7)

	// Products and their bands.
	byProduct := map[Product][]PriceObs{}
	for _, o := range obs {
		if o.Species != species || !o.Price.IsPositive() {
			continue
		}
		if o.Kind == PriceDeal && (o.At.Before(from) || !o.At.Before(to)) {
			continue
		}
		p := Product{Species: species, Form: formOf(o.Attrs), Unit: unitOr(o.Unit)}
		if set.ByVariety {
			p.Variety = o.Variety
		}
		byProduct[p] = append(byProduct[p], o)
	}
	grouped := map[seriesKey][]PriceObs{}
	bands := map[seriesKey]Band{}
	for p, list := range byProduct {
		basis := set.Basis
		if basis == "" || p.Form != "" {
			specs := make([]Spec, len(list))
			for i, o := range list {
				specs[i] = o.Spec
			}
			basis = ChooseBasis(specs)
		}
		edges := defaultEdges[basis]
		if basis == set.Basis && len(set.Edges) > 0 {
			edges = set.Edges
		}
		for _, o := range list {
			b := Band{Basis: basis, Index: -1}
			if size, ok := sizeOn(o.Spec, basis); ok {
				b = bandOf(basis, edges, size)
			}
			k := seriesKey{p, b.Index}
			grouped[k] = append(grouped[k], o)
			bands[k] = b
		}
	}

	ix.Deals = make([]int, weeks)
	for k, list := range grouped {
		s := PriceSeries{Product: k.p, Band: bands[k], Cells: make([]PriceCell, weeks)}
		deals := map[int][]PriceObs{} // by week, from -4
		for _, o := range list {
			if o.Kind == PriceDeal { // China has no daylight saving: a week is 168 hours
				w := int(math.Floor(o.At.Sub(first).Hours() / (24 * 7)))
				deals[w] = append(deals[w], o)
			}
		}
		for w := range weeks {
			c := &s.Cells[w]
			c.Week = ix.Weeks[w]
			c.Deals = dealFigures(deals[w])
			c.Prev = dealFigures(deals[w-1])
			c.Four = dealFigures(slices.Concat(deals[w-4], deals[w-3], deals[w-2], deals[w-1]))
			end := c.Week.AddDate(0, 0, 7)
			var asks, bids []decimal.Decimal
			for _, o := range list {
				if o.Kind == PriceDeal || !o.At.Before(end) || !o.Until.After(c.Week) {
					continue
				}
				if o.Kind == PriceAsk {
					asks = append(asks, o.Price)
				} else {
					bids = append(bids, o.Price)
				}
			}
			c.Asks, c.Bids = priceRange(asks), priceRange(bids)
			ix.Deals[w] += len(deals[w])
			// Outliers: each deal against its band's other prices.
			window := slices.Concat(deals[w-4], deals[w-3], deals[w-2], deals[w-1], deals[w])
			for _, d := range deals[w] {
				ref := slices.Clone(asks)
				for _, o := range window {
					if o.Ref != d.Ref {
						ref = append(ref, o.Price)
					}
				}
				if len(ref) < 3 {
					continue
				}
				m := median(ref)
				if d.Price.Mul(two).LessThan(m) || d.Price.GreaterThan(m.Mul(two)) {
					c.Flagged++
					ix.Flagged = append(ix.Flagged, FlaggedDeal{Deal: d, Series: s.Label(), Median: m})
				}
			}
		}
		ix.Series = append(ix.Series, s)
	}
	slices.SortFunc(ix.Series, func(a, b PriceSeries) int {
		if c := cmp.Compare(productRank(a.Product), productRank(b.Product)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Product.Qualifier(), b.Product.Qualifier()); c != 0 {
			return c
		}
		ai, bi := a.Band.Index, b.Band.Index
		if ai < 0 {
			ai = math.MaxInt
		}
		if bi < 0 {
			bi = math.MaxInt
		}
		return cmp.Compare(ai, bi)
	})
	slices.SortFunc(ix.Flagged, func(a, b FlaggedDeal) int { return a.Deal.At.Compare(b.Deal.At) })
	return ix
}

var two = decimal.NewFromInt(2)

func productRank(p Product) int {
	if p.Plain() {
		return 0
	}
	return 1
}

// dealFigures computes a cell's deal figures under the privacy rule.
func dealFigures(deals []PriceObs) DealFigures {
	f := DealFigures{N: len(deals)}
	sellers := map[int64]bool{}
	for _, d := range deals {
		sellers[d.Member] = true
	}
	if len(deals) < MinPublicDeals || len(sellers) < MinPublicSellers {
		return f
	}
	f.Public, f.Sellers = true, len(sellers)
	prices := make([]decimal.Decimal, len(deals))
	sum := decimal.Zero
	for i, d := range deals {
		prices[i] = d.Price
		f.Qty += d.Qty
		sum = sum.Add(d.Price.Mul(decimal.NewFromInt(d.Qty)))
	}
	f.Median = median(prices)
	f.Low, f.High = slices.MinFunc(prices, decimal.Decimal.Cmp), slices.MaxFunc(prices, decimal.Decimal.Cmp)
	if f.Qty > 0 {
		f.Mean = Round2(sum.DivRound(decimal.NewFromInt(f.Qty), 8))
	} else {
		f.Mean = f.Median
	}
	return f
}

// median is the middle price (the mean of the two middle ones, to the fen).
func median(ps []decimal.Decimal) decimal.Decimal {
	s := slices.Clone(ps)
	slices.SortFunc(s, decimal.Decimal.Cmp)
	n := len(s)
	if n == 0 {
		return decimal.Zero
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return Round2(s[n/2-1].Add(s[n/2]).Div(two))
}

func priceRange(ps []decimal.Decimal) PriceRange {
	if len(ps) == 0 {
		return PriceRange{}
	}
	return PriceRange{N: len(ps), Low: slices.MinFunc(ps, decimal.Decimal.Cmp), High: slices.MaxFunc(ps, decimal.Decimal.Cmp)}
}

// Change is the change of cur's median against ref's, in whole percent
// rounded half away from zero; ok is false unless both are public.
func Change(cur, ref DealFigures) (pct int64, ok bool) {
	if !cur.Public || !ref.Public || !ref.Median.IsPositive() {
		return 0, false
	}
	return cur.Median.Sub(ref.Median).Mul(decimal.NewFromInt(100)).Div(ref.Median).Round(0).IntPart(), true
}

package matching

import (
	"math"
	"slices"

	"github.com/shopspring/decimal"
)

// Compatibility rules, in one place. A supply S is compatible with a demand D
// when every rule below holds, checked in this order (the first that fails is
// the `why` Compatible returns):
//
//  1. side      S is a supply and D a demand.
//  2. state     both are in state open (time is checked by the callers that
//     have `now`: RankOffers, DemandsForOffer).
//  3. member    S and D belong to different members: nobody is matched with
//     themselves.
//  4. species   the same canonical species.
//  5. variety   if D names a variety, S names the same one or none (none ranks
//     lower, see FitScore.VarietyExact).
//  6. unit      D without a unit accepts any; otherwise the units agree. A
//     listing's unit is its quantity's unit, else its price's unit.
//  7. spec      every key D constrains is met by an overlapping range in S:
//     - diameters: D's dbh_cm, d1m_cm or ground_cm accept the same key in S,
//     or, when S states none of that key, S's dia_cm (basis inexact, ranks
//     lower). Another labelled basis does not qualify: 米径 and 胸径 are
//     measured at different heights. D's dia_cm accepts S's dia_cm, or
//     (basis inexact) the first of d1m_cm, dbh_cm, ground_cm that S states
//     and that overlaps; 米径 comes first because a bare 公分 in Sichuan
//     usually means 米径. S must state a diameter in some form when D
//     constrains one: the diameter is what a tree is priced by.
//     - every other key (height, crown, branch, head, pot, stems…) must
//     overlap when S states it; S silent on it is compatible but ranks
//     lower (FitScore.SpecMissing), because growers leave out what they
//     think is standard.
//  8. attrs     an attribute D asks for that opposes one of S's excludes
//     (全冠/截杆, 独杆/丛生, 高杆/丛生, 带土球/裸根, 容器苗·袋苗·盆栽/地苗,
//     嫁接/实生/扦插, 球/柱). Form attributes name a different product and
//     must be stated by S (球, 柱, 造型, 盆景, 盆栽, 桩头, 种子). Any other
//     attribute D asks for and S does not state is compatible but ranks
//     lower (FitScore.AttrMissing). 处理 in a demand is ignored.
//     Implications count: 袋苗 is a 容器苗, 高杆 is 独杆.
//  9. price     when both give a per-unit price in the same unit, S's ask
//     (its Min, or Max when only Max) ≤ D's bid (its Max, or Min when only
//     Min), unless either side is negotiable. Lump sums (Total) and
//     unpriced listings are compatible; they rank after per-unit prices.
//     Terms (上车价/到货价) are not compared.
//
// Quantity is not a rule: partial fills are normal (see RankOffers).

// Compatible reports whether supply s can serve demand d and, when it
// cannot, the first failing rule in short English for logs and tests.
func Compatible(s, d Listing) (ok bool, why string) {
	_, why = evaluate(s, d, false)
	return why == "", why
}

// FitScore says how well a compatible supply fits a demand, beyond price.
// It is meaningful only for a compatible pair. Better fits compare lower in
// Compare, field by field in the order below.
type FitScore struct {
	// VarietyExact is false when D names a variety and S names none.
	VarietyExact bool
	// BasisExact is false when a diameter D constrains is met on another
	// basis (dia_cm against a labelled one, or the other way round).
	BasisExact bool
	// SpecMissing counts the non-diameter keys D constrains that S does not state.
	SpecMissing int
	// AttrMissing counts the attributes D asks for that S does not state.
	AttrMissing int
	// Inside is how much of S's ranges lies inside D's, in permille, averaged
	// over the keys both state: 1000 when every tree S offers is within
	// what D asks (or D constrains nothing).
	Inside int
}

// Compare orders fits best first: negative when f is the better fit,
// positive when g is, zero when they are equal.
func (f FitScore) Compare(g FitScore) int {
	switch {
	case f.VarietyExact != g.VarietyExact:
		return boolFirst(f.VarietyExact)
	case f.BasisExact != g.BasisExact:
		return boolFirst(f.BasisExact)
	case f.SpecMissing != g.SpecMissing:
		return cmpInt(f.SpecMissing, g.SpecMissing)
	case f.AttrMissing != g.AttrMissing:
		return cmpInt(f.AttrMissing, g.AttrMissing)
	}
	return cmpInt(g.Inside, f.Inside)
}

// Fit scores how well s fits d (see FitScore). Call it on compatible pairs.
func Fit(s, d Listing) FitScore {
	f, _ := evaluate(s, d, true)
	return f
}

// evaluate applies the rules in order. With all set it scores every rule
// even after one fails; without, it stops at the first failure.
func evaluate(s, d Listing, all bool) (FitScore, string) {
	f := FitScore{VarietyExact: true, BasisExact: true, Inside: 1000}
	fail := func(why string) bool { return !all && why != "" }
	if why := checkListings(s, d); fail(why) {
		return f, why
	}
	if d.Variety != "" {
		switch {
		case s.Variety == "":
			f.VarietyExact = false
		case s.Variety != d.Variety:
			if fail("variety") {
				return f, "variety"
			}
			f.VarietyExact = false
		}
	}
	if du := d.Unit(); du != "" {
		if su := s.Unit(); su != "" && su != du && fail("unit") {
			return f, "unit"
		}
	}
	if why := specFit(s.Spec, d.Spec, &f); fail(why) {
		return f, why
	}
	if why := attrFit(s.Attrs, d.Attrs, &f); fail(why) {
		return f, why
	}
	if why := priceFit(s, d); fail(why) {
		return f, why
	}
	return f, ""
}

func checkListings(s, d Listing) string {
	switch {
	case s.Side != Supply || d.Side != Demand:
		return "side"
	case s.State != ListingOpen || d.State != ListingOpen:
		return "state"
	case s.MemberID != 0 && s.MemberID == d.MemberID:
		return "member"
	case s.Species == "" || s.Species != d.Species:
		return "species"
	}
	return ""
}

// labelledDiameters are the stated diameter bases, in the order D's dia_cm
// tries them.
var labelledDiameters = [...]string{SpecD1M, SpecDBH, SpecGround}

func isLabelledDiameter(k string) bool {
	return k == SpecDBH || k == SpecD1M || k == SpecGround
}

// specFit checks and scores D's spec keys in sorted order, so the first
// failure is deterministic.
func specFit(s, d Spec, f *FitScore) string {
	if len(d) == 0 {
		return ""
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	first, inside, n := "", 0, 0
	note := func(why string) {
		if first == "" {
			first = why
		}
	}
	for _, k := range keys {
		want := d[k]
		if want.IsZero() {
			continue
		}
		var got Range
		var found bool
		switch {
		case isLabelledDiameter(k):
			if got, found = s[k]; !found {
				if got, found = s[SpecDia]; found {
					f.BasisExact = false
				} else if hasAnyDiameter(s) {
					note("spec " + k + ": other basis")
					continue
				} else {
					note("spec " + k + ": no diameter")
					continue
				}
			}
		case k == SpecDia:
			if got, found = s[SpecDia]; !found {
				for _, alt := range labelledDiameters {
					if r, ok := s[alt]; ok && r.Overlaps(want) {
						got, found = r, true
						f.BasisExact = false
						break
					}
				}
				if !found {
					if hasAnyDiameter(s) {
						note("spec " + k + ": no overlap")
					} else {
						note("spec " + k + ": no diameter")
					}
					continue
				}
			}
		default:
			if got, found = s[k]; !found {
				f.SpecMissing++
				continue
			}
		}
		if !got.Overlaps(want) {
			note("spec " + k + ": no overlap")
			continue
		}
		inside += insidePermille(got, want)
		n++
	}
	if n > 0 {
		f.Inside = inside / n
	}
	return first
}

func hasAnyDiameter(s Spec) bool {
	for _, k := range [...]string{SpecDia, SpecDBH, SpecD1M, SpecGround} {
		if _, ok := s[k]; ok {
			return true
		}
	}
	return false
}

// insidePermille is the share of got's interval that lies inside want, in
// permille. A single value inside is 1000. An unbounded got that is not
// wholly inside counts 500: part of an open-ended lot fits, how much is
// unknown.
func insidePermille(got, want Range) int {
	lo, hi := max(got.Lo(), want.Lo()), min(got.Hi(), want.Hi())
	if got.Lo() >= want.Lo() && got.Hi() <= want.Hi() {
		return 1000
	}
	width := got.Hi() - got.Lo()
	if math.IsInf(width, 0) || math.IsNaN(width) {
		return 500
	}
	if width <= 0 || hi < lo {
		return 0
	}
	return int(math.Round(1000 * (hi - lo) / width))
}

// Attribute tables. opposedAttrs lists groups whose members exclude each
// other; impliedAttrs says what an attribute also means; formAttrs name a
// different product, so a demand's form must be stated by the supply;
// ignoredDemandAttrs say nothing about the stock a buyer wants.
var (
	opposedAttrs = [][]string{
		{"全冠", "截杆"},
		{"独杆", "丛生"},
		{"高杆", "丛生"},
		{"带土球", "裸根"},
		{"容器苗", "地苗"},
		{"袋苗", "地苗"},
		{"盆栽", "地苗"},
		{"嫁接", "实生", "扦插"},
		{"球", "柱"},
	}
	impliedAttrs = map[string][]string{
		"袋苗": {"容器苗"},
		"高杆": {"独杆"},
	}
	formAttrs          = []string{"球", "柱", "造型", "盆景", "盆栽", "桩头", "种子"}
	ignoredDemandAttrs = []string{"处理"}
)

// Opposed reports whether attributes a and b exclude each other.
func Opposed(a, b string) bool {
	if a == b {
		return false
	}
	for _, g := range opposedAttrs {
		if slices.Contains(g, a) && slices.Contains(g, b) {
			return true
		}
	}
	return false
}

// expandAttrs returns attrs plus what they imply.
func expandAttrs(attrs []string) []string {
	out := attrs
	for _, a := range attrs {
		if imp, ok := impliedAttrs[a]; ok {
			if len(out) == len(attrs) {
				out = slices.Clone(attrs)
			}
			out = append(out, imp...)
		}
	}
	return out
}

// opposedBy returns the first of have that opposes a.
func opposedBy(a string, have []string) (string, bool) {
	for _, b := range have {
		if Opposed(a, b) {
			return b, true
		}
	}
	return "", false
}

func attrFit(s, d []string, f *FitScore) string {
	if len(d) == 0 {
		return ""
	}
	have := expandAttrs(s)
	first := ""
	for _, a := range d {
		if slices.Contains(ignoredDemandAttrs, a) || slices.Contains(have, a) {
			continue
		}
		if b, ok := opposedBy(a, have); ok {
			if first == "" {
				first = "attr " + a + " opposed by " + b
			}
			continue
		}
		if slices.Contains(formAttrs, a) {
			if first == "" {
				first = "attr " + a + " missing"
			}
			continue
		}
		f.AttrMissing++
	}
	return first
}

func priceFit(s, d Listing) string {
	if s.Negotiable || d.Negotiable {
		return ""
	}
	ask, okS := s.Ask()
	bid, okD := d.Bid()
	if !okS || !okD || s.PriceUnit() != d.PriceUnit() {
		return ""
	}
	if ask.GreaterThan(bid) {
		return "price: ask " + Yuan(ask) + " > bid " + Yuan(bid)
	}
	return ""
}

// Unit is the listing's unit: its quantity's unit, else its price's, else "".
func (l Listing) Unit() string {
	if l.Qty.Unit != "" {
		return l.Qty.Unit
	}
	if l.Price != nil {
		return l.Price.Per
	}
	return ""
}

// PriceUnit is the unit a per-unit price is quoted in: the price's Per,
// else the listing's unit.
func (l Listing) PriceUnit() string {
	if l.Price != nil && l.Price.Per != "" {
		return l.Price.Per
	}
	return l.Unit()
}

// Ask is a supply's per-unit asking price: the lower end of its price range,
// or the upper end when only that is given. ok is false for a lump sum or
// no price.
func (l Listing) Ask() (decimal.Decimal, bool) {
	if l.Price == nil {
		return decimal.Decimal{}, false
	}
	switch {
	case l.Price.Min != nil:
		return *l.Price.Min, true
	case l.Price.Max != nil:
		return *l.Price.Max, true
	}
	return decimal.Decimal{}, false
}

// Bid is a demand's per-unit bid: the upper end of its price range (8毛以内
// is a bid of 0.80), or the lower end when only that is given. ok is false
// for a budget given as a lump sum or no price.
func (l Listing) Bid() (decimal.Decimal, bool) {
	if l.Price == nil {
		return decimal.Decimal{}, false
	}
	switch {
	case l.Price.Max != nil:
		return *l.Price.Max, true
	case l.Price.Min != nil:
		return *l.Price.Min, true
	}
	return decimal.Decimal{}, false
}

// LumpSum returns the listing's lump-sum price (一起走, 打包价), if any.
func (l Listing) LumpSum() (decimal.Decimal, bool) {
	if l.Price == nil || l.Price.Total == nil {
		return decimal.Decimal{}, false
	}
	return *l.Price.Total, true
}

func boolFirst(b bool) int {
	if b {
		return -1
	}
	return 1
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

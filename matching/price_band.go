package matching

import (
	"math"
	"slices"
	"strconv"
)

// Size bands of the price index, in one place:
//   - A product (species, its variety where the species is indexed by
//     variety, its form such as 球, its unit) is banded by one spec, its
//     basis: 米径, 胸径, 地径, 头径, 冠幅, 高, 杆高, 藤长, 盆径 or 加仑.
//   - A species' plain product takes the basis a clerk set for the species
//     in the lexicon; otherwise (and for forms such as 球) the basis most of
//     its prices state, diameters first. A bare diameter (dia_cm, 8公分)
//     counts as 米径, the Sichuan reading, and is banded with a labelled
//     diameter of the basis when it states none itself.
//   - Band edges are the lexicon's for the species when the basis is the
//     one the clerk set, else the basis' defaults (DefaultBandEdges). A
//     band runs from its edge up to the next (8 ≤ size < 10 is "8cm"); sizes
//     below the first edge form a band of their own ("3cm以下"), the last
//     band is open ("50cm以上").
//   - A size given as a range is banded by its middle; "8公分以上" by 8.

// BandSettings is how the index bands one species, as clerks keep it in
// the lexicon. The zero value means: choose the basis from the data, use
// the default edges, do not split by variety.
type BandSettings struct {
	Basis     string    // a spec key of BandBases, or "" to choose from the data
	Edges     []float64 // ascending lower edges in the basis' unit; nil: DefaultBandEdges(Basis)
	ByVariety bool      // index each variety (金桂, 丹桂) apart
}

// BandBases are the specs a product can be banded by, in the order a tie
// between them is broken.
var BandBases = []string{SpecD1M, SpecDBH, SpecGround, SpecHead, SpecCrown, SpecHeight, SpecTrunk, SpecLength, SpecPot, SpecGallon}

// IsBandBasis reports whether key is one of BandBases.
func IsBandBasis(key string) bool { return slices.Contains(BandBases, key) }

// defaultEdges are the trade's usual size steps per basis.
var defaultEdges = map[string][]float64{
	SpecD1M:    {3, 4, 5, 6, 7, 8, 10, 12, 15, 18, 20, 25, 30, 40, 50},
	SpecDBH:    {3, 4, 5, 6, 7, 8, 10, 12, 15, 18, 20, 25, 30, 40, 50},
	SpecGround: {1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30},
	SpecHead:   {5, 10, 15, 20, 30, 40, 50, 80},
	SpecCrown:  {20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300},
	SpecHeight: {20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500},
	SpecTrunk:  {50, 100, 150, 200, 250, 300, 400, 500, 600},
	SpecLength: {50, 100, 150, 200, 300, 500},
	SpecPot:    {10, 15, 20, 25, 30, 40, 50},
	SpecGallon: {1, 2, 3, 5, 7, 10, 15, 20},
}

// DefaultBandEdges returns the default lower edges of a basis' bands (a
// copy), or nil for a key that is no band basis.
func DefaultBandEdges(basis string) []float64 { return slices.Clone(defaultEdges[basis]) }

// MaxBandEdges bounds how many edges a clerk may set for one species.
const MaxBandEdges = 30

// CheckBandEdges validates edges a clerk typed: 1 to MaxBandEdges
// positive, finite, strictly ascending numbers, each at most 10000.
func CheckBandEdges(edges []float64) error {
	if len(edges) == 0 || len(edges) > MaxBandEdges {
		return Errorf(CodeInvalid, "分档界限要填1到%d个数", MaxBandEdges)
	}
	for i, e := range edges {
		if math.IsNaN(e) || e <= 0 || e > 10000 {
			return Errorf(CodeInvalid, "分档界限要是0到10000之间的数")
		}
		if i > 0 && e <= edges[i-1] {
			return Errorf(CodeInvalid, "分档界限要从小到大排列，不能重复")
		}
	}
	return nil
}

// Band is one size band of a basis: sizes from Lo up to (not including)
// Hi. The first band of a basis starts at 0, the last ends at +Inf.
type Band struct {
	Basis string
	Index int // 0 for the band below the first edge, i+1 for edge i
	Lo    float64
	Hi    float64
}

// bandOf returns the band of size among edges.
func bandOf(basis string, edges []float64, size float64) Band {
	i, _ := slices.BinarySearch(edges, size)
	if i < len(edges) && edges[i] == size {
		i++ // size sits on edge i: the band starting there
	}
	b := Band{Basis: basis, Index: i, Lo: 0, Hi: math.Inf(1)}
	if i > 0 {
		b.Lo = edges[i-1]
	}
	if i < len(edges) {
		b.Hi = edges[i]
	}
	return b
}

// sizeOn is the size spec states on basis: the middle of a range, the one
// end given, and for a labelled diameter a bare diameter when it states
// no diameter of the basis. ok is false when it states none.
func sizeOn(sp Spec, basis string) (float64, bool) {
	r, ok := sp[basis]
	if !ok && isLabelledDiameter(basis) && !hasLabelledDiameter(sp) {
		r, ok = sp[SpecDia]
	}
	if !ok {
		return 0, false
	}
	switch {
	case r.Min != nil && r.Max != nil:
		return (*r.Min + *r.Max) / 2, true
	case r.Min != nil:
		return *r.Min, true
	case r.Max != nil:
		return *r.Max, true
	}
	return 0, false
}

func hasLabelledDiameter(sp Spec) bool {
	for _, k := range labelledDiameters {
		if _, ok := sp[k]; ok {
			return true
		}
	}
	return false
}

// ChooseBasis returns the basis most of specs state (a bare diameter
// counts as 米径), ties broken in BandBases order; 米径 when none states one.
func ChooseBasis(specs []Spec) string {
	votes := map[string]int{}
	for _, sp := range specs {
		for _, b := range BandBases {
			if _, ok := sp[b]; ok || b == SpecD1M && !hasLabelledDiameter(sp) && hasKey(sp, SpecDia) {
				votes[b]++
			}
		}
	}
	best := SpecD1M
	for _, b := range BandBases {
		if votes[b] > votes[best] {
			best = b
		}
	}
	return best
}

func hasKey(sp Spec, k string) bool { _, ok := sp[k]; return ok }

// BasisName is a band basis' short Chinese name as a label starts with it:
// "" for diameters (8cm reads as the diameter the trade means), 冠幅, 高 …
func BasisName(basis string) string {
	if !IsBandBasis(basis) || isLabelledDiameter(basis) {
		return ""
	}
	d, _ := DimensionOf(basis)
	return d.Before
}

// BasisTitle is a basis' full Chinese name for pages: 米径, 胸径, 冠幅 …
// (the words an SMS writes it with, else its name in Dimensions).
func BasisTitle(basis string) string {
	d, ok := DimensionOf(basis)
	if !ok || !IsBandBasis(basis) {
		return ""
	}
	if d.Before != "" {
		return d.Before
	}
	return d.Name
}

// Label is the band as a text or a page shows it, by its lower edge:
// "8cm", "冠幅1.2m", "3加仑", "3cm以下" for the band below the first edge.
func (b Band) Label() string {
	if b.Index == 0 {
		return BasisName(b.Basis) + b.size(b.Hi) + "以下"
	}
	return BasisName(b.Basis) + b.size(b.Lo)
}

// RangeLabel spells the band out for tables: "8–10cm", "50cm以上".
func (b Band) RangeLabel() string {
	switch {
	case b.Index == 0:
		return b.Label()
	case math.IsInf(b.Hi, 1):
		return BasisName(b.Basis) + b.size(b.Lo) + "以上"
	}
	lo := b.size(b.Lo)
	hi := b.size(b.Hi)
	if u := b.unit(b.Lo); u == b.unit(b.Hi) {
		lo = lo[:len(lo)-len(u)]
	}
	return BasisName(b.Basis) + lo + "–" + hi
}

// size writes a size in the basis' unit: cm, or m from one metre up for
// lengths other than diameters, or 加仑.
func (b Band) size(v float64) string {
	if u := b.unit(v); u == "m" {
		return strconv.FormatFloat(math.Round(v)/100, 'f', -1, 64) + u
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + b.unit(v)
}

func (b Band) unit(v float64) string {
	switch d, _ := DimensionOf(b.Basis); {
	case d.Kind == Count:
		return d.After
	case v >= 100 && BasisName(b.Basis) != "" && b.Basis != SpecHead && b.Basis != SpecPot:
		return "m"
	}
	return "cm"
}

// Contains reports whether the size sp states on the band's basis falls
// in the band (桂花8公分好多钱 asks about the band of 8 cm).
func (b Band) Contains(sp Spec) bool {
	size, ok := sizeOn(sp, b.Basis)
	return ok && b.Index >= 0 && size >= b.Lo && size < b.Hi
}

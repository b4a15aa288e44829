package matching

import "slices"

// The vocabulary of a listing's spec, in one place: every dimension a
// grower or a buyer can state, with its key in the corpus schema, its
// Chinese name and unit, how an SMS writes it, and its display order. The
// grammar, the exchange, the back office forms and the texts all read this
// table; adding a dimension is adding a row here (plus the words the
// grammar's lexicon recognises it by).

// Spec keys, all lengths in centimetres, as in the corpus schema.
const (
	SpecDBH     = "dbh_cm"         // 胸径/干径, diameter at breast height
	SpecD1M     = "d1m_cm"         // 米径, diameter 1 m above ground
	SpecGround  = "ground_cm"      // 地径/基径
	SpecDia     = "dia_cm"         // a diameter whose basis was not stated
	SpecHead    = "head_cm"        // 头径
	SpecHeight  = "height_cm"      // 高/H
	SpecCrown   = "crown_cm"       // 冠幅/蓬径/P
	SpecBranch  = "branch_cm"      // 分枝点
	SpecTrunk   = "trunk_cm"       // 杆高 (palms)
	SpecBall    = "ball_cm"        // 土球
	SpecLength  = "length_cm"      // 藤长/蓬长
	SpecPot     = "pot_cm"         // 盆径
	SpecGallon  = "pot_gal"        // 加仑
	SpecStems   = "stems"          // 杆数/分枝数
	SpecAge     = "age_years"      // 年生
	SpecDensity = "density_per_m2" // 一平方25株
)

// DimensionKind says what a dimension measures, and so how its values are
// read and written.
type DimensionKind int

// The kinds of dimension.
const (
	Diameter DimensionKind = iota + 1 // a stem's or head's thickness, in cm
	Length                            // any other length, in cm (height, spread, root ball, pot)
	Count                             // a number of something: gallons, stems, years, plants per m²
)

// Dimension is one measured dimension of a spec.
type Dimension struct {
	Key  string        // the corpus schema's key, "dbh_cm"
	Name string        // the Chinese name the back office shows: 胸径, 高度, 苗龄
	Unit string        // the unit of a value as the back office shows it: 公分 for every length
	Kind DimensionKind // Diameter, Length or Count
	// How an SMS writes a value: Before it (胸径 in 胸径8cm, 高 in 高2m,
	// 每平方 in 每平方25株; "" for a bare 8cm), and After a count (加仑 in
	// 3加仑, 年生 in 2年生). Lengths are written in cm, or m from 1 m up.
	Before, After string
}

// Dimensions are every spec dimension, in display order: the order an SMS
// echoes them, a page lists them and the parse JSON writes them.
var Dimensions = []Dimension{
	{Key: SpecDBH, Name: "胸径", Unit: "公分", Kind: Diameter, Before: "胸径"},
	{Key: SpecD1M, Name: "米径", Unit: "公分", Kind: Diameter, Before: "米径"},
	{Key: SpecGround, Name: "地径", Unit: "公分", Kind: Diameter, Before: "地径"},
	{Key: SpecDia, Name: "粗度", Unit: "公分", Kind: Diameter},
	{Key: SpecHead, Name: "头径", Unit: "公分", Kind: Diameter, Before: "头径"},
	{Key: SpecHeight, Name: "高度", Unit: "公分", Kind: Length, Before: "高"},
	{Key: SpecCrown, Name: "冠幅", Unit: "公分", Kind: Length, Before: "冠幅"},
	{Key: SpecBranch, Name: "分枝点", Unit: "公分", Kind: Length, Before: "分枝点"},
	{Key: SpecTrunk, Name: "杆高", Unit: "公分", Kind: Length, Before: "杆高"},
	{Key: SpecBall, Name: "土球", Unit: "公分", Kind: Length, Before: "土球"},
	{Key: SpecLength, Name: "藤长", Unit: "公分", Kind: Length, Before: "藤长"},
	{Key: SpecPot, Name: "盆径", Unit: "公分", Kind: Length, Before: "盆径"},
	{Key: SpecGallon, Name: "加仑", Unit: "加仑", Kind: Count, After: "加仑"},
	{Key: SpecStems, Name: "杆数", Unit: "杆", Kind: Count, After: "杆"},
	{Key: SpecAge, Name: "苗龄", Unit: "年", Kind: Count, After: "年生"},
	{Key: SpecDensity, Name: "密度", Unit: "株/平方米", Kind: Count, Before: "每平方", After: "株"},
}

// SpecKeys returns the keys of Dimensions, in display order.
func SpecKeys() []string {
	out := make([]string, len(Dimensions))
	for i, d := range Dimensions {
		out[i] = d.Key
	}
	return out
}

// DimensionOf returns the dimension of a spec key.
func DimensionOf(key string) (Dimension, bool) {
	i := slices.IndexFunc(Dimensions, func(d Dimension) bool { return d.Key == key })
	if i < 0 {
		return Dimension{}, false
	}
	return Dimensions[i], true
}

// IsSpecKey reports whether key is the key of one of Dimensions.
func IsSpecKey(key string) bool {
	_, ok := DimensionOf(key)
	return ok
}

// IsDiameter reports whether key is a diameter's (胸径, 米径, 地径, a bare
// diameter, 头径).
func IsDiameter(key string) bool {
	d, ok := DimensionOf(key)
	return ok && d.Kind == Diameter
}

// IsLength reports whether key's values are lengths in cm (diameters
// included), as opposed to counts.
func IsLength(key string) bool {
	d, ok := DimensionOf(key)
	return ok && d.Kind != Count
}

// Title is the dimension's name with its unit, as a form labels it:
// 胸径(公分), 密度(株/平方米).
func (d Dimension) Title() string {
	if d.Unit == "" || d.Unit == d.Name {
		return d.Name
	}
	return d.Name + "(" + d.Unit + ")"
}

// Spec maps a spec key to its range.
type Spec map[string]Range

// SpecValue is one dimension a spec states, with its range.
type SpecValue struct {
	Dimension
	Range Range
}

// Values returns the dimensions s states, in display order. A key that is
// no dimension's (from old data) comes last, named by its key.
func (s Spec) Values() []SpecValue {
	out := make([]SpecValue, 0, len(s))
	for _, d := range Dimensions {
		if r, ok := s[d.Key]; ok {
			out = append(out, SpecValue{d, r})
		}
	}
	var other []string
	for k := range s {
		if !IsSpecKey(k) {
			other = append(other, k)
		}
	}
	slices.Sort(other)
	for _, k := range other {
		out = append(out, SpecValue{Dimension{Key: k, Name: k}, s[k]})
	}
	return out
}

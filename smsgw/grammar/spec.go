package grammar

import (
	"math"

	"huamu/matching"
)

// Spec values: which key a length belongs to, and its unit. What the keys
// are, and which are diameters or lengths, is matching.Dimensions'.

// metresWhenBare lists the keys whose unitless small values are metres
// (高2.5 is 250 cm, 冠幅80 is 80 cm).
func metresWhenBare(k string) bool {
	switch k {
	case matching.SpecHeight, matching.SpecCrown, matching.SpecBranch, matching.SpecTrunk:
		return true
	}
	return false
}

// get returns the range of key k, or nil when the spec has none.
func (s Spec) get(k string) *Range {
	if r, ok := s[k]; ok {
		return &r
	}
	return nil
}

// set stores the range of a spec key; a key that is no dimension's is
// ignored.
func (s *Spec) set(k string, r Range) {
	if !matching.IsSpecKey(k) {
		return
	}
	if *s == nil {
		*s = Spec{}
	}
	(*s)[k] = r
}

func (s Spec) empty() bool { return len(s) == 0 }

// specKeyFor picks the key of a length written without a spec word: a size
// repeated for a new item keeps the item's first key (银杏 米径8公分50株
// 10公分30株), metres without a word are a height, centimetres a diameter
// of the last named basis, or of no stated basis (dia_cm).
func (p *parser) specKeyFor(unit string) string {
	prim := ""
	if p.cur != nil {
		prim = p.cur.primary
	}
	if unit == "m" {
		if matching.IsLength(prim) && !matching.IsDiameter(prim) {
			return prim
		}
		return matching.SpecHeight
	}
	if matching.IsLength(prim) {
		return prim
	}
	if p.basis != "" {
		return p.basis
	}
	return matching.SpecDia
}

// toCM converts a value to centimetres by its unit ("" is the bare rule).
func toCM(v float64, unit, key string, bareMetres bool) float64 {
	switch unit {
	case "m":
		return round2(v * 100)
	case "mm":
		return round2(v / 10)
	case "":
		if bareMetres && metresWhenBare(key) {
			return round2(v * 100)
		}
	}
	return v
}

// round2 rounds to two decimals in floating point only: no conversion to an
// integer type, whose result for values out of range differs between amd64
// and arm64.
func round2(v float64) float64 {
	return math.Round(v*100) / 100
}

// setSpec stores a value on the current item, starting a new item of the
// same plant when the key is already taken (the next size in a list).
func (p *parser) setSpec(key string, r Range) {
	it := p.item()
	if it.spec.get(key) != nil {
		p.newItem(true)
		it = p.cur
	}
	it.spec.set(key, r)
	// the size that varies between items is the diameter when one is given
	// (高3米 米径8公分200株 10公分100株), else the first length
	if matching.IsLength(key) && (it.primary == "" || matching.IsDiameter(key) && !matching.IsDiameter(it.primary)) {
		it.primary = key
	}
	p.valueCount++
	p.pKey = ""
}

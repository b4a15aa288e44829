package grammar

import "math"

// Spec values: which key a length belongs to, and its unit.

func isDiameter(k string) bool {
	switch k {
	case "dbh_cm", "d1m_cm", "ground_cm", "dia_cm", "head_cm":
		return true
	}
	return false
}

// metresWhenBare lists the keys whose unitless small values are metres
// (高2.5 is 250 cm, 冠幅80 is 80 cm).
func metresWhenBare(k string) bool {
	switch k {
	case "height_cm", "crown_cm", "branch_cm", "trunk_cm":
		return true
	}
	return false
}

func isLengthKey(k string) bool {
	switch k {
	case "pot_gal", "stems", "age_years", "density_per_m2", "":
		return false
	}
	return true
}

func (s *Spec) field(k string) **Range {
	switch k {
	case "dbh_cm":
		return &s.DBH
	case "d1m_cm":
		return &s.D1m
	case "ground_cm":
		return &s.Ground
	case "dia_cm":
		return &s.Dia
	case "head_cm":
		return &s.Head
	case "height_cm":
		return &s.Height
	case "crown_cm":
		return &s.Crown
	case "branch_cm":
		return &s.Branch
	case "trunk_cm":
		return &s.Trunk
	case "ball_cm":
		return &s.Ball
	case "length_cm":
		return &s.Length
	case "pot_cm":
		return &s.Pot
	case "pot_gal":
		return &s.PotGal
	case "stems":
		return &s.Stems
	case "age_years":
		return &s.Age
	case "density_per_m2":
		return &s.Density
	}
	return nil
}

func (s *Spec) get(k string) *Range {
	if f := s.field(k); f != nil {
		return *f
	}
	return nil
}

func (s *Spec) set(k string, r Range) {
	if f := s.field(k); f != nil {
		*f = &r
	}
}

func (s Spec) empty() bool {
	for _, k := range specKeys {
		if s.get(k) != nil {
			return false
		}
	}
	return true
}

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
		if isLengthKey(prim) && !isDiameter(prim) {
			return prim
		}
		return "height_cm"
	}
	if isLengthKey(prim) {
		return prim
	}
	if p.basis != "" {
		return p.basis
	}
	return "dia_cm"
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
	if isLengthKey(key) && (it.primary == "" || isDiameter(key) && !isDiameter(it.primary)) {
		it.primary = key
	}
	p.valueCount++
	p.pKey = ""
}

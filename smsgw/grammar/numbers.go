package grammar

import (
	"strings"

	"huamu/matching"
)

// number reads the number at token i and what follows it (unit, bounds)
// as a spec value, a quantity, a price or a validity. It returns the index
// of the last token it used.
func (p *parser) number(i int) int {
	t := &p.toks[i]
	n := t.num
	if len(n.digits) > 12 && !p.isUnit(p.adj(i)) {
		return i // a digit string no count or price is written with, unless a unit says it is one
	}
	// 成活率95%, 百分之九十五: a percentage is none of the listing's values
	if t.end < len(p.rs) && p.rs[t.end] == '%' || t.start >= 3 && string(p.rs[t.start-3:t.start]) == "百分之" {
		return i
	}
	if p.pValidity && p.next(p.pValidTok) != i {
		p.pValidity = false // 有效期 speaks only of the number right after it
	}
	j := p.adj(i)
	// 一百多棵, 十来棵: an open or rough figure before its unit
	open, approx := n.open, n.approx
	for {
		m := p.tok(j)
		if mp := m.role(rMinPost); mp != nil && mp.n == 1 && p.isUnit(p.adj(j)) {
			open, approx, j = true, true, p.adj(j)
			continue
		}
		// 两百左右一棵: a rough price per piece
		if m.has(rApprox) && (p.isUnit(p.adj(j)) || p.isOneNum(p.adj(j)) && p.tok(p.adj(p.adj(j))).has(rQtyUnit)) {
			approx, j = true, p.adj(j)
			continue
		}
		break
	}
	u := p.tok(j)
	v := value{lo: n.lo, hi: n.hi, open: open, approx: approx, n: n}

	if f := u.role(rFiller); f != nil && (u.text == "组" || u.text == "社" || u.text == "队" || u.text == "号") {
		return j
	}
	if d := u.role(rDuration); d != nil || p.pValidity && !p.isUnit(j) {
		if k, ok := p.validity(i, j, v); ok {
			return k
		}
	}
	if u.has(rMoney) {
		if p.pDensity { // 每平方5块: a price per 平方米, not a density
			p.pDensity, p.pPer = false, "平方米"
		}
		return p.money(i, j, v)
	}
	if lu := u.role(rLenUnit); lu != nil {
		if lu.val == "fen" && (p.pPrice || p.pLump || p.perFollows(j)) {
			return p.money(i, j, v)
		}
		unit := lu.val
		if unit == "fen" {
			unit = "cm"
		}
		return p.length(i, j, unit, v)
	}
	if sp := u.role(rSpecPost); sp != nil && !p.pPrice {
		k := p.bounds(j, &v)
		p.setSpec(sp.val, v.rangeOf(1))
		if sp.attr != "" {
			p.attr(j, sp.attr)
		}
		return k
	}
	// 八十一棵 after a count already given: 80 a piece, not 81 trees
	if n.chinese && !n.isRange && u.has(rQtyUnit) && strings.HasSuffix(t.text, "十一") && p.cur != nil && p.cur.qty != nil && p.cur.price == nil {
		v.lo, v.hi = n.lo-1, n.hi-1
		return p.setPrice(j-1, decOf(v.lo), decOf(v.hi), v)
	}
	if u.has(rSkipUnit) {
		return j
	}
	if qu := u.role(rQtyUnit); qu != nil {
		// 有苗圃一个, 一个道路绿化项目: 一个 before any plant is an article
		if n.chinese && n.lo == 1 && !n.isRange && u.text == "个" && (p.cur == nil || p.cur.species == "") {
			return j
		}
		// 一棵150, 一株8毛: the unit comes before the amount
		if n.lo == 1 && n.chinese && !p.pDensity && p.tok(p.adj(j)).kind == tkNum {
			p.pPrice, p.pPer = true, qu.val
			return j
		}
		if p.pDensity {
			p.pDensity = false
			k := p.bounds(j, &v)
			p.setSpec(matching.SpecDensity, v.rangeOf(1))
			return k
		}
		if p.pPrice && n.lo == 1 && n.chinese { // 单价一棵…: a per-unit marker, not a count
			return j
		}
		return p.quantity(i, j, qu.val, v)
	}
	// 160一棵, 一百二一棵: a price per piece without 元
	// but 胸径12 一棵650: the label's value, then a price with its unit first
	if p.isOneNum(j) && p.tok(p.adj(j)).has(rQtyUnit) && !p.pDensity &&
		!(p.pKey != "" && p.tok(p.adj(p.adj(j))).kind == tkNum) {
		return p.price(i, j-1, v)
	}
	if p.pKey != "" {
		k := p.bounds(i, &v)
		key := p.pKey
		p.setSpec(key, v.rangeCM("", key))
		return k
	}
	if p.pPrice || p.pLump {
		return p.price(i, i, v)
	}
	if p.pDensity {
		p.pDensity = false
		p.setSpec(matching.SpecDensity, v.rangeOf(1))
		return i
	}
	return p.bare(i, v)
}

// isUnit says whether token j is a unit a number can take.
// listUnit looks past "8, 10, 12" to the length unit that ends the list.
func (p *parser) listUnit(i int) (string, bool) {
	j := i
	for {
		k := j + 1
		if s := p.tok(k); s.kind != tkSep || s.sep != ',' {
			break
		}
		if p.tok(k+1).kind != tkNum {
			break
		}
		j = k + 1
		if u := p.tok(j + 1).role(rLenUnit); u != nil && u.val != "fen" {
			return u.val, true
		}
		if u := p.tok(j + 1).role(rLenUnit); u != nil {
			return "cm", true
		}
	}
	return "", false
}

func (p *parser) isUnit(j int) bool {
	t := p.tok(j)
	return t.has(rMoney) || t.has(rQtyUnit) || t.has(rLenUnit) || t.has(rSpecPost)
}

// bare reads a number with no unit and no word before it, from context.
func (p *parser) bare(i int, v value) int {
	n := v.n
	if n.digits != "" && len(n.digits) >= 7 { // a long number that is not a phone: ignore
		return i
	}
	nx := p.adj(i)
	// 8、10、12公分: a list of sizes that shares the unit written last
	if unit, ok := p.listUnit(i); ok {
		key := p.pKey
		if key == "" {
			key = p.specKeyFor(unit)
		}
		p.setSpec(key, v.rangeCM(unit, key))
		p.pKey = key // the next size in the list keeps the key
		return i
	}
	// 冠幅60的400个 80的200个: a size then 的 then its quantity
	if f := p.tok(nx); f.has(rFiller) && f.text == "的" && p.tok(p.adj(nx)).kind == tkNum {
		key := p.specKeyFor("")
		if p.cur != nil && p.cur.primary != "" {
			key = p.cur.primary
		}
		p.setSpec(key, v.rangeCM("", key))
		return nx
	}
	if p.tok(nx).has(rLump) {
		return p.price(i, i, v) // 3万一起走
	}
	it := p.cur
	if it != nil && it.qty != nil && it.price == nil && it.total == nil && !n.mult {
		return p.price(i, i, v)
	}
	// 桂花 8 200株: a small number right before a quantity is a size
	if q := p.tok(nx); q.kind == tkNum && p.tok(p.adj(nx)).has(rQtyUnit) && !n.mult && n.hi <= 300 {
		key := p.specKeyFor("cm")
		p.setSpec(key, v.rangeCM("", key))
		return i
	}
	if it == nil || it.qty == nil {
		if n.lo >= 1 && n.isInt() && p.firstSpecies() != "" {
			// a count with no unit does not by itself make a text a listing
			before := p.valueCount
			k := p.quantity(i, i, "", v)
			p.valueCount = before
			return k
		}
	}
	return i
}

// bounds applies 以上/以下/左右/多 after token k and a pending 低于/至少 to
// v; it returns the last token used.
func (p *parser) bounds(k int, v *value) int {
	switch p.pBound {
	case rMaxPre:
		v.maxOnly = true
	case rMinPre:
		v.open = true
	}
	p.pBound = 0
	for {
		j := p.adj(k)
		t := p.tok(j)
		switch {
		case t.has(rMinPost):
			v.open = true
			if t.role(rMinPost).n == 1 {
				v.approx = true
			}
		case t.has(rMaxPost), t.has(rWithin): // 2000元内
			v.maxOnly = true
		case t.has(rApprox):
			v.approx = true
		default:
			return k
		}
		k = j
	}
}

// validity reads 有效期10天, 3天内, 一个月 as a validity; ok is false for a
// duration that is something else.
func (p *parser) validity(i, j int, v value) (int, bool) {
	u := p.tok(j)
	d := u.role(rDuration)
	days := v.lo
	k := i
	if d != nil {
		switch d.val {
		case "week":
			days *= 7
		case "month":
			days *= 30
		}
		k = j
	}
	within := d != nil && d.n == 1
	if !within && d != nil {
		if w := p.tok(p.adj(j)); w.has(rWithin) || w.has(rValidityWord) || w.has(rMaxPost) {
			within, k = true, p.adj(j)
		}
	}
	if !p.pValidity && !within {
		return k, d != nil
	}
	if days <= 0 || days > 3650 {
		return k, false
	}
	p.pValidity = false
	p.validDays = ptr(int(days))
	return k, true
}

// value is a number with its bounds while its meaning is decided.
type value struct {
	lo, hi  float64
	open    bool // 以上, 多: no upper end
	maxOnly bool // 以下, 以内, 低于: no lower end
	approx  bool
	n       numTok
}

// rangeOf returns the value scaled by f as a Range.
func (v value) rangeOf(f float64) Range {
	lo, hi := round2(v.lo*f), round2(v.hi*f)
	r := Range{Range: matching.Range{Min: ptr(lo), Max: ptr(hi)}, Approx: v.approx}
	if v.open {
		r.Max = nil
	}
	if v.maxOnly {
		r.Min = nil
	}
	return r
}

// rangeCM returns the value in centimetres for key, written with unit.
func (v value) rangeCM(unit, key string) Range {
	bare := unit == "" && v.hi <= 10
	w := v
	w.lo, w.hi = toCM(v.lo, unit, key, bare), toCM(v.hi, unit, key, bare)
	return w.rangeOf(1)
}

// length reads a number with a length unit: a spec value. 1米5 is 1.5 m;
// 1.2米-1.5米 and 5公分到8公分 are ranges.
func (p *parser) length(i, j int, unit string, v value) int {
	k := j
	if unit == "m" {
		// 1米5 = 1.5 m, 一米半 = 1.5 m
		if nx := p.tok(j + 1); nx.kind == tkNum && nx.start == p.toks[j].end && !nx.num.isRange && nx.num.lo < 10 && nx.num.isInt() && !p.isUnit(j+2) {
			d := nx.num.lo / 10
			v.lo += d
			v.hi += d
			k = j + 1
		} else if nx.kind == tkOther && nx.text == "半" {
			v.lo += 0.5
			v.hi += 0.5
			k = j + 1
		}
	}
	// a range across units: 5公分-8公分, 1.2米到1.5米
	if s := p.tok(k + 1); (s.kind == tkSep && (s.sep == '-' || s.sep == '~') || s.has(rRangeSep)) && !v.n.isRange {
		if m := p.tok(k + 2); m.kind == tkNum && m.num.lo > v.lo {
			if u2 := p.tok(k + 3).role(rLenUnit); u2 == nil || u2.val == unit || u2.val == "fen" && unit == "cm" {
				v.hi = m.num.hi
				if u2 != nil {
					k += 3
				} else {
					k += 2
				}
			}
		}
	}
	key := p.pKey
	if key == "" {
		// 1.5米高, 80公分冠幅: the word after the value
		if w := p.tok(p.adj(k)); w.has(rSpecKey) && !p.tok(p.adj(p.adj(k))).isNum() {
			key = w.role(rSpecKey).val
			k = p.adj(k)
		} else {
			key = p.specKeyFor(unit)
		}
	}
	k = p.bounds(k, &v)
	p.setSpec(key, v.rangeCM(unit, key))
	return k
}

func (t *token) isNum() bool { return t.kind == tkNum }

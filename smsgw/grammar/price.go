package grammar

import (
	"github.com/shopspring/decimal"

	"huamu/matching"
)

var (
	dJiao = decimal.New(1, -1)
	dFen  = decimal.New(1, -2)
)

// moneyFactor is the yuan value of one money unit.
func moneyFactor(unit string) decimal.Decimal {
	switch unit {
	case "角":
		return dJiao
	case "分":
		return dFen
	}
	return decimal.NewFromInt(1)
}

func decOf(f float64) decimal.Decimal { return decimal.NewFromFloat(f).Round(2) }

// money reads an amount with a money unit at token j: 150元, 8毛, 三毛五,
// 八分钱, 4块5, 一块一, 1元2角, 38元一个, 120元/株.
func (p *parser) money(i, j int, v value) int {
	u := p.tok(j)
	unit := "元"
	if r := u.role(rMoney); r != nil {
		unit = r.val
	} else if r := u.role(rLenUnit); r != nil && r.val == "fen" {
		unit = "分"
	}
	f := moneyFactor(unit)
	lo, hi := decOf(v.lo).Mul(f), decOf(v.hi).Mul(f)
	k := j
	// the lone digit after the unit: 4块5 (4.5), 三毛五 (0.35)
	if nx := p.tok(j + 1); nx.kind == tkNum && nx.start == u.end && !nx.num.isRange && nx.num.lo < 10 && nx.num.isInt() &&
		!(p.isOneNum(j+1) && p.tok(p.adj(j+1)).has(rQtyUnit)) && !p.tok(j+2).has(rQtyUnit) && unit != "分" {
		tail := decOf(nx.num.lo).Mul(f).Div(decimal.NewFromInt(10))
		if !v.n.isRange {
			lo, hi = lo.Add(tail), hi.Add(tail)
		}
		k = j + 1
		if m := p.tok(k + 1); m.has(rMoney) && m.start == nx.end {
			k++
		}
	}
	// a range across units: 3块到4块
	if s := p.tok(k + 1); (s.kind == tkSep && (s.sep == '-' || s.sep == '~') || s.has(rRangeSep)) && !v.n.isRange {
		if m := p.tok(k + 2); m.kind == tkNum && p.tok(k+3).has(rMoney) && m.num.lo > v.lo {
			hi = decOf(m.num.hi).Mul(moneyFactor(p.tok(k + 3).role(rMoney).val))
			k += 3
		}
	}
	return p.setPrice(k, lo, hi, v)
}

// price reads a unitless amount after a price word or before 一棵.
func (p *parser) price(i, k int, v value) int {
	return p.setPrice(k, decOf(v.lo), decOf(v.hi), v)
}

// perFollows says whether a unit for the price follows token k (/株, 一棵, 每盆).
func (p *parser) perFollows(k int) bool {
	_, unit := p.perUnit(k)
	return unit != ""
}

func (p *parser) perUnit(k int) (int, string) {
	j := p.adj(k)
	t := p.tok(j)
	if t.has(rPer) || p.isOneNum(j) || t.kind == tkNum && t.text == "1" {
		if u := p.tok(p.adj(j)).role(rQtyUnit); u != nil {
			return p.adj(j), u.val
		}
	}
	if u := t.role(rQtyUnit); u != nil && t.start == p.tok(k).end {
		return j, u.val
	}
	return k, ""
}

// setPrice stores an amount read up to token k, with its unit, bounds and
// terms, as the current item's price (or the lot's total after 一起走).
func (p *parser) setPrice(k int, lo, hi decimal.Decimal, v value) int {
	k, per := p.perUnit(k)
	k = p.bounds(k, &v)
	if per == "" {
		k, per = p.perUnit(k) // 3块以内一棵: the unit after the bound
	}
	if per == "" {
		per = p.pPer
	}
	p.pPer = ""
	if l := p.adj(k); p.tok(l).has(rLump) && per == "" {
		p.pLump, k = true, l // 2万5一起走: the lump word after the amount
	}
	if v.n.mult && !p.pPrice && per == "" && !p.pLump && p.cur != nil && p.cur.qty != nil && lo.GreaterThan(decimal.NewFromInt(9999)) {
		p.pLump = true // 300棵 2万: a sum for the lot
	}
	p.valueCount++
	if p.pLump && per == "" {
		p.pLump, p.pPrice = false, false
		it := p.item()
		it.total = &Money{hi}
		return k
	}
	pr := &Price{Min: &Money{lo}, Max: &Money{hi}}
	if v.open {
		pr.Max = nil
	}
	if v.maxOnly {
		pr.Min = nil
	}
	if p.pTerms != "" {
		pr.Terms = ptr(p.pTerms)
	}
	p.pPrice, p.pTerms, p.pLump = false, "", false
	if p.pEach {
		p.pEach = false
		for _, it := range p.items {
			if it.price == nil {
				c := *pr
				it.price, it.priceUnit = &c, per
			}
		}
		if p.cur != nil && p.cur.price != nil {
			return k
		}
	}
	it := p.item()
	if it.price != nil {
		return k // a second price for the same item: keep the first
	}
	it.price, it.priceUnit = pr, per
	p.priceEnd = k
	return k
}

// lateTerms applies 上车价/到货价 written right after the amount (单价1500
// 上车价) and says whether it did.
func (p *parser) lateTerms(i int, terms string) bool {
	if terms == "" || p.cur == nil || p.cur.price == nil || p.cur.price.Terms != nil || p.priceEnd == 0 || p.prev(i) != p.priceEnd {
		return false
	}
	p.cur.price.Terms = ptr(terms)
	return true
}

// termsForAll applies 上车价/到货价 written after 都是, 全部, 均, 一律 and
// after the prices (…价650 全部上车价, …900元一棵 都是上车价) to every price
// that has no terms of its own, as 都是全冠 gives every item the attribute.
// It says whether it did; a term followed by an amount is that amount's.
//
// A term written after the last price with only words about the price or
// the deal between (…200棵 420 价格含运费, 单价3200 包栽包活 到货价) is said
// of the prices in general and holds for each too; one right after an
// amount is that amount's (lateTerms).
func (p *parser) termsForAll(i int, terms string) bool {
	if terms == "" || p.tok(p.next(i)).kind == tkNum {
		return false
	}
	pr := p.prev(i)
	all := pr >= 0 && (allWord(p.tok(pr).text) || p.tok(pr).text == "部" && p.tok(pr-1).text == "全")
	if !all && p.priceEnd > 0 && pr > p.priceEnd {
		// nothing between but words about the price or the deal
		// (价格, 包栽包活): no number, plant, size or place
		all = true
		for k := p.priceEnd + 1; k < i; k++ {
			t := p.tok(k)
			if t.kind == tkNum || t.kind == tkPhone || t.has(rSpecies) || t.has(rSpecKey) || t.has(rQtyUnit) ||
				t.has(rTown) || t.has(rPlace) || t.has(rVillage) || t.has(rPriceWord) && t.role(rPriceWord).val != "" {
				all = false
			}
		}
	}
	if !all {
		return false
	}
	done := false
	for _, it := range p.items {
		if it.price != nil && it.price.Terms == nil {
			it.price.Terms, done = ptr(terms), true
		}
	}
	if done {
		p.pEach = false
	}
	return done
}

// allWord says whether a word means "every one": 都, 都是, 均, 全部, 一律.
func allWord(s string) bool {
	switch s {
	case "都", "都是", "均", "均为", "全部", "全", "一律", "全是", "统一":
		return true
	}
	return false
}

// bareKuai reads 块一 (1.10): 块 with no number before it.
//
// 块把钱 (块把 is "a yuan or so", as 百把棵 is about a hundred) is 1.00,
// approximate.
func (p *parser) bareKuai(i int) int {
	if pr := p.tok(i - 1); pr.kind != tkNum && i+1 < len(p.toks) && p.toks[i+1].text == "把" && p.toks[i+1].start == p.toks[i].end {
		k := i + 1
		if m := p.tok(k + 1); m.text == "钱" && m.start == p.toks[k].end {
			k++
		}
		one := decimal.NewFromInt(1)
		return p.setPrice(k, one, one, value{lo: 1, hi: 1, approx: true, n: numTok{lo: 1, hi: 1}})
	}
	nx := p.tok(i + 1)
	if nx.kind != tkNum || nx.start != p.toks[i].end || nx.num.lo >= 10 || !nx.num.isInt() || nx.num.isRange {
		return i
	}
	if pr := p.tok(i - 1); pr.kind == tkNum {
		return i
	}
	amt := decimal.NewFromInt(1).Add(decOf(nx.num.lo).Div(decimal.NewFromInt(10)))
	return p.setPrice(i+1, amt, amt, value{lo: 1, hi: 1, n: nx.num})
}

// quantity reads a count with its unit ("" when the unit is left to the price).
func (p *parser) quantity(i, j int, unit string, v value) int {
	k := j
	if unit != "" {
		// 25株/平方: a density, not a count
		if d := p.tok(p.adj(j)); d.has(rPer) {
			if a := p.tok(p.adj(p.adj(j))); a.has(rQtyUnit) && a.role(rQtyUnit).val == "平方米" && unit != "平方米" {
				p.setSpec(matching.SpecDensity, v.rangeOf(1))
				return p.adj(p.adj(j))
			}
		}
		k = p.bounds(j, &v)
	} else {
		k = p.bounds(i, &v)
	}
	q := &Qty{Unit: unit, Approx: v.approx}
	lo, hi := int64(v.lo+0.5), int64(v.hi+0.5)
	if !v.maxOnly {
		q.Min = &lo
	}
	if !v.open {
		q.Max = &hi
	}
	p.valueCount++
	if p.pEach {
		p.pEach = false
		for _, it := range p.items {
			if it.qty == nil {
				c := *q
				it.qty = &c
			}
		}
		if p.cur != nil && p.cur.qty != nil {
			return k
		}
	}
	it := p.item()
	if it.qty != nil {
		if it.spec.empty() && it.price == nil || v.open || v.maxOnly {
			return k // 三百株以上优惠 is a condition, not another lot
		}
		p.newItem(true)
		it = p.cur
	}
	it.qty = q
	return k
}

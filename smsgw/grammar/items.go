package grammar

import (
	"slices"
	"strings"

	"huamu/matching"
)

// itemB is an item being assembled.
type itemB struct {
	species, variety string
	formAttrs        []string // 球/柱 written onto the name (海桐球)
	spec             Spec
	primary          string // the diameter, else the first length given: reused by the next size
	qty              *Qty
	price            *Price
	priceUnit        string // the unit named with the price (元/盆, 一丛)
	total            *Money
	adjacentNext     bool // followed directly by another species (香樟、银杏 8公分)
	group            int  // items of one plant in several sizes share a group and its attributes
	gone             bool // named as sold out (香樟卖完了 现在收购银杏): context, not an item
}

func (it *itemB) hasContent() bool {
	return !it.spec.empty() || it.qty != nil || it.price != nil || it.total != nil
}

// read walks the tokens once, filling items and message facts.
func (p *parser) read() {
	for i := 0; i < len(p.toks); i++ {
		t := &p.toks[i]
		switch t.kind {
		case tkPhone:
			if p.phone == "" {
				p.phone = t.text
			}
		case tkNum:
			i = p.number(i)
		case tkWord:
			i = p.word(i)
		}
	}
	p.finish()
}

func (p *parser) word(i int) int {
	t := &p.toks[i]
	for _, r := range t.roles {
		if r.kind == rCmd {
			p.cmdToks = append(p.cmdToks, i)
			// 上礼拜那批女贞走完了: the plant just named is sold out
			if r.val == tCancelSoft && p.cur != nil && p.cur.species != "" && !p.cur.hasContent() {
				p.cur.gone = true
			}
			break
		}
	}
	// 屋头有点腊梅, 还有些桂花: 有点/有些 (else "somewhat", 有点贵) right
	// before a plant is "have some", a weak offer like 有
	if (t.text == "有点" || t.text == "有些") && p.tok(p.adj(i)).has(rSpecies) {
		p.side(i, role{kind: rSide, val: SideSupply, n: 1})
	}
	if sp := t.role(rSpecies); sp != nil {
		p.species(i, *sp)
		return i
	}
	// 高米五, 冠幅米二: spoken 一米五 without the 一
	if u := t.role(rLenUnit); u != nil && u.val == "m" && p.pKey != "" && (i == 0 || p.toks[i-1].kind != tkNum) {
		if nx := p.tok(i + 1); nx.kind == tkNum && nx.start == t.end && !nx.num.isRange && nx.num.lo < 10 && nx.num.isInt() {
			return p.length(i, i, "m", value{lo: 1, hi: 1, n: numTok{lo: 1, hi: 1}})
		}
	}
	if t.has(rVariety) {
		p.variety(i)
		return i
	}
	for _, r := range t.roles {
		switch r.kind {
		case rSide:
			p.side(i, r)
		case rNoSide:
			p.noSideNoun = true
		case rAttr:
			p.attr(i, r.val)
		case rSpecPost:
			// 分枝2.5米 is the branch point, 6分枝 a count of stems
			if r.val == matching.SpecStems && (t.text == "分枝" || t.text == "分支") {
				if n := p.adj(i); p.tok(n).kind == tkNum {
					if u := p.tok(p.adj(n)).role(rLenUnit); u != nil && u.val != "fen" {
						p.pKey = matching.SpecBranch
					}
				}
			}
		case rSpecKey:
			p.pKey = r.val
			if matching.IsDiameter(r.val) {
				p.basis = r.val
			}
		case rPriceWord:
			if p.lateTerms(i, r.val) || p.termsForAll(i, r.val) {
				continue
			}
			p.pPrice = true
			if r.val != "" {
				p.pTerms = r.val
			}
			if k := p.respectively(i); k != i {
				return k // 单价150、200: one price per item
			}
		case rLump:
			p.pLump = true
		case rNegotiable:
			p.negotiable = true
		case rUrgent:
			p.urgent = true
		case rValidity:
			p.setValidity(r)
		case rValidityWord:
			p.pValidity, p.pValidTok = true, i
		case rTown, rVillage, rPlace:
			p.location(i, r)
		case rEach:
			p.pEach = true
		case rResp:
			return p.respectively(i)
		case rMaxPre, rMinPre:
			p.pBound = r.kind
		case rDensity:
			p.pDensity = true
		case rPer:
			// 每丛8-10根: a count of stems
			if u := p.tok(p.adj(i)); u.text == "丛" || u.text == "窝" {
				if n := p.adj(p.adj(i)); p.tok(n).kind == tkNum && (p.tok(p.adj(n)).text == "根" || p.tok(p.adj(n)).has(rSpecPost)) {
					v := value{lo: p.toks[n].num.lo, hi: p.toks[n].num.hi, n: p.toks[n].num}
					k := p.bounds(p.adj(n), &v) // 每丛10根以上: a bound after the count
					p.setSpec(matching.SpecStems, v.rangeOf(1))
					return k
				}
			}
			// 每棵150: the unit comes before the amount
			if u := p.tok(p.adj(i)).role(rQtyUnit); u != nil && p.tok(p.adj(p.adj(i))).kind == tkNum {
				p.pPrice, p.pPer = true, u.val
				return p.adj(i)
			}
		case rMoney:
			if r.val == "元" && t.text == "块" {
				return p.bareKuai(i)
			}
		case rJunk:
			p.junkScore[r.val] += r.n
		case rHonorific:
			if pr := p.tok(i - 1); pr.kind == tkOther && isHan([]rune(pr.text)[0]) && p.name == "" {
				p.name = pr.text + t.text
			}
		}
	}
	return i
}

// species handles a plant name: it names the current item or starts a new one.
func (p *parser) species(i int, r role) {
	// 求 right after a name is a typo for 球 (红叶石楠求)
	if nx := p.tok(i + 1); nx.kind == tkWord && nx.text == "求" && nx.start == p.toks[i].end {
		nx.roles = []role{{kind: rAttr, val: "球"}}
	}
	if p.cur != nil && p.cur.species != "" && (p.cur.species != r.val || p.cur.hasContent()) {
		if !p.cur.hasContent() && p.cur.species != r.val {
			p.cur.adjacentNext = true
		}
		p.newItem(false)
	}
	if p.cur == nil {
		p.newItem(false)
	}
	c := p.cur
	if c.species == r.val && c.variety != "" && r.aux != "" && r.aux != c.variety {
		// 金桂、银桂: another cultivar of the same plant is another item
		c.adjacentNext = !c.hasContent()
		p.newItem(false)
		c = p.cur
	}
	c.species = r.val
	if r.aux != "" {
		c.variety = r.aux
	}
	if p.pastTrade(i) {
		c.gone = true
	}
	if r.attr != "" {
		c.formAttrs = appendNew(c.formAttrs, r.attr)
	}
	for _, v := range p.pVariety {
		if v.val == r.val {
			c.variety = v.aux
		}
	}
	p.pVariety = nil
	for _, a := range p.pAttrs {
		p.groupAttrs[c.group] = appendNew(p.groupAttrs[c.group], a)
	}
	p.pAttrs = nil
	// sizes written before the name (胸径8公分、10公分各100株 出售香樟) are its items
	for _, it := range p.items {
		if it.species == "" {
			it.species, it.variety, it.formAttrs = c.species, c.variety, slices.Clone(c.formAttrs)
		}
	}
}

// pastTrade says whether the plant at token i is named as past trade:
// 之前在你们这里买过桂花, 去年买的那批樱花. Like a plant named as sold out it
// is context, not an item, when the text lists another plant. 我要买的香樟
// (the 香樟 I want) is no past: 买的 counts only before 那批/那些/那个.
//
// A plant inside a self-introduction (我是上周找你买海桐的小李, 我是种桂花的)
// tells who the sender is, and is context the same way.
func (p *parser) pastTrade(i int) bool {
	t := &p.toks[i]
	if t.end < len(p.rs) && p.rs[t.end] == '的' {
		from := t.start
		for from > 0 && p.rs[from-1] != ' ' && !strings.ContainsRune(",.;:!?", p.rs[from-1]) {
			from--
		}
		if run := string(p.rs[from:t.start]); strings.Contains(run, "我是") || strings.Contains(run, "本人是") {
			return true
		}
	}
	j := p.prev(i)
	demonstrative := false
	for n := 0; n < 3 && j >= 0; n++ {
		switch p.toks[j].text {
		case "那", "这", "批", "那批", "这批", "那些", "些", "个", "那个":
			demonstrative = true
			j = p.prev(j)
			continue
		case "买过", "卖过", "进过", "订过", "种过":
			return true
		case "买的", "卖的", "进的":
			return demonstrative
		}
		break
	}
	return false
}

// variety handles a cultivar word that needs its species (小叶 after 罗汉松).
func (p *parser) variety(i int) {
	t := &p.toks[i]
	if p.cur != nil && p.cur.species != "" {
		for _, r := range t.roles {
			if r.kind == rVariety && r.val == p.cur.species {
				p.species(i, role{kind: rSpecies, val: r.val, aux: r.aux})
				return
			}
		}
	}
	for _, r := range t.roles {
		if r.kind == rVariety {
			p.pVariety = append(p.pVariety, r)
		}
	}
}

// newItem starts an item; a new size of the same plant (split) keeps the
// plant, its form and its group.
func (p *parser) newItem(split bool) {
	it := &itemB{}
	if split && p.cur != nil {
		it.species, it.variety = p.cur.species, p.cur.variety
		it.formAttrs = slices.Clone(p.cur.formAttrs)
		it.primary = p.cur.primary
		it.group = p.cur.group
	} else {
		p.groupAttrs = append(p.groupAttrs, nil)
		it.group = len(p.groupAttrs) - 1
	}
	p.items = append(p.items, it)
	p.cur = it
}

// item returns the current item, starting one if there is none.
func (p *parser) item() *itemB {
	if p.cur == nil {
		p.newItem(false)
	}
	return p.cur
}

func (p *parser) setValidity(r role) {
	if r.val == "month_end" {
		p.validUntil = ptr("month_end")
		return
	}
	p.validDays = ptr(r.n)
}

// respectively pairs the values after 分别 (or after 单价 when there are
// several) with the items in order: 单价分别400 650, 分别380、520一棵,
// 分别50和120一棵, 分别是280元/棵、450元/棵. A price term written before or
// after them (上车价分别…, …元 上车价) holds for each.
func (p *parser) respectively(i int) int {
	var idx []int
	var bound roleKind
	for j := p.next(i); j < len(p.toks); j++ {
		t := &p.toks[j]
		switch {
		case t.kind == tkNum && p.isOneNum(j) && p.tok(p.adj(j)).has(rQtyUnit):
			j = p.adj(j) // 一棵: the unit of every value
		case t.kind == tkNum:
			idx = append(idx, j)
		case t.kind == tkSep && t.sep != ' ' && t.sep != ',' && t.sep != '/':
			j = len(p.toks)
		case (t.has(rMaxPost) || t.has(rMinPost)) && len(idx) > 0:
			// 分别在150和100以内: a bound after the values holds for each
			if t.has(rMaxPost) {
				bound = rMaxPre
			} else if t.role(rMinPost).n == 0 {
				bound = rMinPre
			}
		case t.kind == tkSep, t.has(rMoney), t.has(rQtyUnit), t.has(rPer), t.text == "和" || t.text == "及" || t.text == "与" || t.text == "在":
		case t.has(rPriceWord) && t.role(rPriceWord).val == "" && len(idx) == 0:
		case (t.has(rMaxPre) || t.has(rMinPre)) && len(idx) == 0:
			// 分别不超过700和1000: a cap on each
			if t.has(rMaxPre) {
				bound = rMaxPre
			} else {
				bound = rMinPre
			}
		default:
			j = len(p.toks)
		}
	}
	if len(idx) < 2 || len(idx) != len(p.items) {
		return i
	}
	allQty := true
	for _, it := range p.items {
		allQty = allQty && it.qty != nil
	}
	// 分别250 380 550 各300棵: the count for every item follows, so the
	// values are prices
	if e := p.next(idx[len(idx)-1]); p.tok(e).has(rEach) && p.tok(p.next(e)).kind == tkNum && p.tok(p.adj(p.next(e))).has(rQtyUnit) {
		allQty = true
	}
	saved, terms, keepPrice := p.cur, p.pTerms, p.pPrice
	last := i
	var priced []*itemB
	for n, ti := range idx {
		p.cur = p.items[n]
		if p.cur.price != nil && !keepPrice {
			continue
		}
		p.pPrice = keepPrice || allQty && !p.tok(p.adj(ti)).has(rQtyUnit)
		p.pTerms, p.pBound = terms, bound
		last = p.number(ti)
		if p.cur.price != nil {
			priced = append(priced, p.cur)
		}
	}
	p.pPrice, p.pTerms = false, ""
	p.cur = saved
	// …分别800、1100元一棵 到货价: the term after the last price
	if k := p.next(last); p.tok(k).has(rPriceWord) && p.tok(k).role(rPriceWord).val != "" {
		for _, it := range priced {
			if it.price.Terms == nil {
				it.price.Terms = ptr(p.tok(k).role(rPriceWord).val)
			}
		}
		last = k
	}
	return last
}

// attr places an attribute word (schema: an attribute inside one item's
// words stays on that item, one stated before the items or with 都/均/全部
// applies to every item):
//   - after 都, 均, 全部, 一律, 以上: every item (以上都是全冠);
//   - written onto the next plant name (高杆紫薇, 精品桂花): that item;
//   - before any plant (清园处理 红叶石楠…): every item, a header;
//   - otherwise the current item and its other sizes (紫薇 高杆 地径5公分).
func (p *parser) attr(i int, a string) {
	t := &p.toks[i]
	for j, n := p.prev(i), 0; j >= 0 && n < 2; j, n = p.prev(j), n+1 {
		if pr := p.tok(j); strings.ContainsAny(pr.text, "都均") || pr.text == "全部" || pr.text == "一律" || pr.text == "统一" || pr.text == "以上" || pr.text == "全是" {
			p.attrs = appendNew(p.attrs, a) // 以上都是全冠, 都要全冠
			return
		}
		if p.tok(j).kind != tkWord {
			break
		}
	}
	if nx := p.tok(i + 1); nx.start == t.end && (nx.has(rSpecies) || nx.has(rAttr) && p.tok(i+2).has(rSpecies) && p.tok(i+2).start == nx.end) {
		p.pAttrs = appendNew(p.pAttrs, a)
		return
	}
	if p.cur == nil || p.cur.species == "" {
		p.attrs = appendNew(p.attrs, a)
		return
	}
	// 球 or 柱 right after the name is the plant's form (红叶石楠球)
	if (a == "球" || a == "柱") && p.tok(i-1).has(rSpecies) && p.tok(i-1).end == t.start {
		p.cur.formAttrs = appendNew(p.cur.formAttrs, a)
		return
	}
	p.groupAttrs[p.cur.group] = appendNew(p.groupAttrs[p.cur.group], a)
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

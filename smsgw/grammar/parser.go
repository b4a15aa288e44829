package grammar

// parser holds one text while it is being read. The grammar itself is
// shared and immutable; everything mutable lives here.
type parser struct {
	g    *Grammar
	rs   []rune
	toks []token

	items      []*itemB
	cur        *itemB
	attrs      []string   // attributes for every item of the message (a header, 都是全冠)
	groupAttrs [][]string // attributes of one plant, by item group
	pAttrs     []string   // attributes written onto the next plant name (高杆紫薇)

	negotiable bool
	urgent     bool
	validDays  *int
	validUntil *string
	phone      string
	name       string
	locs       []locHit

	sides      []sideHit
	noSideNoun bool
	basis      string // the last diameter basis named (胸径 …), carried to later sizes

	// pending marks left by a word for the number after it
	pKey      string // 胸径 → next number is dbh_cm
	pPrice    bool   // 单价, 价格
	pPer      string // 一棵, 每盆 before the amount: the price's unit
	pTerms    string // 上车价, 到货价
	pLump     bool   // 一起走
	pValidity bool   // 有效期
	pValidTok int
	pDensity  bool // 一平方
	pEach     bool // 各
	pBound    roleKind
	priceEnd  int    // the last token of the last per-unit price set
	pVariety  []role // 小叶 before 罗汉松

	// facts for commands and junk
	valueCount int // numbers read as spec, quantity or price
	junkScore  map[string]int
	cmdToks    []int // indexes of tokens with a command role
}

// tok returns the token at i, or a zero separator past the end.
func (p *parser) tok(i int) *token {
	if i >= 0 && i < len(p.toks) {
		return &p.toks[i]
	}
	return &token{kind: tkSep, sep: ' ', start: len(p.rs), end: len(p.rs)}
}

// next returns the index of the next token after i that is not a separator.
func (p *parser) next(i int) int {
	for j := i + 1; j < len(p.toks); j++ {
		if p.toks[j].kind != tkSep {
			return j
		}
	}
	return len(p.toks)
}

// prev returns the index of the previous token before i that is not a separator.
func (p *parser) prev(i int) int {
	for j := i - 1; j >= 0; j-- {
		if p.toks[j].kind != tkSep {
			return j
		}
	}
	return -1
}

// adj returns the index of the token right after i, skipping at most one
// space (200 ke), but not a comma.
func (p *parser) adj(i int) int {
	j := i + 1
	if j < len(p.toks) && p.toks[j].kind == tkSep && p.toks[j].sep == ' ' {
		j++
	}
	return j
}

// isOneNum says whether token i is the numeral 1 written as 一 (一棵, 一个).
func (p *parser) isOneNum(i int) bool {
	t := p.tok(i)
	return t.kind == tkNum && t.num.lo == 1 && !t.num.isRange && t.text == "一"
}

package grammar

import (
	"strings"
	"unicode/utf8"
)

// Commands: short texts that act on the exchange rather than list stock.
// A command word counts when it leads the text, or when nothing in the
// text reads as a listing (no spec, quantity or price with a unit).

// politeRunes are single characters a command may be wrapped in.
const politeRunes = "请我帮麻烦一下吧了呢啊哈嘛哦呀个是就都也还你您们好把这那条单号"

func (p *parser) isPolite(i int) bool {
	t := &p.toks[i]
	switch t.kind {
	case tkSep:
		return true
	case tkOther:
		return strings.Contains(politeRunes, t.text)
	case tkWord:
		for _, r := range t.roles {
			if r.kind == rJunk && r.val == ReasonChitchat || r.kind == rFiller {
				return true
			}
		}
	}
	return false
}

func (p *parser) cmdClass(i int) string {
	if r := p.tok(i).role(rCmd); r != nil {
		return r.val
	}
	return ""
}

// onlyClasses says whether every token is polite, an id, or a command word
// of one of the classes.
func (p *parser) onlyClasses(ids bool, classes ...string) bool {
	for i := range p.toks {
		if p.isPolite(i) {
			continue
		}
		t := &p.toks[i]
		if ids && t.kind == tkNum && t.num.digits != "" {
			continue
		}
		c := p.cmdClass(i)
		if c == "" {
			return false
		}
		ok := false
		for _, want := range classes {
			ok = ok || c == want
		}
		if !ok {
			return false
		}
	}
	return true
}

func (p *parser) firstContent() int {
	for i := range p.toks {
		if !p.isPolite(i) {
			return i
		}
	}
	return len(p.toks)
}

// idAfter returns the first plain number (an id) after token i and its index.
func (p *parser) idAfter(i int) (string, int) {
	for j := i + 1; j < len(p.toks); j++ {
		t := &p.toks[j]
		if t.kind == tkNum && t.num.digits != "" && !t.num.isRange {
			return t.num.digits, j
		}
		if t.kind == tkPhone {
			continue
		}
	}
	return "", -1
}

// qtyAfter reads the quantity after token j (订 1024 100株); nil for 全部 or none.
func (p *parser) qtyAfter(j int) *Qty {
	k := p.next(j)
	for p.tok(k).has(rFiller) {
		k = p.next(k)
	}
	t := p.tok(k)
	if t.kind != tkNum || t.num.isRange && t.num.lo <= 0 {
		return nil
	}
	unit := "株"
	if u := p.tok(p.adj(k)).role(rQtyUnit); u != nil {
		unit = u.val
	}
	lo, hi := int64(t.num.lo+0.5), int64(t.num.hi+0.5)
	return &Qty{Min: &lo, Max: &hi, Unit: unit}
}

func (p *parser) hasClass(c string) int {
	for _, i := range p.cmdToks {
		if p.cmdClass(i) == c {
			return i
		}
	}
	return -1
}

func (p *parser) firstSpecies() string {
	for _, it := range p.items {
		if it.species != "" {
			return it.species
		}
	}
	return ""
}

func (p *parser) strongSide(min int) bool {
	for _, h := range p.sides {
		if h.n >= min {
			return true
		}
	}
	return false
}

func cmd(name string, a Args) Result { return Result{Type: TypeCommand, Command: name, Args: a} }

func withID(name string, a Args, id string, set func(*Args, *string)) Result {
	r := cmd(name, a)
	if id != "" {
		set(&r.Args, ptr(id))
	} else {
		r.NeedsContext = true
	}
	return r
}

// command reads the text as a command; ok is false when it is not one.
func (p *parser) command() (Result, bool) {
	if p.asksToStop() {
		return cmd(CmdUnsubscribe, Args{}), true
	}
	if len(p.cmdToks) == 0 && !p.orderBySide() && !p.isQuestion() {
		return Result{}, false
	}
	first := p.firstContent()
	fc := p.cmdClass(first)
	listingLike := p.valueCount > 0
	species := p.firstSpecies()

	// 取消 订阅, typed apart, is still an unsubscribe
	if c, u := p.hasClass(tCancel), p.hasClass(tSubscr); c >= 0 && u == p.adj(c) && p.onlyClasses(false, tCancel, tSubscr) {
		return cmd(CmdUnsubscribe, Args{}), true
	}
	// 订阅 桂花 紫薇: the price bulletin for those plants; 退订行情 ends it
	if s, stop := p.hasClass(tSubscr), p.hasClass(tSubscrStop); (s >= 0 || stop >= 0) && !listingLike {
		return cmd(CmdSubscribe, Args{SpeciesList: p.speciesList(), Topic: "prices", Stop: stop >= 0}), true
	}
	if p.hasClass(tUnsubscribe) >= 0 && p.onlyClasses(false, tUnsubscribe) {
		return cmd(CmdUnsubscribe, Args{}), true
	}
	// 退订 我不种树了: 退订 leading a text that names no plant, value or id,
	// whatever reason follows (a lone t or td inside words is no command)
	if fc == tUnsubscribe && utf8.RuneCountInString(p.toks[first].text) >= 2 && isHan([]rune(p.toks[first].text)[0]) &&
		species == "" && !listingLike {
		if id, _ := p.idAfter(-1); id == "" {
			return cmd(CmdUnsubscribe, Args{}), true
		}
	}
	// 帮助 怎么取消: help, about the command named after it; 我是卖桂花的
	// 想问下怎么发布: a question with no listing in it
	if p.hasClass(tHelp) >= 0 && (fc == tHelp || !listingLike && p.asks() || species == "" && p.onlyClasses(false, tHelp, tHow,
		tCancel, tCancelSoft, tQuery, tRegister, tAccept, tOrder, tJoin, tDecline, tUnsubscribe, tMine)) {
		return cmd(CmdHelp, Args{Topic: p.helpTopic()}), true
	}
	// 怎么查: a question about a command
	if p.hasClass(tHow) >= 0 && species == "" && !listingLike {
		if topic := p.helpTopic(); topic != "" {
			return cmd(CmdHelp, Args{Topic: topic}), true
		}
	}
	if r := p.hasClass(tRegister); r >= 0 && (fc == tRegister || species == "" && !listingLike) {
		return p.register(r), true
	}
	if o := p.hasClass(tOrder); o >= 0 && species == "" {
		if id, j := p.idAfter(o); id != "" {
			return cmd(CmdOrder, Args{ListingID: ptr(id), Qty: p.qtyAfter(j)}), true
		}
	}
	if p.orderBySide() {
		id, j := p.idAfter(first)
		return cmd(CmdOrder, Args{ListingID: ptr(id), Qty: p.qtyAfter(j)}), true
	}
	if o := p.hasClass(tJoin); o >= 0 && species == "" {
		if id, j := p.idAfter(o); id != "" {
			return cmd(CmdJoin, Args{GroupBuyID: ptr(id), Qty: p.qtyAfter(j)}), true
		}
	}
	cancel := p.hasClass(tCancel)
	soft := p.hasClass(tCancelSoft)
	accept := p.hasClass(tAccept)
	decline := p.hasClass(tDecline)
	if accept >= 0 && (cancel >= 0 || decline >= 0) {
		other := max(cancel, decline)
		if other == accept+1 && p.toks[other].start == p.toks[accept].end && cancel >= 0 {
			accept = -1 // 确认取消 is a cancel
		} else {
			return junk(ReasonConflictingCommand), true
		}
	}
	id, _ := p.idAfter(-1)
	// 你打错了 我不卖树: a refusal with no id in a wrong-number reply
	if decline >= 0 && (!listingLike && (species == "" || fc == tDecline) || fc == tDecline && species == "") &&
		(id != "" || p.junkScore[ReasonWrongNumber] == 0) {
		return withID(CmdDecline, Args{}, id, func(a *Args, s *string) { a.MatchID = s }), true
	}
	// 你们那个苗子卖完没有 asks about the other party's stock: no cancel
	if soft >= 0 && p.askedBack(soft) {
		soft = -1
	}
	if cancel >= 0 && (fc == tCancel || !listingLike) || soft >= 0 && !listingLike && (!p.strongSide(3) || p.sideRefersBack()) {
		return withID(CmdCancel, Args{Species: species}, id, func(a *Args, s *string) { a.ListingID = s }), true
	}
	if accept >= 0 && (fc == tAccept || species == "" && (!listingLike || fc == tAcceptSoft)) {
		return withID(CmdAccept, Args{}, id, func(a *Args, s *string) { a.MatchID = s }), true
	}
	if p.hasClass(tAcceptSoft) >= 0 && p.onlyClasses(true, tAcceptSoft, tAccept) {
		return withID(CmdAccept, Args{}, id, func(a *Args, s *string) { a.MatchID = s }), true
	}
	if q, ok := p.query(first, fc, listingLike); ok {
		return q, true
	}
	return Result{}, false
}

// sideRefersBack reads 求购的香樟买到了: a side word followed by 的 names an
// earlier listing, not a new one.
func (p *parser) sideRefersBack() bool {
	for _, h := range p.sides {
		if h.n >= 3 {
			if nx := p.tok(h.tok + 1); !(nx.has(rFiller) && nx.text == "的") {
				return false
			}
		}
	}
	return true
}

// orderBySide reads 要 1024 100株: a demand word, then an id and a quantity, no plant.
func (p *parser) orderBySide() bool {
	first := p.firstContent()
	t := p.tok(first)
	r := t.role(rSide)
	if r == nil || r.val != SideDemand || r.n == 0 || p.firstSpecies() != "" {
		return false
	}
	id, j := p.idAfter(first)
	if id == "" || j != p.next(first) {
		return false
	}
	nx := p.tok(p.adj(j))
	return nx.kind == tkNum || nx.text == "号" || nx.text == "全" || p.tok(p.next(j)).kind == tkNum
}

// asks says whether the text is a question: 怎么, 如何, 请问, 咨询.
func (p *parser) asks() bool {
	s := string(p.rs)
	return p.hasClass(tHow) >= 0 || strings.Contains(s, "问") || strings.Contains(s, "咨询")
}

// helpTopic names what a help request asks about: a command, or a side.
func (p *parser) helpTopic() string {
	for _, i := range p.cmdToks {
		switch p.cmdClass(i) {
		case tCancel, tCancelSoft:
			return CmdCancel
		case tQuery, tQueryHave, tQueryPrice, tMine:
			return CmdQuery
		case tRegister:
			return CmdRegister
		case tAccept:
			return CmdAccept
		case tOrder:
			return CmdOrder
		case tJoin:
			return CmdJoin
		case tDecline:
			return CmdDecline
		case tUnsubscribe:
			return CmdUnsubscribe
		}
	}
	for _, s := range p.sides {
		if s.n > 0 {
			return s.side
		}
	}
	return ""
}

// query reads 查 香樟, 查 求购 银杏, 我的, 有没得桂花, 桂花好多钱.
func (p *parser) query(first int, fc string, listingLike bool) (Result, bool) {
	mine := p.hasClass(tMine) >= 0
	have := p.hasClass(tQueryHave) >= 0
	price := p.hasClass(tQueryPrice) >= 0
	// 那批紫薇还有没 我要100棵: a size or count with a side word is a listing
	offer := false
	for _, h := range p.sides {
		offer = offer || listingLike && h.n >= 1 && !p.inQuestionRun(h.tok)
		// 有没有老板要栀子 5000盆 3块一盆: asking buyers, with values, offers
		offer = offer || listingLike && h.n == 0 && h.side == SideSupply
	}
	ok := fc == tQuery || mine && !listingLike || (have || price) && !p.strongSide(3) && !offer || p.isQuestion()
	if !ok {
		return Result{}, false
	}
	// 上次那批货还有没有: a question about stock that names nothing is no query
	if have && !price && !mine && fc != tQuery && p.firstSpecies() == "" {
		if id, _ := p.idAfter(-1); id == "" {
			return Result{}, false
		}
	}
	a := Args{Species: p.firstSpecies()}
	if mine {
		a.Scope = "mine"
	}
	if price || p.hasPriceWord() {
		a.About = "price"
	}
	if a.Species == "" {
		a.ListingID = func() *string {
			if id, _ := p.idAfter(-1); id != "" {
				return ptr(id)
			}
			return nil
		}()
	}
	for _, h := range p.sides {
		if h.n >= 3 {
			a.Side = h.side
			break
		}
	}
	if len(p.items) > 0 {
		it := p.items[0]
		if !it.spec.empty() {
			s := it.spec
			a.Spec = &s
		}
		a.Attrs = append(append(append([]string{}, it.formAttrs...), p.groupAttrs[it.group]...), p.attrs...)
	}
	for _, h := range p.locs {
		if h.r.kind == rTown {
			a.Town = h.r.val
			break
		}
	}
	return cmd(CmdQuery, a), true
}

// inQuestionRun says whether token i is written together (no space or
// punctuation) with a 有没得/好多钱 question word: 有没得8公分的桂花卖.
func (p *parser) inQuestionRun(i int) bool {
	for _, dir := range [...]int{-1, 1} {
		for j := i + dir; j >= 0 && j < len(p.toks) && p.toks[j].kind != tkSep; j += dir {
			if c := p.cmdClass(j); c == tQueryHave || c == tQueryPrice {
				return true
			}
		}
	}
	return false
}

// speciesList returns every plant named, once each, in order.
func (p *parser) speciesList() []string {
	var out []string
	for _, it := range p.items {
		if it.species != "" {
			out = appendNew(out, it.species)
		}
	}
	return out
}

func (p *parser) hasPriceWord() bool {
	for i := range p.toks {
		if p.toks[i].has(rPriceWord) {
			return true
		}
	}
	return false
}

// isQuestion reads 你们有桂花吗: 有 and a plant, asked as a question.
func (p *parser) isQuestion() bool {
	if p.firstSpecies() == "" || p.strongSide(2) {
		return false
	}
	weak := false
	for _, h := range p.sides {
		weak = weak || h.as.n == 1 && h.as.val == SideSupply // 有 (also in 请问有桂花吗)
		if h.n == 0 && h.side == SideSupply {
			return false // 有要的吗 asks buyers: an offer
		}
	}
	if !weak {
		return false
	}
	s := strings.TrimRight(string(p.rs), " ?,.")
	return strings.HasSuffix(s, "吗") || strings.HasSuffix(s, "么") || strings.HasSuffix(s, "没") || strings.HasSuffix(string(p.rs), "?")
}

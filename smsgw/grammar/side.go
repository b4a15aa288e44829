package grammar

import "strings"

// Sides. A head word (供, 出售, 求购, 收) names the side; trap phrases speak
// to the other party (需要的联系 in a supply ad, 有货速联 in a demand ad)
// and count only when no head is written.

type sideHit struct {
	side string
	n    int // 3 strong head, 2 head, 1 weak head, 0 trap phrase
	tok  int
	as   role // the word's own side and strength, before a trap turned it
}

func (p *parser) side(i int, r role) {
	h := sideHit{side: r.val, n: r.n, tok: i, as: r}
	if h.n > 0 && h.n < 3 && (p.addressesOther(i) || p.asksOther(i, h.side)) {
		// 需要X的联系我 speaks to buyers; 有X的喊我 speaks to sellers
		h.n = 0
		if h.side == SideSupply {
			h.side = SideDemand
		} else {
			h.side = SideSupply
		}
	}
	p.sides = append(p.sides, h)
}

// asksOther reads a side word inside a question to the other party, in the
// same run of text (no space or punctuation between): 哪个老板要香樟,
// 有人要紫薇不, 你们收红叶石楠吗 ask buyers, so the sender sells;
// 哪个老板有香樟 asks sellers.
func (p *parser) asksOther(i int, side string) bool {
	t := &p.toks[i]
	from, to := t.start, t.end
	for j := i - 1; j >= 0 && p.toks[j].kind != tkSep; j-- {
		from = p.toks[j].start
	}
	for j := i + 1; j < len(p.toks) && p.toks[j].kind != tkSep; j++ {
		to = p.toks[j].end
	}
	before, after := string(p.rs[from:t.start]), string(p.rs[t.end:to])
	if strings.ContainsAny(before, "哪谁") || side == SideDemand && (strings.Contains(before, "有人") || strings.Contains(before, "有没有")) {
		return true
	}
	// 收不收, 要不要, 买不买: the word asked as A-not-A
	if w, ok := strings.CutSuffix(before, "不"); ok && w != "" && strings.HasSuffix(w, string([]rune(t.text)[0])) {
		return true
	}
	if side != SideDemand {
		// 有银杏卖吗, 有没有桂花卖: a buyer asking whether there is stock
		if !strings.Contains(before+t.text, "有") || strings.HasPrefix(after, "要") || strings.HasPrefix(after, "需") {
			return false // 有要的吗, 有需要的吗 ask buyers
		}
		if strings.Contains(before, "有没有") {
			return true
		}
	}
	for _, q := range [...]string{"吗", "么", "不", "没", "没有", "没得", "不得"} {
		if strings.HasSuffix(after, q) {
			return true
		}
	}
	return false
}

// addressesOther reads "…的 + contact or addressee" after a side word, in
// the same clause: 需要红叶石楠球的联系我, 有桂花的喊我, 需要苗木的老板.
func (p *parser) addressesOther(i int) bool {
	for j := i + 1; j < len(p.toks) && j < i+12; j++ {
		t := &p.toks[j]
		if t.kind == tkSep && t.sep != ' ' || t.kind == tkNum || t.has(rSide) {
			return false
		}
		if t.has(rFiller) && t.text == "的" {
			nx := p.tok(p.next(j))
			// 需要苗木的老板请注意, 有桂花的朋友: the people addressed
			return nx.has(rContact) || nx.has(rHonorific) || strings.Contains("请喊找我call朋友客户客商各位", nx.text) && nx.text != ""
		}
	}
	return false
}

// decideSide returns the side, or a junk reason when there is none.
func (p *parser) decideSide() (string, string) {
	var best [2]int // strongest head per side
	first := ""
	traps := [2]int{}
	for _, h := range p.sides {
		s := 0
		if h.side == SideDemand {
			s = 1
		}
		if h.n == 0 {
			traps[s]++
			continue
		}
		if first == "" {
			first = h.side
		}
		best[s] = max(best[s], h.n)
	}
	switch {
	case best[0] > 0 && best[1] == 0:
		return SideSupply, ""
	case best[1] > 0 && best[0] == 0:
		return SideDemand, ""
	case best[0] >= 2 && best[1] >= 2 && (best[0] == best[1] || p.headsPlant(best)):
		// 出售桂花…求购香樟, 卖桂花…求购香樟: two listings of opposite sides in
		// one text. A strong head against a lesser word of the other side
		// that heads no plant of its own (出售香樟…要买就快) is the head's:
		// the lesser word tells a story.
		return "", ReasonConflictingSide
	case best[0] > 0 && best[1] > 0:
		if best[0] > best[1] {
			return SideSupply, ""
		}
		if best[1] > best[0] {
			return SideDemand, ""
		}
		return first, ""
	case traps[0] > traps[1]:
		return SideSupply, ""
	case traps[1] > traps[0]:
		return SideDemand, ""
	case p.noSideNoun || traps[0] > 0:
		return "", ReasonConflictingSide
	case traps[1] == 0 && p.soldOut() >= 0:
		// 上次的桂花已经卖出去了 这次再发一批：桂花…: with no side word at all,
		// a sender who tells that his own stock sold is a seller. Any side
		// word or trap phrase wins over this (之前那家卖完了 哪个有…).
		return SideSupply, ""
	}
	return "", ReasonNoSide
}

// headsPlant says whether a side word of the weaker side (by best) is
// followed right away by a plant name: 卖桂花 in 卖桂花…求购香樟.
func (p *parser) headsPlant(best [2]int) bool {
	weak := SideSupply
	if best[1] < best[0] {
		weak = SideDemand
	}
	for _, h := range p.sides {
		if h.side == weak && h.n >= 2 {
			if nx := p.tok(p.next(h.tok)); nx.has(rSpecies) || nx.has(rVariety) {
				return true
			}
		}
	}
	return false
}

// soldOut returns the token of a sold-out word (卖完了, 卖出去了, 走完了) that
// tells, not asks (卖完没有 asks the other party), or -1.
func (p *parser) soldOut() int {
	for _, i := range p.cmdToks {
		t := &p.toks[i]
		if p.cmdClass(i) == tCancelSoft && (strings.ContainsAny(t.text, "卖售") || strings.Contains(t.text, "走完")) && !p.askedBack(i) {
			return i
		}
	}
	return -1
}

// askedBack says whether the word at token i is asked as a question, a
// question particle written right after it: 卖完没有, 卖完了吗, 走完了没.
func (p *parser) askedBack(i int) bool {
	t := &p.toks[i]
	after := string(p.rs[t.end:min(len(p.rs), t.end+3)])
	after = strings.TrimPrefix(after, "了")
	for _, q := range [...]string{"没", "吗", "么", "不", "莫", "?"} {
		if strings.HasPrefix(after, q) {
			return true
		}
	}
	return false
}

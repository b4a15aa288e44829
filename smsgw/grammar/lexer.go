package grammar

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// The lexer cuts a normalized text into tokens: dictionary words (longest
// match, with a pronunciation fallback for typos), numbers, phone numbers,
// separators and leftovers. It knows nothing about listings.

type tkind uint8

const (
	tkSep   tkind = iota // space or punctuation; sep holds the character
	tkWord               // a dictionary word; roles says what it can mean
	tkNum                // a number or a range
	tkPhone              // a phone number; text holds its digits
	tkLatin              // Latin letters the dictionary does not know
	tkOther              // any other character
)

type token struct {
	kind       tkind
	start, end int // rune offsets in the normalized text
	text       string
	roles      []role
	num        numTok
	sep        rune
}

func (t *token) has(k roleKind) bool { return t.role(k) != nil }

func (t *token) role(k roleKind) *role {
	if t.kind != tkWord {
		return nil
	}
	for i := range t.roles {
		if t.roles[i].kind == k {
			return &t.roles[i]
		}
	}
	return nil
}

// scratch holds the buffers one Parse needs, reused across calls through
// a pool: nothing in a Result points into them.
type scratch struct {
	toks []token
	ts   [][]syl
	off  []int
}

var scratchPool = sync.Pool{New: func() any { return &scratch{toks: make([]token, 0, 64)} }}

// syllables looks up the readings of every rune of rs (see textSyllables).
func (sc *scratch) syllables(rs []rune) [][]syl {
	if cap(sc.ts) < len(rs) {
		sc.ts = make([][]syl, len(rs))
	}
	ts := sc.ts[:len(rs)]
	for i, r := range rs {
		ts[i] = nil
		if isHan(r) {
			ts[i] = syllablesOf(r)
		}
	}
	return ts
}

func (sc *scratch) offsets(n int) []int {
	if cap(sc.off) < n {
		sc.off = make([]int, n)
	}
	return sc.off[:n]
}

// release returns the buffers to the pool, unless one text made them huge.
func (sc *scratch) release(toks []token) {
	if cap(toks) > 4096 || cap(sc.ts) > 16384 {
		return
	}
	clear(toks)
	sc.toks = toks[:0]
	scratchPool.Put(sc)
}

type trieNode struct {
	next  map[rune]*trieNode
	roles []role
}

func (t *trieNode) add(word string, r role) {
	n := t
	for _, c := range word {
		if n.next == nil {
			n.next = map[rune]*trieNode{}
		}
		m := n.next[c]
		if m == nil {
			m = &trieNode{}
			n.next[c] = m
		}
		n = m
	}
	for _, have := range n.roles {
		if have == r {
			return
		}
	}
	n.roles = append(n.roles, r)
}

// longest returns the length and roles of the longest word starting at rs[i].
func (t *trieNode) longest(rs []rune, i int) (int, []role) {
	n, best, roles := t, 0, []role(nil)
	for j := i; j < len(rs); j++ {
		n = n.next[rs[j]]
		if n == nil {
			break
		}
		if len(n.roles) > 0 {
			best, roles = j-i+1, n.roles
		}
	}
	return best, roles
}

func (t *trieNode) lookup(w string) []role {
	n := t
	for _, c := range w {
		if n = n.next[c]; n == nil {
			return nil
		}
	}
	return n.roles
}

func isSepRune(r rune) bool {
	switch r {
	case ' ', ',', ':', '(', ')', '[', ']', '"', '\'', '-', '~', '*', '+', '#', '@', '%', '.', '|', '_', '=', '<', '>', '&', '^', '`', '\\', '{', '}', '$':
		return true
	}
	return false
}

// lex tokenizes a normalized text.
func (g *Grammar) lex(rs []rune, sc *scratch) []token {
	phones := findPhones(rs)
	toks := sc.toks[:0]
	ts := sc.syllables(rs)
	// token texts are substrings of one string: no allocation per token
	norm := string(rs)
	off := sc.offsets(len(rs) + 1)
	for k, b := 0, 0; k < len(rs); k++ {
		off[k] = b
		b += utf8.RuneLen(rs[k])
		off[k+1] = b
	}
	sub := func(i, j int) string { return norm[off[i]:off[j]] }
	for i := 0; i < len(rs); {
		if p, ok := phones[i]; ok {
			toks = append(toks, token{kind: tkPhone, start: i, end: p.end, text: p.digits})
			i = p.end
			continue
		}
		r := rs[i]
		dl, roles := g.dict.longest(rs, i)
		if dl == 1 && isHan(r) && !g.singleOK(rs, i, roles) {
			dl, roles = 0, nil
		}
		if isLatin(r) {
			j := i
			for j < len(rs) && isLatin(rs[j]) {
				j++
			}
			if dl > 0 && dl < j-i {
				dl = 0
			}
			if dl == 0 {
				toks = append(toks, token{kind: tkLatin, start: i, end: j, text: sub(i, j)})
				i = j
				continue
			}
		}
		nl := 0
		var num numTok
		if isNumStart(r) {
			num, nl = scanNumber(rs, i)
		} else if r == '上' || r == '百' || r == '千' {
			num, nl = roughCount(rs, i)
		}
		if nl > 0 && isHan(r) && nl == 1 {
			// 十打功劳, 六月学: a plant name that starts with a numeral
			if fl, froles := g.fuzzyMatch(rs, ts, i, max(nl, dl)); fl > max(nl, dl) && hasKind(froles, rSpecies) {
				toks = append(toks, token{kind: tkWord, start: i, end: i + fl, text: sub(i, i+fl), roles: froles})
				i += fl
				continue
			}
		}
		if nl > 0 {
			if ml := g.listMarker(rs, i, nl); ml > 0 {
				toks = append(toks, token{kind: tkSep, start: i, end: i + ml, sep: ','})
				i += ml
				continue
			}
		}
		switch {
		case nl > 0 && nl > dl:
			toks = append(toks, token{kind: tkNum, start: i, end: i + nl, text: sub(i, i+nl), num: num})
			i += nl
			continue
		case isHan(r):
			if fl, froles := g.fuzzyMatch(rs, ts, i, dl); fl > dl && (!onlyKind(froles, rSpecKey) || numberAhead(rs, i+fl)) && !g.exactCovers(rs, i, dl, fl) {
				toks = append(toks, token{kind: tkWord, start: i, end: i + fl, text: sub(i, i+fl), roles: froles})
				i += fl
				continue
			}
		}
		switch {
		case dl > 0:
			toks = append(toks, token{kind: tkWord, start: i, end: i + dl, text: sub(i, i+dl), roles: roles})
			i += dl
		case isSepRune(r):
			if n := len(toks); n > 0 && toks[n-1].kind == tkSep && toks[n-1].end == i && (r == ' ' || toks[n-1].sep == ' ') {
				toks[n-1].end = i + 1
				if r != ' ' {
					toks[n-1].sep = r
				}
			} else {
				toks = append(toks, token{kind: tkSep, start: i, end: i + 1, sep: r})
			}
			i++
		default:
			toks = append(toks, token{kind: tkOther, start: i, end: i + 1, text: sub(i, i+1)})
			i++
		}
	}
	return toks
}

func onlyKind(roles []role, k roleKind) bool {
	for _, r := range roles {
		if r.kind != k {
			return false
		}
	}
	return true
}

// numberAhead says whether a number starts at rs[i], after a space or a colon.
func numberAhead(rs []rune, i int) bool {
	for i < len(rs) && (rs[i] == ' ' || rs[i] == ':') {
		i++
	}
	return i < len(rs) && isNumStart(rs[i])
}

// singleOK decides whether a one-character word really is one here. A
// one-character species alias (樟, 梅) counts only before a boundary, so
// 樟子松 is not 香樟.
func (g *Grammar) singleOK(rs []rune, i int, roles []role) bool {
	for _, r := range roles {
		if r.kind != rSpecies {
			return true
		}
	}
	if i+1 >= len(rs) {
		return true
	}
	nx := rs[i+1]
	if !isHan(nx) || nx == '树' || nx == '木' || nx == '球' || nx == '求' {
		return true
	}
	if n, _ := g.dict.longest(rs, i+1); n > 0 {
		return true
	}
	_, ok := cnDigit[nx]
	return ok
}

type phoneSpan struct {
	end    int
	digits string
}

// findPhones finds mobile (11 digits from 13x-19x, optionally +86) and
// landline (0xx-xxxxxxxx) numbers, also when written in groups separated by
// single dashes or spaces. It maps a start offset to the span.
func findPhones(rs []rune) map[int]phoneSpan {
	var out map[int]phoneSpan
	type group struct{ start, end int }
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) || (i > 0 && isDigit(rs[i-1])) {
			i++
			continue
		}
		var gs []group
		j := i
		for {
			k := j
			for k < len(rs) && isDigit(rs[k]) {
				k++
			}
			gs = append(gs, group{j, k})
			if k+1 < len(rs) && (rs[k] == '-' || rs[k] == ' ') && isDigit(rs[k+1]) && len(gs) < 6 {
				j = k + 1
				continue
			}
			break
		}
		next := gs[len(gs)-1].end
		for a := 0; a < len(gs); a++ {
			ds := ""
			for b := a; b < len(gs) && b < a+4; b++ {
				ds += string(rs[gs[b].start:gs[b].end])
				if p, ok := phoneDigits(ds, rs, gs[a].start); ok {
					if out == nil {
						out = map[int]phoneSpan{}
					}
					start := gs[a].start
					if start > 0 && rs[start-1] == '+' {
						start--
					}
					out[start] = phoneSpan{end: gs[b].end, digits: p}
					a = b
					break
				}
			}
		}
		i = next
	}
	return out
}

func phoneDigits(ds string, rs []rune, start int) (string, bool) {
	for _, pre := range []string{"0086", "86"} {
		if len(ds) == 11+len(pre) && ds[:len(pre)] == pre {
			ds = ds[len(pre):]
			break
		}
	}
	switch {
	case len(ds) == 11 && ds[0] == '1' && ds[1] >= '3' && ds[1] <= '9':
		return ds, true
	case len(ds) >= 10 && len(ds) <= 12 && ds[0] == '0' && ds[1] != '0':
		return ds, true
	}
	return "", false
}

// roughCount reads the spoken round counts before a unit: 上百, 上千, 上万
// (that many or more) and 百把, 千把 (about that many): 上千棵, 百把棵.
func roughCount(rs []rune, i int) (numTok, int) {
	if i+2 >= len(rs) {
		return numTok{}, 0
	}
	next := rs[i+2]
	unitNext := classifiers[next] || next == '多' || next == '来'
	switch {
	case rs[i] == '上' && unitNext:
		if v := map[rune]float64{'百': 100, '千': 1000, '万': 1e4}[rs[i+1]]; v > 0 {
			return numTok{lo: v, hi: v, chinese: true, approx: true, mult: v >= 1000, open: true}, 2
		}
	case rs[i+1] == '把' && unitNext:
		v := map[rune]float64{'百': 100, '千': 1000}[rs[i]]
		return numTok{lo: v, hi: v, chinese: true, approx: true, mult: v >= 1000}, 2
	}
	return numTok{}, 0
}

// listMarker returns the length of an item marker such as (1), 2) or 1.
// before a plant name, or 0. A marker is a small number at the start of a
// clause closed by a bracket or a dot and followed by a word; "1、" counts
// only before a plant or a side word, since 8、10公分 and 200、香樟 are values.
func (g *Grammar) listMarker(rs []rune, i, nl int) int {
	if nl > 2 || !isDigit(rs[i]) || !isDigit(rs[i+nl-1]) {
		return 0
	}
	open := i > 0 && rs[i-1] == '('
	if i > 0 && !open && !strings.ContainsRune(" ,:", rs[i-1]) {
		return 0
	}
	k := i + nl
	if k >= len(rs) {
		return 0
	}
	closer := rs[k]
	switch {
	case closer == ')':
	case closer == '.' && !open:
	case closer == ',' && !open && nl == 1:
	default:
		return 0
	}
	h := k + 1
	for h < len(rs) && rs[h] == ' ' {
		h++
	}
	if h >= len(rs) || !isHan(rs[h]) {
		return 0
	}
	if closer == ',' {
		_, roles := g.dict.longest(rs, h)
		if !hasKind(roles, rSpecies) && !hasKind(roles, rSide) {
			return 0
		}
	}
	return k + 1 - i
}

// exactCovers says whether the exact words at i (length dl) and right after
// it reach past a sound-alike match of length fl: 供 + 迎春花 is read as
// written, not as 供应 + 春花.
func (g *Grammar) exactCovers(rs []rune, i, dl, fl int) bool {
	if dl == 0 {
		// 发青白江: an unknown character, then a word reaching past the
		// sound-alike (发青 is no 法青)
		n, _ := g.dict.longest(rs, i+1)
		return n >= 2 && i+1+n > i+fl
	}
	n, _ := g.dict.longest(rs, i+dl)
	return i+dl+n > i+fl
}

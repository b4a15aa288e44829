package grammar

import (
	"strings"
	"unicode"
)

// Parse reads one SMS. It never panics and always returns exactly one
// result: a listing, a command, or an unparseable text with its reason.
func (g *Grammar) Parse(text string) (res Result) {
	defer func() {
		if recover() != nil {
			res = junk(ReasonGarbled)
		}
	}()
	if strings.TrimSpace(text) == "" {
		return junk(ReasonEmpty)
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	if isMojibake(text) {
		return junk(ReasonGarbled)
	}
	rs := []rune(normalize(text, g.t2s))
	if !hasContent(rs) {
		return junk(ReasonChitchat) // emoji or punctuation only
	}
	rs = g.transliterate(rs)
	p := &parser{g: g, rs: rs, junkScore: map[string]int{}}
	sc := scratchPool.Get().(*scratch)
	p.toks = g.lex(rs, sc)
	defer func() { sc.release(p.toks) }()
	p.read()
	norm := string(rs)

	side, sideReason := p.decideSide()
	hasListing := side != "" && p.firstSpecies() != ""
	if r := p.spamOrSystem(norm, hasListing); r != "" {
		return junk(r)
	}
	if c, ok := p.command(); ok {
		return c
	}
	if hasListing && !isPart(norm) {
		return p.listing(side)
	}
	return junk(p.junkReason(norm, sideReason))
}

func hasContent(rs []rune) bool {
	for _, r := range rs {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '?' {
			return true
		}
	}
	return false
}

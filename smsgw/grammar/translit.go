package grammar

import "strings"

// Pinyin input. Some handsets, or some growers, send pinyin instead of
// characters: "qiugou xiangzhang 10cm 200 ke". Runs of Latin words that split
// into valid syllables are matched, longest first, against the pinyin of
// every dictionary word and replaced by the words. Letters that are not
// pinyin (cm, P, H, TD) are left alone.

type latinWord struct {
	start, end int // rune offsets
	syls       []string
	touchDigit bool
	leftDigit  bool // a number just before it (300ke, 300 ke)
}

// transliterate rewrites pinyin islands of a normalized text into characters.
func (g *Grammar) transliterate(rs []rune) []rune {
	hasLatin := false
	for _, r := range rs {
		if isLatin(r) {
			hasLatin = true
			break
		}
	}
	if !hasLatin {
		return rs
	}
	var words []latinWord
	for i := 0; i < len(rs); {
		if !isLatin(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && isLatin(rs[j]) {
			j++
		}
		w := latinWord{start: i, end: j}
		w.leftDigit = i > 0 && isDigit(rs[i-1]) || i > 1 && rs[i-1] == ' ' && isDigit(rs[i-2])
		w.touchDigit = w.leftDigit || j < len(rs) && isDigit(rs[j])
		if j < len(rs) && rs[j] == '.' || i > 0 && isDigit(rs[i-1]) && j-i <= 2 && g.dict.lookup(string(rs[i:j])) != nil {
			// a unit such as 1.2m or 10cm, or part of a web address
			w.syls = nil
		} else if s, ok := segmentPinyin(string(rs[i:j])); ok {
			w.syls = s
		}
		words = append(words, w)
		i = j
	}
	var out []rune
	last := 0
	for a := 0; a < len(words); {
		if words[a].syls == nil {
			a++
			continue
		}
		b := a + 1
		for b < len(words) && words[b].syls != nil && words[b].start == words[b-1].end+1 && rs[words[b-1].end] == ' ' {
			b++
		}
		var syls []string
		touch := false
		for _, w := range words[a:b] {
			syls = append(syls, w.syls...)
			touch = touch || w.touchDigit
		}
		if rep, ok := g.matchPinyin(syls, touch, words[a].leftDigit); ok {
			out = append(out, rs[last:words[a].start]...)
			out = append(out, []rune(rep)...)
			last = words[b-1].end
		}
		a = b
	}
	if last == 0 && out == nil {
		return rs
	}
	return append(out, rs[last:]...)
}

// matchPinyin replaces syllables by dictionary words, longest first. It
// declines (ok false) unless at least two syllables, or one next to a
// digit (300ke), became words.
func (g *Grammar) matchPinyin(syls []string, touchDigit, leftDigit bool) (string, bool) {
	var b strings.Builder
	matched := 0
	k := 0
	// 300 ke yi bai: a unit right after a number goes with the number
	if leftDigit {
		if w, ok := g.pinyin[syls[0]]; ok && g.isUnitWord(w) {
			b.WriteString(w)
			matched, k = 1, 1
		}
	}
	for k < len(syls) {
		found := false
		for L := min(g.pyMax, len(syls)-k); L >= 1; L-- {
			if w, ok := g.pinyin[strings.Join(syls[k:k+L], " ")]; ok {
				b.WriteString(w)
				matched += L
				k += L
				found = true
				break
			}
		}
		if !found {
			b.WriteByte(' ')
			b.WriteString(syls[k])
			b.WriteByte(' ')
			k++
		}
	}
	if matched >= 2 || matched == 1 && touchDigit {
		return strings.TrimSpace(b.String()), true
	}
	return "", false
}

func (g *Grammar) isUnitWord(w string) bool {
	for _, r := range g.dict.lookup(w) {
		switch r.kind {
		case rQtyUnit, rLenUnit, rMoney:
			return true
		}
	}
	return false
}

package grammar

import (
	"slices"
	"strings"
	"sync"

	"github.com/mozillazg/go-pinyin"
)

// Pronunciation tables. Growers type on pinyin keyboards, so a wrong
// character usually sounds like the right one (紫微 for 紫薇, 香章 for 香樟),
// and some type pinyin outright (qiugou xiangzhang). Both are caught by
// comparing toneless syllables taken from go-pinyin's dictionary; the tables
// are built once per process.

type syl = uint16

var (
	sylOnce  sync.Once
	runeSyls map[rune][]syl // every toneless reading of a character
	cjkSyls  [][]syl        // the same for U+3400…U+9FFF, by rune - cjkFirst: a slice is faster than a map
	sylByStr map[string]syl
	sylNames []string
	sylLoose []syl // syllable → its Sichuan-loose class (zh=z, n=l, ng=n)
)

var toneless = strings.NewReplacer(
	"ā", "a", "á", "a", "ǎ", "a", "à", "a", "ē", "e", "é", "e", "ě", "e", "è", "e",
	"ī", "i", "í", "i", "ǐ", "i", "ì", "i", "ō", "o", "ó", "o", "ǒ", "o", "ò", "o",
	"ū", "u", "ú", "u", "ǔ", "u", "ù", "u", "ǖ", "v", "ǘ", "v", "ǚ", "v", "ǜ", "v", "ü", "v",
	"ń", "n", "ň", "n", "ǹ", "n", "ḿ", "m", "ê̄", "e", "ế", "e", "ê̌", "e", "ề", "e", "ê", "e",
)

func pinyinTables() {
	sylOnce.Do(func() {
		runeSyls = make(map[rune][]syl, len(pinyin.PinyinDict))
		sylByStr = map[string]syl{}
		var names []string
		id := func(s string) syl {
			if v, ok := sylByStr[s]; ok {
				return v
			}
			v := syl(len(names))
			sylByStr[s] = v
			names = append(names, s)
			return v
		}
		defer func() { sylNames = names }()
		for cp, readings := range pinyin.PinyinDict {
			var ids []syl
			for _, rd := range strings.Split(readings, ",") {
				s := toneless.Replace(rd)
				if s == "" || !hasVowel(s) {
					continue
				}
				v := id(s)
				if !slices.Contains(ids, v) {
					ids = append(ids, v)
				}
			}
			if len(ids) > 0 {
				runeSyls[rune(cp)] = ids
			}
		}
		cjkSyls = make([][]syl, cjkLast-cjkFirst+1)
		for r, ids := range runeSyls {
			if r >= cjkFirst && r <= cjkLast {
				cjkSyls[r-cjkFirst] = ids
			}
		}
		looseByStr := map[string]syl{}
		sylLoose = make([]syl, len(names))
		for i, s := range names {
			l := looseForm(s)
			v, ok := looseByStr[l]
			if !ok {
				v = syl(len(looseByStr))
				looseByStr[l] = v
			}
			sylLoose[i] = v
		}
	})
}

func hasVowel(s string) bool { return strings.ContainsAny(s, "aeiouv") }

// looseForm merges the distinctions Sichuan speakers (and their typing) blur:
// zh/z, ch/c, sh/s, n/l and the -n/-ng finals.
func looseForm(s string) string {
	switch {
	case strings.HasPrefix(s, "zh"), strings.HasPrefix(s, "ch"), strings.HasPrefix(s, "sh"):
		s = s[:1] + s[2:]
	case strings.HasPrefix(s, "n"):
		s = "l" + s[1:]
	}
	if strings.HasSuffix(s, "ng") && len(s) > 2 {
		s = s[:len(s)-1]
	}
	return s
}

// syllablesOf returns the toneless readings of r, nil for a non-Han rune.
const cjkFirst, cjkLast = 0x3400, 0x9FFF

func syllablesOf(r rune) []syl {
	if r >= cjkFirst && r <= cjkLast {
		return cjkSyls[r-cjkFirst]
	}
	return runeSyls[r]
}

// readingsOf returns every toneless reading sequence of a word, at most max of them.
func readingsOf(w string, max int) [][]string {
	out := [][]string{nil}
	for _, r := range w {
		ids := runeSyls[r]
		if len(ids) == 0 {
			return nil
		}
		var next [][]string
		for _, pre := range out {
			for _, id := range ids {
				if len(next) >= max {
					break
				}
				seq := append(append([]string(nil), pre...), sylName(id))
				next = append(next, seq)
			}
		}
		out = next
	}
	return out
}

func sylName(id syl) string { return sylNames[id] }

// segmentPinyin splits a run of Latin letters into the fewest valid
// syllables ("xiangzhang" → xiang zhang); ok is false if it cannot.
func segmentPinyin(w string) ([]string, bool) {
	n := len(w)
	if n == 0 || n > 60 {
		return nil, false
	}
	const inf = 1 << 30
	best := make([]int, n+1)
	from := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = inf
	}
	for i := 0; i < n; i++ {
		if best[i] == inf {
			continue
		}
		for j := i + 1; j <= n && j-i <= 6; j++ {
			if _, ok := sylByStr[w[i:j]]; ok && best[i]+1 < best[j] {
				best[j], from[j] = best[i]+1, i
			}
		}
	}
	if best[n] == inf {
		return nil, false
	}
	var out []string
	for j := n; j > 0; j = from[j] {
		out = append(out, w[from[j]:j])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, true
}

package grammar

// Pronunciation matching. A text word matches a lexicon word of the same
// length when every character is the same or sounds the same (toneless,
// any reading), at least one character is written exactly as in the lexicon
// (two for words of four or more), and at most one character is only a
// Sichuan-loose match (zh/z, n/l, -ng/-n); two-character words allow that
// only for plant names (银信 → 银杏).

type fuzzyWord struct {
	runes []rune
	syls  [][]syl
	roles []role
}

func (g *Grammar) addFuzzy(word string, roles []role) {
	rs := []rune(word)
	if len(rs) < 2 || len(rs) > 8 {
		return
	}
	fw := &fuzzyWord{runes: rs, roles: roles}
	for _, r := range rs {
		fw.syls = append(fw.syls, syllablesOf(r)) // nil: must be written exactly
	}
	if len(fw.syls[0]) == 0 {
		return
	}
	seen := map[syl]bool{}
	for _, s := range fw.syls[0] {
		c := sylLoose[s]
		if !seen[c] {
			seen[c] = true
			g.fuzzy[c] = append(g.fuzzy[c], fw)
		}
	}
}

// fuzzyMatch returns the longest lexicon word that rs[i:] sounds like,
// longer than minLen runes (a shorter one would lose to the exact word
// anyway). ts holds the syllables of every rune of rs (scratch.syllables).
func (g *Grammar) fuzzyMatch(rs []rune, ts [][]syl, i, minLen int) (int, []role) {
	first := ts[i]
	if len(first) == 0 {
		return 0, nil
	}
	bestLen, bestIdent := 0, 0
	var best []role
	for fi, s := range first {
		c := sylLoose[s]
		dup := false
		for _, s2 := range first[:fi] {
			if sylLoose[s2] == c {
				dup = true
			}
		}
		if dup {
			continue
		}
		for _, fw := range g.fuzzy[c] {
			L := len(fw.runes)
			if i+L > len(rs) || L < bestLen || L <= minLen {
				continue
			}
			ident, loose, ok := 0, 0, true
			for k := 0; k < L && ok; k++ {
				tr := rs[i+k]
				switch {
				case tr == fw.runes[k]:
					ident++
				case !isHan(tr):
					ok = false
				default:
					switch {
					case intersects(ts[i+k], fw.syls[k], false):
					case intersects(ts[i+k], fw.syls[k], true):
						loose++
					default:
						ok = false
					}
				}
			}
			if !ok || ident == 0 || ident == L || (L >= 4 && ident < 2) || loose > 1 || (L == 2 && loose > 0 && !onlyKind(fw.roles, rSpecies)) {
				continue
			}
			if L > bestLen || ident > bestIdent {
				bestLen, bestIdent, best = L, ident, fw.roles
			}
		}
	}
	return bestLen, best
}

func intersects(a, b []syl, loose bool) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y || loose && sylLoose[x] == sylLoose[y] {
				return true
			}
		}
	}
	return false
}

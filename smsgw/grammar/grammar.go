package grammar

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"huamu/matching"
)

// Grammar is a compiled parser for one lexicon: a dictionary trie, a
// pronunciation index for typos and a pinyin vocabulary. It is immutable
// after New and safe for concurrent use.
type Grammar struct {
	t2s      t2sMap
	dict     *trieNode
	fuzzy    [][]*fuzzyWord    // by the Sichuan-loose class of the first syllable
	pinyin   map[string]string // toneless syllables, space-separated → word
	pyMax    int               // longest pinyin key, in syllables
	places   []PlaceData
	villages map[string][]string // village → canonical towns
	order    []string            // words in registration order (pinyin priority)
}

var (
	defaultOnce sync.Once
	defaultG    *Grammar
)

// Default returns the grammar of the embedded lexicon, built once.
func Default() *Grammar {
	defaultOnce.Do(func() {
		g, err := New(EmbeddedLexiconData())
		if err != nil {
			panic(fmt.Sprintf("grammar: embedded lexicon: %v", err))
		}
		defaultG = g
	})
	return defaultG
}

var qtyUnitNames = []string{"株", "盆", "丛", "平方米", "斤", "公斤", "车"}

// New compiles a grammar from lexicon data. It fails on data that would
// make a wrong parser: no species, an unknown spec key or quantity unit, a
// village under an unknown town.
func New(d LexiconData) (*Grammar, error) {
	if len(d.Species) == 0 {
		return nil, errors.New("lexicon has no species")
	}
	pinyinTables()
	g := &Grammar{
		fuzzy:    make([][]*fuzzyWord, len(sylLoose)),
		t2s:      traditionalTable(),
		dict:     &trieNode{},
		pinyin:   map[string]string{},
		places:   slices.Clone(d.Places),
		villages: map[string][]string{},
	}
	for _, n := range "零一二两三四五六七八九十百千万半" {
		g.order = append(g.order, string(n))
	}
	for _, b := range builtinWords {
		g.addWords(b.words, b.role)
	}
	for _, b := range commandWords {
		g.addWords(b.words, b.role)
	}
	for _, u := range slices.Sorted(maps.Keys(d.QtyUnits)) {
		if !slices.Contains(qtyUnitNames, u) {
			return nil, fmt.Errorf("qty unit %q is not one of %v", u, qtyUnitNames)
		}
		g.add(u, role{kind: rQtyUnit, val: u})
		for _, w := range d.QtyUnits[u] {
			g.add(w, role{kind: rQtyUnit, val: u})
		}
	}
	if err := g.addSpecies(d); err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(d.SpecWords)) {
		if !matching.IsSpecKey(k) {
			return nil, fmt.Errorf("spec words for unknown spec key %q", k)
		}
		for _, w := range d.SpecWords[k] {
			g.add(w, role{kind: rSpecKey, val: k})
		}
	}
	for _, a := range slices.Sorted(maps.Keys(d.Attrs)) {
		g.add(a, role{kind: rAttr, val: a})
	}
	for _, a := range slices.Sorted(maps.Keys(d.AttrAliases)) {
		if _, ok := d.Attrs[a]; !ok {
			return nil, fmt.Errorf("aliases for unknown attribute %q", a)
		}
		for _, w := range d.AttrAliases[a] {
			g.add(w, role{kind: rAttr, val: a})
		}
	}
	for _, t := range slices.Sorted(maps.Keys(d.WenjiangTowns)) {
		g.add(t, role{kind: rTown, val: t})
		for _, w := range d.WenjiangTowns[t] {
			g.add(w, role{kind: rTown, val: t})
		}
	}
	if err := g.addVillages(d); err != nil {
		return nil, err
	}
	for i, p := range g.places {
		if len(p.Names) == 0 || p.City == "" {
			return nil, fmt.Errorf("place %d has no name or city", i)
		}
		for _, w := range p.Names {
			g.add(w, role{kind: rPlace, n: i})
		}
	}
	g.buildPinyin()
	g.order = nil
	g.addDivisions()
	return g, nil
}

// add registers one word (normalized like a text) with a role.
func (g *Grammar) add(word string, r role) {
	w := normalize(cleanWord(word), g.t2s)
	if w == "" {
		return
	}
	if g.dict.lookup(w) == nil {
		g.order = append(g.order, w)
	}
	g.dict.add(w, r)
}

func (g *Grammar) addWords(words string, r role) {
	for _, w := range strings.Fields(words) {
		g.add(w, r)
	}
}

func (g *Grammar) addSpecies(d LexiconData) error {
	names := slices.Sorted(maps.Keys(d.Species))
	varietyOwners := map[string][]string{}
	for _, sp := range names {
		for _, v := range d.Species[sp].Varieties {
			v = cleanWord(v)
			if !slices.Contains(varietyOwners[v], sp) {
				varietyOwners[v] = append(varietyOwners[v], sp)
			}
		}
	}
	for _, sp := range names {
		g.add(sp, role{kind: rSpecies, val: sp})
	}
	for _, sp := range names {
		e := d.Species[sp]
		for _, a := range append(slices.Clone(e.Aliases), d.ExtraAliases[sp]...) {
			a = cleanWord(a)
			r := role{kind: rSpecies, val: sp}
			for _, form := range []string{"球", "柱"} {
				if strings.HasSuffix(a, form) && !strings.HasSuffix(sp, form) {
					r.attr = form
				}
			}
			g.add(a, r)
		}
	}
	for _, sp := range slices.Sorted(maps.Keys(d.ExtraAliases)) {
		if _, ok := d.Species[sp]; !ok {
			return fmt.Errorf("extra aliases for unknown species %q", sp)
		}
	}
	for _, sp := range names {
		canon := canonicalVarieties(sp, d.Species[sp])
		for _, v := range d.Species[sp].Varieties {
			v = cleanWord(v)
			cv := canon[v]
			if len(varietyOwners[v]) == 1 && (strings.ContainsAny(v, sp) || utf8.RuneCountInString(v) >= 3) {
				g.add(v, role{kind: rSpecies, val: sp, aux: cv})
			} else {
				g.add(v, role{kind: rVariety, val: sp, aux: cv})
			}
		}
	}
	return nil
}

// canonicalVarieties maps every cultivar word of a species to the form the
// schema wants: a typo to the word it sounds like, 毛鹃 to 毛叶杜鹃 (an
// abbreviation keeping first and last character), 素心蜡梅 to 素心 (the
// cultivar word followed by the species name).
func canonicalVarieties(sp string, e SpeciesData) map[string]string {
	var list []string
	typo := map[string]bool{}
	for _, v := range e.Varieties {
		c := cleanWord(v)
		list = append(list, c)
		typo[c] = strings.Contains(v, "typo")
	}
	out := map[string]string{}
	for _, v := range list {
		c := v
		if typo[v] {
			for _, w := range list {
				if w != v && !typo[w] && samePinyin(v, w) {
					c = w
					break
				}
			}
		}
		cr := []rune(c)
		if len(cr) == 2 {
			for _, w := range list {
				wr := []rune(w)
				if len(wr) == 4 && wr[0] == cr[0] && wr[3] == cr[1] {
					c = w
				}
			}
		}
		for _, name := range append([]string{sp}, e.Aliases...) {
			name = cleanWord(name)
			if p, ok := strings.CutSuffix(c, name); ok && p != "" && slices.Contains(list, p) {
				c = p
			}
		}
		out[v] = c
	}
	return out
}

func samePinyin(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	for i := range ra {
		if ra[i] != rb[i] && !intersects(syllablesOf(ra[i]), syllablesOf(rb[i]), false) {
			return false
		}
	}
	return true
}

func (g *Grammar) addVillages(d LexiconData) error {
	for _, t := range slices.Sorted(maps.Keys(d.Villages)) {
		if _, ok := d.WenjiangTowns[t]; !ok {
			return fmt.Errorf("villages under unknown town %q", t)
		}
		for _, v := range d.Villages[t] {
			v = cleanWord(v)
			stem := villageStem(v)
			if stem == "" {
				continue
			}
			if !slices.Contains(g.villages[v], t) {
				g.villages[v] = append(g.villages[v], t)
			}
			forms := []string{v, stem + "村", stem + "社区"}
			if utf8.RuneCountInString(stem) >= 3 {
				forms = append(forms, stem)
			}
			for _, f := range forms {
				g.add(f, role{kind: rVillage, val: v})
			}
		}
	}
	return nil
}

// villageStem strips the 村/社区/组 suffix, as the scorer compares villages.
func villageStem(v string) string {
	for _, suf := range []string{"社区", "村", "组"} {
		v = strings.TrimSuffix(v, suf)
	}
	return v
}

// buildPinyin indexes every word of the dictionary by its toneless
// syllables. The first word to claim a key wins: plant and place names of
// two syllables or more first (huoji is 火棘, not 火急), then the grammar's
// words in order (qiu is 求), then words that only shadow others (银行).
func (g *Grammar) buildPinyin() {
	for pass := 0; pass < 3; pass++ {
		for _, w := range g.order {
			rs := []rune(w)
			han := true
			for _, r := range rs {
				han = han && isHan(r)
			}
			roles := g.dict.lookup(w)
			name := len(rs) >= 2 && (hasKind(roles, rSpecies) || hasKind(roles, rTown) || hasKind(roles, rPlace) || hasKind(roles, rVillage))
			switch {
			case !han,
				pass == 0 && !name,
				pass == 1 && isShadow(roles),
				pass == 2 && !isShadow(roles):
				continue
			}
			if pass == 0 || pass == 1 && !name {
				if roles != nil && (isFuzzyWorthy(roles) || len(rs) >= 3 && hasKind(roles, rAttr) || fuzzySides[w]) {
					g.addFuzzy(w, roles)
				}
			}
			for _, seq := range readingsOf(w, 4) {
				k := strings.Join(seq, " ")
				if _, ok := g.pinyin[k]; !ok {
					g.pinyin[k] = w
					g.pyMax = max(g.pyMax, len(seq))
				}
			}
		}
	}
}

// isShadow says whether a word only hides others or marks junk.
func isShadow(roles []role) bool {
	for _, r := range roles {
		if r.kind != rNeutral && r.kind != rJunk {
			return false
		}
	}
	return len(roles) > 0
}

func isFuzzyWorthy(roles []role) bool {
	for _, r := range roles {
		switch r.kind {
		case rSpecies, rVariety, rSpecKey, rTown, rVillage:
			return true
		}
	}
	return false
}

// fuzzySides are the side words worth catching when mistyped (求够, 出手 is already a word).
var fuzzySides = map[string]bool{"求购": true, "出售": true, "供应": true, "收购": true, "采购": true}

func hasKind(roles []role, k roleKind) bool {
	return slices.ContainsFunc(roles, func(r role) bool { return r.kind == k })
}

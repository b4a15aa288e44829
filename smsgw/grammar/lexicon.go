package grammar

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"huamu/smsgw/grammar/divisions"
)

//go:embed lexicon.json
var lexiconJSON []byte

//go:embed supplement.json
var supplementJSON []byte

// LexiconData is the vocabulary the grammar is built from. Its JSON shape is
// that of the corpus lexicon.json, plus fields clerks can extend without a
// release: villages, places outside 温江, extra species and attribute aliases,
// and spec words. Annotations such as "桂化(typo)" are accepted; the part in
// parentheses is ignored.
type LexiconData struct {
	Species            map[string]SpeciesData `json:"species"`
	WenjiangTowns      map[string][]string    `json:"wenjiang_towns"`
	Attrs              map[string]string      `json:"attrs"`
	SpecKeys           map[string]string      `json:"spec_keys"`
	QtyUnits           map[string][]string    `json:"qty_units"`
	UnparseableReasons map[string]string      `json:"unparseable_reasons,omitempty"`
	Commands           []string               `json:"commands,omitempty"`

	// Villages lists, per canonical 温江 town, village and community names with their 村/社区 suffix.
	Villages map[string][]string `json:"villages,omitempty"`
	// Places are cities, districts and towns outside 温江 that buyers name.
	Places []PlaceData `json:"places,omitempty"`
	// ExtraAliases maps a canonical species to aliases added after lexicon.json.
	ExtraAliases map[string][]string `json:"extra_aliases,omitempty"`
	// AttrAliases maps a canonical attribute (a key of Attrs) to the other ways it is written.
	AttrAliases map[string][]string `json:"attr_aliases,omitempty"`
	// SpecWords maps a spec key (a key of matching.Dimensions; New refuses
	// any other) to the words that introduce it. SpecKeys only describes the
	// keys, as the corpus lexicon does; the grammar does not read it.
	SpecWords map[string][]string `json:"spec_words,omitempty"`
	// PriceBands maps a canonical species to how the price index bands its
	// sizes, as clerks set it; the grammar does not read it.
	PriceBands map[string]PriceBandData `json:"price_bands,omitempty"`
}

// PriceBandData is a clerk's setting of a species' price bands: the spec
// the sizes are banded by, the bands' lower edges (in cm, or gallons), and
// whether each variety is indexed apart. Empty fields take the defaults.
type PriceBandData struct {
	Basis     string    `json:"basis,omitempty"`
	Edges     []float64 `json:"edges,omitempty"`
	ByVariety bool      `json:"by_variety,omitempty"`
}

// SpeciesData is one species of the lexicon: its aliases and cultivar words.
type SpeciesData struct {
	Aliases   []string `json:"aliases"`
	Varieties []string `json:"varieties"`
	Group     string   `json:"group,omitempty"`
	Latin     string   `json:"latin,omitempty"`
	Note      string   `json:"note,omitempty"`
}

// PlaceData is a place outside 温江: its names (official first) and where it lies.
// A place with Within is recognised only right after a name of that place
// (江北 only in 重庆江北).
type PlaceData struct {
	Names    []string `json:"names"`
	City     string   `json:"city"`
	District string   `json:"district,omitempty"`
	Town     string   `json:"town,omitempty"`
	Within   string   `json:"within,omitempty"`
	Province string   `json:"province,omitempty"`

	division divisions.Level // the row's level when it comes from the division table, else 0
}

// EmbeddedLexiconData returns the lexicon compiled into the binary: the corpus
// lexicon.json merged with this package's supplement.json.
func EmbeddedLexiconData() LexiconData {
	var d, s LexiconData
	if err := json.Unmarshal(lexiconJSON, &d); err != nil {
		panic(fmt.Sprintf("grammar: embedded lexicon.json: %v", err))
	}
	if err := json.Unmarshal(supplementJSON, &s); err != nil {
		panic(fmt.Sprintf("grammar: embedded supplement.json: %v", err))
	}
	d.Merge(s)
	return d
}

// Merge adds every entry of o to d; lists are unioned and o wins on descriptions.
func (d *LexiconData) Merge(o LexiconData) {
	if d.Species == nil {
		d.Species = map[string]SpeciesData{}
	}
	for k, v := range o.Species {
		cur := d.Species[k]
		cur.Aliases = union(cur.Aliases, v.Aliases)
		cur.Varieties = union(cur.Varieties, v.Varieties)
		if v.Group != "" {
			cur.Group = v.Group
		}
		if v.Latin != "" {
			cur.Latin = v.Latin
		}
		if v.Note != "" {
			cur.Note = v.Note
		}
		d.Species[k] = cur
	}
	d.WenjiangTowns = mergeLists(d.WenjiangTowns, o.WenjiangTowns)
	d.QtyUnits = mergeLists(d.QtyUnits, o.QtyUnits)
	d.Villages = mergeLists(d.Villages, o.Villages)
	d.ExtraAliases = mergeLists(d.ExtraAliases, o.ExtraAliases)
	d.AttrAliases = mergeLists(d.AttrAliases, o.AttrAliases)
	d.SpecWords = mergeLists(d.SpecWords, o.SpecWords)
	d.Attrs = mergeDesc(d.Attrs, o.Attrs)
	d.SpecKeys = mergeDesc(d.SpecKeys, o.SpecKeys)
	d.UnparseableReasons = mergeDesc(d.UnparseableReasons, o.UnparseableReasons)
	d.Commands = union(d.Commands, o.Commands)
	d.Places = append(d.Places, o.Places...)
	for k, v := range o.PriceBands { // a species' setting is replaced whole
		if d.PriceBands == nil {
			d.PriceBands = map[string]PriceBandData{}
		}
		d.PriceBands[k] = v
	}
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func mergeLists(a, b map[string][]string) map[string][]string {
	if a == nil && b == nil {
		return nil
	}
	out := make(map[string][]string, len(a)+len(b))
	for k, v := range a {
		out[k] = slices.Clone(v)
	}
	for k, v := range b {
		out[k] = union(out[k], v)
	}
	return out
}

func mergeDesc(a, b map[string]string) map[string]string {
	if a == nil && b == nil {
		return nil
	}
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// cleanWord drops an annotation such as "(typo)" and surrounding space.
func cleanWord(w string) string {
	if i := strings.IndexAny(w, "(（"); i >= 0 {
		w = w[:i]
	}
	return strings.TrimSpace(w)
}

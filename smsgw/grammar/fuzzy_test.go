package grammar

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/longbridgeapp/opencc"
	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestFuzzy_HomophoneTypos swaps each character of every species name for
// common characters that sound the same (紫薇 → 紫微, 十大功劳 → 十打功劳)
// and requires the plant to be recognised in a listing.
func TestFuzzy_HomophoneTypos(t *testing.T) {
	t.Parallel()
	g := Default()
	enc := simplifiedchinese.GBK.NewEncoder()
	common := func(r rune) bool {
		b, err := enc.Bytes([]byte(string(r)))
		return err == nil && len(b) == 2 && b[0] >= 0xB0 && b[0] <= 0xD7
	}
	bySyl := map[syl][]rune{}
	for r, ss := range runeSyls {
		if len(ss) == 1 && common(r) {
			bySyl[ss[0]] = append(bySyl[ss[0]], r)
		}
	}
	for _, v := range bySyl {
		slices.Sort(v)
	}
	total, ok := 0, 0
	for _, sp := range slices.Sorted(maps.Keys(EmbeddedLexiconData().Species)) {
		rs := []rune(sp)
		if len(rs) < 2 {
			continue
		}
		for i := range rs {
			ss := syllablesOf(rs[i])
			if len(ss) == 0 {
				continue
			}
			for k, h := range bySyl[ss[0]] {
				if h == rs[i] || k > 3 {
					continue
				}
				typo := append([]rune{}, rs...)
				typo[i] = h
				total++
				r := g.Parse("出售" + string(typo) + " 8公分 100棵")
				if r.Type == TypeListing && r.Items[0].Species == sp {
					ok++
				} else {
					t.Logf("missed %s for %s", string(typo), sp)
				}
			}
		}
	}
	if total < 1000 || ok*100 < total*98 {
		t.Errorf("homophone typos recognised: %d of %d", ok, total)
	}
}

// TestFuzzy_CommonWordsAreNotPlants guards against reading everyday words
// as the plants or places they sound like.
func TestFuzzy_CommonWordsAreNotPlants(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"【工商银行】您尾号1234的账户支出1000元", "出售 樟子松 10公分 100棵", "出售 月桂 100棵", "干净 整齐 100棵 出售"} {
		r := Default().Parse(s)
		if r.Type == TypeListing {
			t.Errorf("%s read as %s", s, r.Items[0].Species)
		}
	}
}

// TestTransliterate_EverySpecies types every species name in pinyin, run
// together and spaced, and requires it to be recognised.
func TestTransliterate_EverySpecies(t *testing.T) {
	t.Parallel()
	g := Default()
	a := pinyin.NewArgs()
	for _, sp := range slices.Sorted(maps.Keys(EmbeddedLexiconData().Species)) {
		syls := pinyin.LazyPinyin(sp, a)
		for _, py := range []string{strings.Join(syls, ""), strings.Join(syls, " ")} {
			r := g.Parse("chushou " + py + " 8gongfen 100ke")
			if r.Type != TypeListing || r.Items[0].Species != sp {
				t.Errorf("%q: got %+v, want %s", py, r, sp)
			}
		}
	}
}

// TestNormalize_EverySpeciesInTraditional writes every species name in
// traditional characters (as Taiwan and Hong Kong handsets do) and
// requires it to be recognised.
func TestNormalize_EverySpeciesInTraditional(t *testing.T) {
	t.Parallel()
	g := Default()
	for _, conv := range []string{"s2t", "s2tw", "s2hk"} {
		cc, err := opencc.New(conv)
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range slices.Sorted(maps.Keys(EmbeddedLexiconData().Species)) {
			text, _ := cc.Convert("求购" + sp + " 胸径8公分 100棵 价格面议 重庆")
			r := g.Parse(text)
			if r.Type != TypeListing || r.Items[0].Species != sp || !r.Items[0].Negotiable || r.Items[0].Spec.get("dbh_cm") == nil {
				t.Errorf("%s: got %+v", text, r)
			}
		}
	}
}

package grammar

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"huamu/matching"
)

// TestSpec_JSONInDisplayOrder: a spec writes its keys in the order of
// matching.Dimensions whatever order they were set in, with approx only
// where the text hedged, and an empty or nil spec as {}.
func TestSpec_JSONInDisplayOrder(t *testing.T) {
	var s Spec
	keys := matching.SpecKeys()
	for i := len(keys) - 1; i >= 0; i-- {
		v := float64(i)
		s.set(keys[i], Range{Range: matching.Range{Min: &v, Max: &v}, Approx: i == 0})
	}
	s.set("no_such_cm", Range{}) // no dimension's key: ignored
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	want.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			want.WriteString(",")
		}
		approx := ""
		if i == 0 {
			approx = `,"approx":true`
		}
		fmt.Fprintf(&want, `"%s":{"min":%d,"max":%d%s}`, k, i, i, approx)
	}
	want.WriteString("}")
	if string(b) != want.String() {
		t.Errorf("got  %s\nwant %s", b, want.String())
	}
	for _, empty := range []Spec{nil, {}} {
		if b, _ := json.Marshal(Item{Species: "桂花", Spec: empty}); !strings.Contains(string(b), `"spec":{}`) {
			t.Errorf("empty spec: %s", b)
		}
	}
	var back Spec
	if err := json.Unmarshal(b, &back); err != nil || len(back) != len(keys) || !back[keys[0]].Approx || back.get(keys[1]) == nil {
		t.Errorf("round trip: %v %+v", err, back)
	}
}

// TestSpec_ListingDropsOnlyApprox: the listing's spec has every key of
// the parse with its ends.
func TestSpec_ListingDropsOnlyApprox(t *testing.T) {
	r := Default().Parse("供 桂花 米径8公分左右 高3-4米 冠幅2米以上 3加仑 200株")
	if r.Type != TypeListing || len(r.Items) != 1 {
		t.Fatalf("%+v", r)
	}
	got := r.Items[0].Spec.Listing()
	if len(got) != len(r.Items[0].Spec) {
		t.Fatalf("%v from %v", got, r.Items[0].Spec)
	}
	for k, v := range r.Items[0].Spec {
		if got[k] != v.Range {
			t.Errorf("%s: %+v, want %+v", k, got[k], v.Range)
		}
	}
}

// TestItemSummary_WritesEveryDimension: a receipt echoes each dimension of
// matching.Dimensions the way the table says, with no code of its own.
func TestItemSummary_WritesEveryDimension(t *testing.T) {
	for _, d := range matching.Dimensions {
		v := 5.0
		it := Item{Species: "桂花", Spec: Spec{d.Key: {Range: matching.Range{Min: &v, Max: &v}}}}
		want := "桂花 " + d.Before + "5" + d.After
		if d.Kind != matching.Count {
			want += "cm"
		}
		if got := ItemSummary(it); got != want {
			t.Errorf("%s: %q, want %q", d.Key, got, want)
		}
	}
}

// TestParse_ReadsEveryDimension has a text for every dimension of
// matching.Dimensions and checks the grammar reads it under its key: a
// dimension added to the table fails here until it has a text, and the
// lexicon words that read it.
func TestParse_ReadsEveryDimension(t *testing.T) {
	texts := map[string]struct {
		text string
		min  float64
	}{
		matching.SpecDBH:     {"供 香樟 胸径12公分 100株", 12},
		matching.SpecD1M:     {"供 桂花 米径8公分 200株", 8},
		matching.SpecGround:  {"供 紫薇 地径5公分 300株", 5},
		matching.SpecDia:     {"供 香樟 12公分 100株", 12},
		matching.SpecHead:    {"供 苏铁 头径30公分 20株", 30},
		matching.SpecHeight:  {"供 红叶石楠 高1.5米 1000株", 150},
		matching.SpecCrown:   {"供 海桐球 冠幅1米 200株", 100},
		matching.SpecBranch:  {"供 樱花 分枝点1.5米 100株", 150},
		matching.SpecTrunk:   {"供 棕榈 杆高3米 50株", 300},
		matching.SpecBall:    {"供 桂花 土球60公分 100株", 60},
		matching.SpecLength:  {"供 爬山虎 藤长1米 1万株", 100},
		matching.SpecPot:     {"供 茶花 盆径30公分 100盆", 30},
		matching.SpecGallon:  {"供 红叶石楠 3加仑 500盆", 3},
		matching.SpecStems:   {"供 朴树 5杆 10丛", 5},
		matching.SpecAge:     {"供 迎春 3年生 5000棵", 3},
		matching.SpecDensity: {"供 麦冬 每平方36丛 2万平方", 36},
	}
	g := Default()
	for _, d := range matching.Dimensions {
		tc, ok := texts[d.Key]
		if !ok {
			t.Errorf("%s (%s): no text here that states it", d.Key, d.Name)
			continue
		}
		r := g.Parse(tc.text)
		if r.Type != TypeListing || len(r.Items) != 1 {
			t.Errorf("%s: %q is no listing of one item: %+v", d.Key, tc.text, r)
			continue
		}
		if got := r.Items[0].Spec.get(d.Key); got == nil || got.Min == nil || *got.Min != tc.min {
			b, _ := json.Marshal(r.Items[0].Spec)
			t.Errorf("%s: %q read as %s, want min %v", d.Key, tc.text, b, tc.min)
		}
	}
}

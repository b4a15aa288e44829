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

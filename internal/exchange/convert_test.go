package exchange

import (
	"testing"
	"time"

	"huamu/matching"
	"huamu/smsgw/grammar"
)

// TestListingsOf_KeepsEveryDimension hands the conversion an item that
// states every dimension of matching.Dimensions, so a dimension added to
// the table reaches the listing with no code of its own here.
func TestListingsOf_KeepsEveryDimension(t *testing.T) {
	spec := grammar.Spec{}
	for i, d := range matching.Dimensions {
		lo, hi := float64(i+1), float64(i+2)
		spec[d.Key] = grammar.Range{Range: matching.Range{Min: &lo, Max: &hi}, Approx: i%2 == 0}
	}
	r := grammar.Result{Type: grammar.TypeListing, Side: grammar.SideSupply,
		Items: []grammar.Item{{Species: "桂花", Spec: spec}}}
	ls := listingsOf(r, 7, "13800000001", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC))
	if len(ls) != 1 {
		t.Fatalf("%d listings", len(ls))
	}
	got := ls[0].Spec
	if len(got) != len(matching.Dimensions) {
		t.Errorf("%d dimensions kept of %d: %v", len(got), len(matching.Dimensions), got)
	}
	for i, d := range matching.Dimensions {
		r, ok := got[d.Key]
		if !ok || r.Min == nil || r.Max == nil || *r.Min != float64(i+1) || *r.Max != float64(i+2) {
			t.Errorf("%s (%s): %+v", d.Key, d.Name, r)
		}
	}
}

// TestListingsOf_ParsedSpecs parses texts whose items state several
// dimensions and checks each reaches its listing under its key.
func TestListingsOf_ParsedSpecs(t *testing.T) {
	g := grammar.Default()
	for _, tc := range []struct {
		text string
		want matching.Spec
	}{
		{"供 桂花 米径8公分 高3米 冠幅2米 土球60公分 200株", matching.Spec{matching.SpecD1M: matching.Exactly(8),
			matching.SpecHeight: matching.Exactly(300), matching.SpecCrown: matching.Exactly(200), matching.SpecBall: matching.Exactly(60)}},
		{"供 紫薇 地径5公分 分枝点1.5米 300株", matching.Spec{matching.SpecGround: matching.Exactly(5), matching.SpecBranch: matching.Exactly(150)}},
		{"供 红叶石楠 3加仑 500盆", matching.Spec{matching.SpecGallon: matching.Exactly(3)}},
		{"求购 香樟 8-10公分 100棵", matching.Spec{matching.SpecDia: matching.Between(8, 10)}},
	} {
		r := g.Parse(tc.text)
		if r.Type != grammar.TypeListing {
			t.Fatalf("%s: %+v", tc.text, r)
		}
		ls := listingsOf(r, 7, "13800000001", time.Now())
		if len(ls) != 1 {
			t.Fatalf("%s: %d listings", tc.text, len(ls))
		}
		if !sameSpec(ls[0].Spec, tc.want) {
			t.Errorf("%s: spec %v, want %v", tc.text, ls[0].Spec.Values(), tc.want.Values())
		}
	}
}

func sameSpec(a, b matching.Spec) bool {
	if len(a) != len(b) {
		return false
	}
	eq := func(x, y *float64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	for k, r := range a {
		o, ok := b[k]
		if !ok || !eq(r.Min, o.Min) || !eq(r.Max, o.Max) {
			return false
		}
	}
	return true
}

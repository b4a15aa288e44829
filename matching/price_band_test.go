package matching

import (
	"math"
	"testing"
)

func TestBandOf_EdgesBelongToTheBandTheyStart(t *testing.T) {
	t.Parallel()
	edges := DefaultBandEdges(SpecD1M) // 3 4 5 6 7 8 10 12 15 …
	for _, tc := range []struct {
		name  string
		spec  Spec
		label string
		rng   string
	}{
		{"OnAnEdge", Spec{SpecD1M: Exactly(8)}, "8cm", "8–10cm"},
		{"BetweenEdges", Spec{SpecD1M: Exactly(9)}, "8cm", "8–10cm"},
		{"JustBelowTheNext", Spec{SpecD1M: Exactly(9.99)}, "8cm", "8–10cm"},
		{"RangeByItsMiddle", Spec{SpecD1M: Between(8, 12)}, "10cm", "10–12cm"},
		{"OpenRangeByItsEnd", Spec{SpecD1M: {Min: f64(15)}}, "15cm", "15–18cm"},
		{"UpToByItsEnd", Spec{SpecD1M: {Max: f64(5)}}, "5cm", "5–6cm"},
		{"BelowTheFirstEdge", Spec{SpecD1M: Exactly(2)}, "3cm以下", "3cm以下"},
		{"AboveTheLastEdge", Spec{SpecD1M: Exactly(80)}, "50cm", "50cm以上"},
		{"BareDiameterIsTheBasis", Spec{SpecDia: Exactly(8)}, "8cm", "8–10cm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			size, ok := sizeOn(tc.spec, SpecD1M)
			if !ok {
				t.Fatalf("no size on 米径 in %v", tc.spec)
			}
			b := bandOf(SpecD1M, edges, size)
			if b.Label() != tc.label || b.RangeLabel() != tc.rng {
				t.Errorf("band of %v: %q / %q, want %q / %q", size, b.Label(), b.RangeLabel(), tc.label, tc.rng)
			}
		})
	}
}

func TestSizeOn_AnotherLabelledDiameterIsNoSizeOnTheBasis(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		spec  Spec
		basis string
		ok    bool
	}{
		{"DBHIsNotD1M", Spec{SpecDBH: Exactly(8)}, SpecD1M, false},
		{"BareWhenNoLabelledOne", Spec{SpecDia: Exactly(8)}, SpecDBH, true},
		{"LabelledOneWinsOverBare", Spec{SpecDBH: Exactly(8), SpecDia: Exactly(9)}, SpecD1M, false},
		{"HeightIsNoDiameter", Spec{SpecDia: Exactly(8)}, SpecHeight, false},
		{"Crown", Spec{SpecCrown: Exactly(100)}, SpecCrown, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := sizeOn(tc.spec, tc.basis); ok != tc.ok {
				t.Errorf("sizeOn(%v, %s) ok=%v, want %v", tc.spec, tc.basis, ok, tc.ok)
			}
		})
	}
}

func TestBand_LabelsPerBasis(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		basis  string
		size   float64
		label  string
		ranged string
	}{
		{SpecCrown, 120, "冠幅1.2m", "冠幅1.2–1.5m"},
		{SpecCrown, 90, "冠幅80cm", "冠幅80cm–1m"},
		{SpecHeight, 35, "高30cm", "高30–40cm"},
		{SpecHeight, 600, "高5m", "高5m以上"},
		{SpecGallon, 3, "3加仑", "3–5加仑"},
		{SpecHead, 150, "头径80cm", "头径80cm以上"},
		{SpecGround, 0.5, "1cm以下", "1cm以下"},
	} {
		b := bandOf(tc.basis, DefaultBandEdges(tc.basis), tc.size)
		if b.Label() != tc.label || b.RangeLabel() != tc.ranged {
			t.Errorf("%s %v: %q / %q, want %q / %q", tc.basis, tc.size, b.Label(), b.RangeLabel(), tc.label, tc.ranged)
		}
	}
	// 地径 is a diameter: no name before it, like 米径.
	if got := bandOf(SpecGround, DefaultBandEdges(SpecGround), 5).Label(); got != "5cm" {
		t.Errorf("地径 5: %q", got)
	}
}

func TestChooseBasis_WhatMostPricesStateDiametersFirst(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		specs []Spec
		want  string
	}{
		{"NothingIsD1M", nil, SpecD1M},
		{"BareDiameterVotesD1M", []Spec{{SpecDia: Exactly(8)}, {SpecDBH: Exactly(8)}}, SpecD1M},
		{"LabelledDBHMajority", []Spec{{SpecDBH: Exactly(8)}, {SpecDBH: Exactly(10)}, {SpecDia: Exactly(8)}}, SpecDBH},
		{"ShrubsByCrown", []Spec{{SpecCrown: Exactly(100), SpecHeight: Exactly(80)}, {SpecCrown: Exactly(120)}}, SpecCrown},
		{"TieGoesToTheEarlierBasis", []Spec{{SpecGround: Exactly(5)}, {SpecHeight: Exactly(200)}}, SpecGround},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ChooseBasis(tc.specs); got != tc.want {
				t.Errorf("ChooseBasis = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCheckBandEdges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edges []float64
		ok    bool
	}{
		{"Ascending", []float64{4, 6, 8, 10}, true},
		{"One", []float64{8}, true},
		{"Empty", nil, false},
		{"Descending", []float64{8, 6}, false},
		{"Repeated", []float64{6, 6}, false},
		{"Zero", []float64{0, 4}, false},
		{"NaN", []float64{math.NaN()}, false},
		{"Huge", []float64{1e9}, false},
		{"TooMany", make([]float64, MaxBandEdges+1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckBandEdges(tc.edges)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckBandEdges(%v) = %v", tc.edges, err)
			}
			if err != nil && (ErrorCodeOf(err) != CodeInvalid || ChineseMessage(err) == "") {
				t.Errorf("error %v is no Chinese invalid", err)
			}
		})
	}
}

func TestBasisNames_FromTheDimensions(t *testing.T) {
	want := map[string][2]string{ // basis: name in a band label, title on a page
		SpecD1M: {"", "米径"}, SpecDBH: {"", "胸径"}, SpecGround: {"", "地径"}, SpecHead: {"头径", "头径"},
		SpecCrown: {"冠幅", "冠幅"}, SpecHeight: {"高", "高"}, SpecTrunk: {"杆高", "杆高"}, SpecLength: {"藤长", "藤长"},
		SpecPot: {"盆径", "盆径"}, SpecGallon: {"", "加仑"},
	}
	for _, b := range BandBases {
		if got := [2]string{BasisName(b), BasisTitle(b)}; got != want[b] {
			t.Errorf("%s: %q, want %q", b, got, want[b])
		}
	}
	for _, k := range []string{"", SpecDia, SpecBranch, SpecStems, "no_such_cm"} {
		if BasisName(k) != "" || BasisTitle(k) != "" {
			t.Errorf("%q is no basis but is named %q / %q", k, BasisName(k), BasisTitle(k))
		}
	}
}

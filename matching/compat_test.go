package matching

import (
	"testing"
)

func TestCompatible_Rules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s, d Listing
		why  string // "" means compatible
	}{
		{"PlainMatch", supply(), demand(), ""},
		{"RejectsSupplyAsDemand", supply(func(l *Listing) { l.Side = Demand }), demand(), "side"},
		{"RejectsDemandAsSupply", supply(), demand(func(l *Listing) { l.Side = Supply }), "side"},
		{"RejectsCancelledOffer", supply(func(l *Listing) { l.State = ListingCancelled }), demand(), "state"},
		{"RejectsFilledOffer", supply(func(l *Listing) { l.State = ListingFilled }), demand(), "state"},
		{"RejectsExpiredDemand", supply(), demand(func(l *Listing) { l.State = ListingExpired }), "state"},
		{"RejectsOwnListing", supply(func(l *Listing) { l.MemberID = 20 }), demand(), "member"},
		{"RejectsOtherSpecies", supply(func(l *Listing) { l.Species = "天竺桂" }), demand(), "species"},
		{"RejectsEmptySpecies", supply(func(l *Listing) { l.Species = "" }), demand(func(l *Listing) { l.Species = "" }), "species"},

		{"VarietySame", supply(func(l *Listing) { l.Variety = "金桂" }), demand(func(l *Listing) { l.Variety = "金桂" }), ""},
		{"VarietyDifferentExcludes", supply(func(l *Listing) { l.Variety = "银桂" }), demand(func(l *Listing) { l.Variety = "金桂" }), "variety"},
		{"VarietySilentSupplyCompatible", supply(), demand(func(l *Listing) { l.Variety = "金桂" }), ""},
		{"VarietyOnlyInSupplyCompatible", supply(func(l *Listing) { l.Variety = "金桂" }), demand(), ""},

		{"UnitsDifferExcludes", supply(func(l *Listing) { l.Qty.Unit = "盆"; l.Price.Per = "盆" }), demand(), "unit"},
		{"DemandWithoutUnitAcceptsAny", supply(func(l *Listing) { l.Qty.Unit = "平方米"; l.Price.Per = "平方米" }), demand(func(l *Listing) { l.Qty = Qty{} }), ""},
		{"DemandUnitFromPrice", supply(func(l *Listing) { l.Qty.Unit = "盆"; l.Price.Per = "盆" }),
			demand(func(l *Listing) { l.Qty = Qty{}; l.Price = &Price{Max: decp("700"), Per: "株"} }), "unit"},

		{"AttrOpposedFullCrownVsPollarded", supply(withAttrs("截杆")), demand(withAttrs("全冠")), "attr 全冠 opposed by 截杆"},
		{"AttrOpposedPollardedVsFullCrown", supply(withAttrs("全冠")), demand(withAttrs("截杆")), "attr 截杆 opposed by 全冠"},
		{"AttrOpposedSingleVsClump", supply(withAttrs("丛生")), demand(withAttrs("独杆")), "attr 独杆 opposed by 丛生"},
		{"AttrOpposedClumpVsStandard", supply(withAttrs("高杆")), demand(withAttrs("丛生")), "attr 丛生 opposed by 高杆"},
		{"AttrOpposedBallVsBareRoot", supply(withAttrs("裸根")), demand(withAttrs("带土球")), "attr 带土球 opposed by 裸根"},
		{"AttrOpposedGraftedVsSeedGrown", supply(withAttrs("实生")), demand(withAttrs("嫁接")), "attr 嫁接 opposed by 实生"},
		{"AttrOpposedContainerVsField", supply(withAttrs("地苗")), demand(withAttrs("容器苗")), "attr 容器苗 opposed by 地苗"},
		{"AttrSame", supply(withAttrs("全冠", "带土球")), demand(withAttrs("全冠")), ""},
		{"AttrImpliedStandardIsSingleTrunk", supply(withAttrs("高杆")), demand(withAttrs("独杆")), ""},
		{"AttrImpliedBagIsContainer", supply(withAttrs("袋苗")), demand(withAttrs("容器苗")), ""},
		{"AttrSilentSupplyCompatible", supply(), demand(withAttrs("全冠", "带土球")), ""},
		{"AttrFormMustBeStated", supply(), demand(withAttrs("球")), "attr 球 missing"},
		{"AttrFormBallVsColumn", supply(withAttrs("柱")), demand(withAttrs("球")), "attr 球 opposed by 柱"},
		{"AttrClearanceInDemandIgnored", supply(), demand(withAttrs("处理")), ""},
		{"AttrOnlyInSupplyCompatible", supply(withAttrs("截杆")), demand(), ""},

		{"PriceAskBelowBid", supply(), demand(withPrice(perUnit("", "650"))), ""},
		{"PriceAskEqualsBid", supply(), demand(withPrice(perUnit("600", "600"))), ""},
		{"PriceAskAboveBidExcludes", supply(withPrice(perUnit("700", "700"))), demand(withPrice(perUnit("", "650"))), "price: ask 700.00 > bid 650.00"},
		{"PriceAskIsRangeLowEnd", supply(withPrice(perUnit("600", "800"))), demand(withPrice(perUnit("", "650"))), ""},
		{"PriceAskIsMaxWhenOnlyMax", supply(withPrice(perUnit("", "700"))), demand(withPrice(perUnit("", "650"))), "price: ask 700.00 > bid 650.00"},
		{"PriceBidIsRangeHighEnd", supply(withPrice(perUnit("640", "640"))), demand(withPrice(perUnit("500", "650"))), ""},
		{"PriceBidIsMinWhenOnlyMin", supply(withPrice(perUnit("660", "660"))), demand(withPrice(perUnit("650", ""))), "price: ask 660.00 > bid 650.00"},
		{"PriceCentsCompareExactly", supply(withPrice(perUnit("0.81", "0.81"))), demand(withPrice(perUnit("", "0.80"))), "price: ask 0.81 > bid 0.80"},
		{"PriceNegotiableSupplyCompatible", supply(withPrice(perUnit("700", "700")), func(l *Listing) { l.Negotiable = true }), demand(withPrice(perUnit("", "650"))), ""},
		{"PriceNegotiableDemandCompatible", supply(withPrice(perUnit("700", "700"))), demand(withPrice(perUnit("", "650")), func(l *Listing) { l.Negotiable = true }), ""},
		{"PriceLumpSumCompatible", supply(withPrice(lump("90000"))), demand(withPrice(perUnit("", "100"))), ""},
		{"PriceDemandSilentCompatible", supply(withPrice(perUnit("9999", "9999"))), demand(), ""},
		{"PriceSupplySilentCompatible", supply(withPrice(nil)), demand(withPrice(perUnit("", "1"))), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, why := Compatible(tc.s, tc.d)
			if ok != (tc.why == "") || why != tc.why {
				t.Fatalf("Compatible = %v, %q; want %v, %q", ok, why, tc.why == "", tc.why)
			}
		})
	}
}

// TestCompatible_SpecBases covers every diameter basis against every other,
// and the same-key rule for the other spec keys.
func TestCompatible_SpecBases(t *testing.T) {
	t.Parallel()
	type tc struct {
		name       string
		s, d       Spec
		why        string
		basisExact bool
		missing    int
	}
	var tests []tc
	for _, k := range []string{SpecDBH, SpecD1M, SpecGround} {
		tests = append(tests,
			tc{k + "/SameKeyOverlaps", Spec{k: Exactly(9)}, Spec{k: Between(8, 10)}, "", true, 0},
			tc{k + "/SameKeyDisjoint", Spec{k: Exactly(12)}, Spec{k: Between(8, 10)}, "spec " + k + ": no overlap", true, 0},
			tc{k + "/AcceptsDiaButRanksLower", Spec{SpecDia: Exactly(9)}, Spec{k: Between(8, 10)}, "", false, 0},
			tc{k + "/DiaMustOverlap", Spec{SpecDia: Exactly(11)}, Spec{k: Between(8, 10)}, "spec " + k + ": no overlap", false, 0},
			tc{k + "/NoDiameterExcludes", Spec{SpecHeight: Exactly(300)}, Spec{k: Between(8, 10)}, "spec " + k + ": no diameter", true, 0},
			tc{k + "/SameKeyPreferredOverDia", Spec{k: Exactly(9), SpecDia: Exactly(30)}, Spec{k: Between(8, 10)}, "", true, 0},
			tc{"Dia/Accepts" + k + "ButRanksLower", Spec{k: Exactly(9)}, Spec{SpecDia: Between(8, 10)}, "", false, 0},
			tc{"Dia/" + k + "MustOverlap", Spec{k: Exactly(7)}, Spec{SpecDia: Between(8, 10)}, "spec dia_cm: no overlap", true, 0},
		)
		for _, other := range []string{SpecDBH, SpecD1M, SpecGround} {
			if other != k {
				tests = append(tests, tc{k + "/RejectsOtherBasis" + other, Spec{other: Exactly(9)}, Spec{k: Between(8, 10)},
					"spec " + k + ": other basis", true, 0})
			}
		}
	}
	for _, k := range []string{SpecHead, SpecHeight, SpecCrown, SpecBranch, SpecTrunk, SpecBall, SpecLength, SpecPot, SpecGallon, SpecStems, SpecAge, SpecDensity} {
		tests = append(tests,
			tc{k + "/SameKeyOverlaps", Spec{SpecDia: Exactly(9), k: Exactly(3)}, Spec{k: Between(2, 4)}, "", true, 0},
			tc{k + "/Disjoint", Spec{SpecDia: Exactly(9), k: Exactly(5)}, Spec{k: Between(2, 4)}, "spec " + k + ": no overlap", true, 0},
			tc{k + "/SilentSupplyRanksLower", Spec{SpecDia: Exactly(9)}, Spec{k: Between(2, 4)}, "", true, 1},
		)
	}
	tests = append(tests,
		tc{"Dia/SameKey", Spec{SpecDia: Exactly(9)}, Spec{SpecDia: Between(8, 10)}, "", true, 0},
		tc{"Dia/NoDiameter", Spec{SpecHeight: Exactly(300)}, Spec{SpecDia: Between(8, 10)}, "spec dia_cm: no diameter", true, 0},
		tc{"Dia/FirstOverlappingBasisCounts", Spec{SpecD1M: Exactly(12), SpecGround: Exactly(9)}, Spec{SpecDia: Between(8, 10)}, "", false, 0},
		tc{"Dia/OpenUpperEnd", Spec{SpecDia: Exactly(20)}, Spec{SpecDia: {Min: f64(15)}}, "", true, 0},
		tc{"Dia/OpenUpperEndBelow", Spec{SpecDia: Exactly(10)}, Spec{SpecDia: {Min: f64(15)}}, "spec dia_cm: no overlap", true, 0},
		tc{"Dia/OpenLowerEnd", Spec{SpecDia: Between(3, 5)}, Spec{SpecDia: {Max: f64(4)}}, "", true, 0},
		tc{"EmptyDemandSpecAcceptsAll", Spec{SpecHeight: Exactly(100)}, nil, "", true, 0},
		tc{"ZeroRangeInDemandIgnored", Spec{}, Spec{SpecHeight: {}}, "", true, 0},
		tc{"FirstFailureBySortedKey", Spec{SpecDia: Exactly(1), SpecHeight: Exactly(1)}, Spec{SpecDia: Exactly(9), SpecHeight: Exactly(300)}, "spec dia_cm: no overlap", true, 0},
		tc{"SeveralKeysMissingCount", Spec{SpecDia: Exactly(9)}, Spec{SpecDia: Exactly(9), SpecHeight: Exactly(300), SpecCrown: Exactly(200)}, "", true, 2},
	)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, d := supply(withSpec(tc.s)), demand(withSpec(tc.d))
			ok, why := Compatible(s, d)
			if ok != (tc.why == "") || why != tc.why {
				t.Fatalf("Compatible = %v, %q; want %q", ok, why, tc.why)
			}
			if !ok {
				return
			}
			f := Fit(s, d)
			if f.BasisExact != tc.basisExact || f.SpecMissing != tc.missing {
				t.Fatalf("Fit = %+v; want BasisExact %v, SpecMissing %d", f, tc.basisExact, tc.missing)
			}
		})
	}
}

func TestCompatible_DiaAcceptsLabelledDiameterButRanksLower(t *testing.T) {
	t.Parallel()
	d := demand(withSpec(Spec{SpecDia: Between(8, 10)}))
	exact := supply(withSpec(Spec{SpecDia: Exactly(9)}))
	labelled := supply(withSpec(Spec{SpecD1M: Exactly(9)}))
	for _, s := range []Listing{exact, labelled} {
		if ok, why := Compatible(s, d); !ok {
			t.Fatalf("Compatible(%v) = false, %q", s.Spec, why)
		}
	}
	if c := Fit(exact, d).Compare(Fit(labelled, d)); c >= 0 {
		t.Fatalf("exact basis should rank first, Compare = %d", c)
	}
}

func TestCompatible_LabelledDemandAcceptsDiaButRanksLower(t *testing.T) {
	t.Parallel()
	d := demand(withSpec(Spec{SpecDBH: Between(8, 10)}))
	exact := supply(withSpec(Spec{SpecDBH: Exactly(9)}))
	dia := supply(withSpec(Spec{SpecDia: Exactly(9)}))
	if ok, why := Compatible(dia, d); !ok {
		t.Fatalf("dia should serve a 胸径 demand: %q", why)
	}
	if Fit(exact, d).Compare(Fit(dia, d)) >= 0 {
		t.Fatal("exact 胸径 should rank before an unlabelled diameter")
	}
}

func TestFit_Scores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s, d Listing
		want FitScore
	}{
		{"PerfectFit", supply(withSpec(Spec{SpecDia: Exactly(9)})), demand(),
			FitScore{VarietyExact: true, BasisExact: true, Inside: 1000}},
		{"VarietySilent", supply(), demand(func(l *Listing) { l.Variety = "金桂" }),
			FitScore{VarietyExact: false, BasisExact: true, Inside: 1000}},
		{"HalfInside", supply(withSpec(Spec{SpecDia: Between(6, 10)})), demand(),
			FitScore{VarietyExact: true, BasisExact: true, Inside: 500}},
		{"OpenEndedSupplyPartlyInside", supply(withSpec(Spec{SpecDia: {Min: f64(9)}})), demand(),
			FitScore{VarietyExact: true, BasisExact: true, Inside: 500}},
		{"PointDemandInsideRange", supply(withSpec(Spec{SpecDia: Between(8, 12)})), demand(withSpec(Spec{SpecDia: Exactly(10)})),
			FitScore{VarietyExact: true, BasisExact: true, Inside: 0}},
		{"AveragedOverKeys", supply(withSpec(Spec{SpecDia: Exactly(9), SpecHeight: Between(200, 400)})),
			demand(withSpec(Spec{SpecDia: Between(8, 10), SpecHeight: Between(300, 500)})),
			FitScore{VarietyExact: true, BasisExact: true, Inside: 750}},
		{"AttrMissingCounted", supply(withAttrs("全冠")), demand(withAttrs("全冠", "带土球", "精品")),
			FitScore{VarietyExact: true, BasisExact: true, AttrMissing: 2, Inside: 1000}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Fit(tc.s, tc.d); got != tc.want {
				t.Fatalf("Fit = %+v; want %+v", got, tc.want)
			}
		})
	}
}

func TestFitScore_CompareOrdersFieldsByImportance(t *testing.T) {
	t.Parallel()
	best := FitScore{VarietyExact: true, BasisExact: true, Inside: 1000}
	worse := []FitScore{
		{VarietyExact: true, BasisExact: true, Inside: 999},
		{VarietyExact: true, BasisExact: true, AttrMissing: 1, Inside: 1000},
		{VarietyExact: true, BasisExact: true, SpecMissing: 1, Inside: 1000},
		{VarietyExact: true, BasisExact: false, Inside: 1000},
		{VarietyExact: false, BasisExact: true, Inside: 1000},
	}
	prev := best
	for i, w := range worse {
		if prev.Compare(w) >= 0 || w.Compare(prev) <= 0 {
			t.Fatalf("step %d: %+v should beat %+v", i, prev, w)
		}
		// Each step outranks everything after it, whatever those have better.
		for _, later := range worse[i+1:] {
			if w.Compare(later) >= 0 {
				t.Fatalf("%+v should beat %+v", w, later)
			}
		}
		prev = w
	}
	if best.Compare(best) != 0 {
		t.Fatal("a fit should equal itself")
	}
}

func TestOpposed_IsSymmetricAndIrreflexive(t *testing.T) {
	t.Parallel()
	for _, g := range opposedAttrs {
		for _, a := range g {
			if Opposed(a, a) {
				t.Errorf("%s opposes itself", a)
			}
			for _, b := range g {
				if a != b && (!Opposed(a, b) || !Opposed(b, a)) {
					t.Errorf("%s and %s should oppose both ways", a, b)
				}
			}
		}
	}
	if Opposed("全冠", "带土球") {
		t.Error("全冠 and 带土球 are compatible")
	}
}

func TestListing_AskBidUnit(t *testing.T) {
	t.Parallel()
	s := supply(withPrice(&Price{Min: decp("1.10"), Max: decp("1.50")}), func(l *Listing) { l.Qty.Unit = "" })
	if ask, _ := s.Ask(); !ask.Equal(dec("1.10")) {
		t.Errorf("Ask = %s", ask)
	}
	if bid, _ := s.Bid(); !bid.Equal(dec("1.50")) {
		t.Errorf("Bid = %s", bid)
	}
	if s.Unit() != "" || s.PriceUnit() != "" {
		t.Errorf("Unit = %q, PriceUnit = %q", s.Unit(), s.PriceUnit())
	}
	s.Price.Per = "盆"
	if s.Unit() != "盆" {
		t.Errorf("Unit from price = %q", s.Unit())
	}
	if _, ok := supply(withPrice(lump("100"))).Ask(); ok {
		t.Error("a lump sum has no per-unit ask")
	}
}

package matching

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func ids(ms []Match) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Offer.ID
	}
	return out
}

func listingIDs(ls []Listing) []int64 {
	out := make([]int64, len(ls))
	for i, l := range ls {
		out[i] = l.ID
	}
	return out
}

func TestRankOffers_PriceFirstThenLumpSumThenUnpriced(t *testing.T) {
	t.Parallel()
	d := demand()
	offers := []Listing{
		supply(withID(1), withPrice(nil), func(l *Listing) { l.Negotiable = true }),
		supply(withID(2), withPrice(lump("130000"))), // 650/株 implied
		supply(withID(3), withPrice(perUnit("650", "650"))),
		supply(withID(4), withPrice(perUnit("600", "700"))),
		supply(withID(5), withPrice(lump("100000"))), // 500/株 implied
		supply(withID(6), withPrice(perUnit("599.99", "599.99")), func(l *Listing) { l.Negotiable = true }),
	}
	got := ids(RankOffers(d, offers, t0))
	want := []int64{6, 4, 3, 5, 2, 1}
	if !slices.Equal(got, want) {
		t.Fatalf("order = %v; want %v", got, want)
	}
}

func TestRankOffers_FitBreaksPriceTies(t *testing.T) {
	t.Parallel()
	d := demand(func(l *Listing) { l.Variety = "金桂"; l.Attrs = []string{"全冠"} })
	offers := []Listing{
		supply(withID(1)), // variety silent
		supply(withID(2), func(l *Listing) { l.Variety = "金桂" }, withSpec(Spec{SpecD1M: Exactly(9)})),                      // basis inexact
		supply(withID(3), func(l *Listing) { l.Variety = "金桂" }, withAttrs("全冠"), withSpec(Spec{SpecDia: Exactly(9)})),     // exact
		supply(withID(4), func(l *Listing) { l.Variety = "金桂" }, withSpec(Spec{SpecDia: Exactly(9)})),                      // attr missing
		supply(withID(5), func(l *Listing) { l.Variety = "金桂" }, withAttrs("全冠"), withSpec(Spec{SpecDia: Between(7, 10)})), // partly inside
	}
	got := ids(RankOffers(d, offers, t0))
	want := []int64{3, 5, 4, 2, 1}
	if !slices.Equal(got, want) {
		t.Fatalf("order = %v; want %v", got, want)
	}
}

func TestRankOffers_DistanceThenTimeThenID(t *testing.T) {
	t.Parallel()
	d := demand(func(l *Listing) {
		l.Location = &Location{City: "成都市", District: "温江区", Town: "万春镇", Village: "黄石社区"}
	})
	at := func(city, district, town, village string) func(*Listing) {
		return func(l *Listing) { l.Location = &Location{City: city, District: district, Town: town, Village: village} }
	}
	old := func(l *Listing) { l.CreatedAt = t0.Add(-72 * time.Hour) }
	offers := []Listing{
		supply(withID(1), func(l *Listing) { l.Location = nil }),
		supply(withID(2), at("重庆市", "江北区", "", "")),
		supply(withID(3), at("成都市", "郫都区", "友爱镇", "")),
		supply(withID(4), at("成都市", "温江区", "寿安镇", "")),
		supply(withID(5), at("成都市", "温江区", "万春镇", "")),
		supply(withID(6), at("成都市", "温江区", "万春镇", "黄石")),
		supply(withID(8), at("成都市", "温江区", "万春镇", "黄石社区")),
		supply(withID(7), at("成都市", "温江区", "万春镇", "黄石村"), old),
	}
	got := ids(RankOffers(d, offers, t0))
	want := []int64{7, 6, 8, 5, 4, 3, 1, 2}
	if !slices.Equal(got, want) {
		t.Fatalf("order = %v; want %v", got, want)
	}
}

func TestRankOffers_OnlyOpenCompatibleOffersWithStock(t *testing.T) {
	t.Parallel()
	d := demand()
	offers := []Listing{
		supply(withID(1)),
		supply(withID(2), func(l *Listing) { l.ExpiresAt = t0 }),                        // expires exactly now
		supply(withID(3), func(l *Listing) { l.State = ListingCancelled }),              // 取消
		supply(withID(4), func(l *Listing) { l.Remaining = 0 }),                         // sold out
		supply(withID(5), func(l *Listing) { l.Species = "香樟" }),                        // other species
		supply(withID(6), withAttrs("球")),                                               // compatible: demand asks no form
		supply(withID(7), withSpec(Spec{SpecDia: Exactly(20)})),                         // too big
		supply(withID(8), func(l *Listing) { l.Qty = Qty{Unit: "株"}; l.Remaining = 0 }), // quantity unstated
		supply(withID(9), func(l *Listing) { l.Side = Demand }),
	}
	got := ids(RankOffers(d, offers, t0))
	want := []int64{1, 6, 8}
	if !slices.Equal(got, want) {
		t.Fatalf("offers = %v; want %v", got, want)
	}
	if got := RankOffers(demand(func(l *Listing) { l.ExpiresAt = t0.Add(-time.Second) }), offers, t0); got != nil {
		t.Fatalf("an expired demand gets offers: %v", ids(got))
	}
	if got := RankOffers(demand(func(l *Listing) { l.Remaining = 0 }), offers, t0); got != nil {
		t.Fatalf("a filled demand gets offers: %v", ids(got))
	}
}

func TestRankOffers_PartialFillAcrossGrowers(t *testing.T) {
	t.Parallel()
	d := demand(withQty(500))
	offers := []Listing{
		supply(withID(1), withQty(200), withPrice(perUnit("600", "600"))),
		supply(withID(2), withQty(200), withPrice(perUnit("610", "610"))),
		supply(withID(3), withQty(150), withPrice(perUnit("620", "620"))),
		supply(withID(4), withQty(300), withPrice(perUnit("630", "630"))),
		supply(withID(5), func(l *Listing) { l.Qty = Qty{Unit: "株"}; l.Remaining = 0 }, withPrice(perUnit("500", "500"))),
	}
	ms := RankOffers(d, offers, t0)
	var fills []int64
	for _, m := range ms {
		fills = append(fills, m.Fill)
	}
	if want := []int64{0, 200, 200, 100, 0}; !slices.Equal(fills, want) || !slices.Equal(ids(ms), []int64{5, 1, 2, 3, 4}) {
		t.Fatalf("ids %v fills %v; want ids [5 1 2 3 4] fills %v", ids(ms), fills, want)
	}
	// A demand with no stated quantity takes all of every offer.
	open := demand(func(l *Listing) { l.Qty = Qty{}; l.Remaining = 0 })
	fills = fills[:0]
	for _, m := range RankOffers(open, offers, t0) {
		fills = append(fills, m.Fill)
	}
	if want := []int64{0, 200, 200, 150, 300}; !slices.Equal(fills, want) {
		t.Fatalf("unbounded fills %v; want %v", fills, want)
	}
}

func TestRankOffers_DeterministicWhateverTheInputOrder(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 7))
	d := demand(withPrice(nil))
	var offers []Listing
	for i := range 300 {
		offers = append(offers, randomListing(r, Supply, int64(i+1), []string{"桂花"}))
	}
	want := ids(RankOffers(d, offers, t0))
	if len(want) < 10 {
		t.Fatalf("only %d compatible offers; the generator should give more", len(want))
	}
	for range 30 {
		r.Shuffle(len(offers), func(i, j int) { offers[i], offers[j] = offers[j], offers[i] })
		if got := ids(RankOffers(d, offers, t0)); !slices.Equal(got, want) {
			t.Fatalf("order changed with input order:\n%v\n%v", got, want)
		}
	}
}

func TestDemandsForOffer_UrgentThenOldestThenID(t *testing.T) {
	t.Parallel()
	s := supply()
	demands := []Listing{
		demand(withID(1)),
		demand(withID(2), func(l *Listing) { l.Urgent = true }),
		demand(withID(3), func(l *Listing) { l.CreatedAt = t0.Add(-5 * time.Hour) }),
		demand(withID(4), func(l *Listing) { l.Species = "银杏" }),
		demand(withID(5), func(l *Listing) { l.State = ListingCancelled }),
		demand(withID(6), func(l *Listing) { l.ExpiresAt = t0.Add(-time.Minute) }),
		demand(withID(7), func(l *Listing) { l.Remaining = 0 }),
		demand(withID(8), withPrice(perUnit("", "500"))),
		demand(withID(0)),
		demand(withID(9), func(l *Listing) { l.MemberID = s.MemberID }),
	}
	got := listingIDs(DemandsForOffer(s, demands, t0))
	if want := []int64{2, 3, 0, 1}; !slices.Equal(got, want) {
		t.Fatalf("demands = %v; want %v", got, want)
	}
	if got := DemandsForOffer(supply(func(l *Listing) { l.State = ListingFilled }), demands, t0); got != nil {
		t.Fatalf("a closed offer is announced: %v", listingIDs(got))
	}
}

func TestDistance_Levels(t *testing.T) {
	t.Parallel()
	loc := func(c, d, t, v string) *Location { return &Location{City: c, District: d, Town: t, Village: v} }
	tests := []struct {
		name string
		a, b *Location
		want int
	}{
		{"SameVillageAfterSuffixes", loc("成都市", "温江区", "万春镇", "红旗村"), loc("成都市", "温江区", "万春镇", "红旗村3组"), SameVillage},
		{"VillageCommunitySuffix", loc("", "温江区", "万春镇", "黄石社区"), loc("成都市", "", "万春镇", "黄石"), SameVillage},
		{"SameVillageNameOtherTown", loc("成都市", "温江区", "万春镇", "红专"), loc("成都市", "温江区", "和盛镇", "红专"), SameDistrict},
		{"SameTown", loc("成都市", "温江区", "寿安镇", "百花"), loc("成都市", "温江区", "寿安镇", "苦竹"), SameTown},
		{"SameTownOneVillageUnknown", loc("成都市", "温江区", "寿安镇", ""), loc("成都市", "温江区", "寿安镇", "苦竹"), SameTown},
		{"SameTownNameOtherDistrict", loc("成都市", "温江区", "永宁街道", ""), loc("南京市", "浦口区", "永宁街道", ""), Elsewhere},
		{"SameDistrict", loc("成都市", "温江区", "寿安镇", ""), loc("成都市", "温江区", "和盛镇", ""), SameDistrict},
		{"SameCity", loc("成都市", "温江区", "", ""), loc("成都市", "郫都区", "友爱镇", ""), SameCity},
		{"OtherCity", loc("成都市", "温江区", "", ""), loc("重庆市", "江北区", "", ""), Elsewhere},
		{"Unknown", nil, loc("成都市", "", "", ""), Elsewhere},
		{"BothBlank", loc("", "", "", ""), loc("", "", "", ""), Elsewhere},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Distance(tc.a, tc.b); got != tc.want {
				t.Fatalf("Distance = %d; want %d", got, tc.want)
			}
			if got := Distance(tc.b, tc.a); got != tc.want {
				t.Fatalf("Distance reversed = %d; want %d", got, tc.want)
			}
		})
	}
}

// TestRankOffers_Property checks, on random books, that every match is an
// open compatible offer, that the order is the documented one and that the
// fills never exceed what either side has.
func TestRankOffers_Property(t *testing.T) {
	t.Parallel()
	species := []string{"桂花", "香樟", "银杏"}
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 99))
		d := randomListing(r, Demand, 1_000_000, species)
		var offers []Listing
		for i := range 60 {
			offers = append(offers, randomListing(r, Supply, int64(i+1), species))
		}
		ms := RankOffers(d, offers, t0)
		var total int64
		for i, m := range ms {
			if ok, why := Compatible(m.Offer, d); !ok || !m.Offer.Open(t0) {
				t.Fatalf("seed %d: ranked an offer that does not fit (%q)", seed, why)
			}
			if m.Fill < 0 || m.Fill > max(m.Offer.Remaining, 0) {
				t.Fatalf("seed %d: fill %d of an offer with %d", seed, m.Fill, m.Offer.Remaining)
			}
			total += m.Fill
			if i > 0 {
				a, b := ms[i-1], m
				ca, pa := priceKey(a.Offer)
				cb, pb := priceKey(b.Offer)
				if ca > cb || (ca == cb && pa.GreaterThan(pb)) {
					t.Fatalf("seed %d: price order broken at %d", seed, i)
				}
			}
		}
		if d.QtyKnown() && total > d.Remaining {
			t.Fatalf("seed %d: fills %d exceed the demand's %d", seed, total, d.Remaining)
		}
		n := 0
		for _, s := range offers {
			if ok, _ := Compatible(s, d); ok && s.Open(t0) && !s.soldOut() {
				n++
			}
		}
		if d.Open(t0) && !d.soldOut() && n != len(ms) {
			t.Fatalf("seed %d: %d compatible offers, %d ranked", seed, n, len(ms))
		}
	}
}

// randomListing makes a plausible listing: sizes, attributes, prices,
// places and times drawn from small sets so that matches happen.
func randomListing(r *rand.Rand, side Side, id int64, species []string) Listing {
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	l := Listing{
		ID: id, MemberID: 1 + r.Int64N(50), Side: side, Species: species[r.IntN(len(species))],
		State:     ListingOpen,
		CreatedAt: t0.Add(-time.Duration(r.IntN(30*24)) * time.Hour),
	}
	l.Phone = fmt.Sprintf("138%08d", l.MemberID)
	l.ExpiresAt = l.CreatedAt.Add(time.Duration(1+r.IntN(40*24)) * time.Hour)
	if r.IntN(10) == 0 {
		l.State = []ListingState{ListingFilled, ListingCancelled, ListingExpired}[r.IntN(3)]
	}
	if r.IntN(3) == 0 {
		l.Variety = pick([]string{"金桂", "银桂", "丹桂"})
	}
	lo := float64(4 + r.IntN(10))
	dia := Exactly(lo)
	if r.IntN(2) == 0 {
		dia = Between(lo, lo+float64(r.IntN(4)))
	}
	l.Spec = Spec{[]string{SpecDia, SpecDia, SpecD1M, SpecDBH, SpecGround}[r.IntN(5)]: dia}
	if r.IntN(3) == 0 {
		h := float64(200 + 50*r.IntN(6))
		l.Spec[SpecHeight] = Between(h, h+100)
	}
	for range r.IntN(3) {
		l.Attrs = append(l.Attrs, pick([]string{"全冠", "截杆", "独杆", "丛生", "带土球", "精品", "移栽", "高杆"}))
	}
	if r.IntN(8) != 0 {
		n := int64(10 * (1 + r.IntN(50)))
		l.Qty = Qty{Min: &n, Max: &n, Unit: "株"}
		l.Remaining = n - int64(r.IntN(int(n)+1))/2
	} else {
		l.Qty = Qty{Unit: "株"}
	}
	switch r.IntN(6) {
	case 0:
		l.Negotiable = true
	case 1:
		l.Price = lump(fmt.Sprintf("%d", 1000*(1+r.IntN(100))))
	case 2:
	default:
		p := fmt.Sprintf("%d.%02d", 100+r.IntN(900), r.IntN(100))
		l.Price = perUnit(p, p)
	}
	towns := []string{"万春镇", "寿安镇", "和盛镇", "永宁街道"}
	switch r.IntN(4) {
	case 0:
	case 1:
		l.Location = &Location{City: "成都市", District: "郫都区", Town: "友爱镇"}
	default:
		l.Location = &Location{City: "成都市", District: "温江区", Town: pick(towns), Village: pick([]string{"", "红旗", "黄石"})}
	}
	return l
}

// BenchmarkRankOffers matches one demand against 100,000 open offers of 120
// species, about 830 of them the demand's species.
func BenchmarkRankOffers(b *testing.B) {
	r := rand.New(rand.NewPCG(2025, 3))
	species := make([]string, 120)
	species[0] = "桂花"
	for i := 1; i < len(species); i++ {
		species[i] = fmt.Sprintf("树种%03d", i)
	}
	offers := make([]Listing, 100_000)
	for i := range offers {
		l := randomListing(r, Supply, int64(i+1), species)
		l.State, l.ExpiresAt = ListingOpen, t0.Add(24*time.Hour)
		offers[i] = l
	}
	d := demand(withSpec(Spec{SpecDia: Between(8, 10)}), withPrice(perUnit("", "800")))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(RankOffers(d, offers, t0))
	}
	b.ReportMetric(float64(n), "matches")
}

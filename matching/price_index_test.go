package matching

import (
	"strings"
	"testing"
	"time"
)

// pNow is the price tests' "now": Wednesday 2025-03-12 10:00 China time;
// its week starts Monday 2025-03-10.
var pNow = time.Date(2025, 3, 12, 10, 0, 0, 0, ChinaTime)

var pWeek = time.Date(2025, 3, 10, 0, 0, 0, 0, ChinaTime)

// deal is a 桂花 deal at size cm (米径), price, qty, by seller, weeksAgo
// weeks before pNow's week (on its Tuesday).
func deal(ref int64, size float64, price string, qty, seller int64, weeksAgo int) PriceObs {
	return PriceObs{Kind: PriceDeal, Ref: ref, Member: seller, Species: "桂花", Spec: Spec{SpecD1M: Exactly(size)},
		Unit: "株", Price: dec(price), Qty: qty, At: pWeek.AddDate(0, 0, 1-7*weeksAgo)}
}

// ask is an offer standing from posted to until.
func ask(ref int64, size float64, price string, posted, until time.Time) PriceObs {
	return PriceObs{Kind: PriceAsk, Ref: ref, Member: 100 + ref, Species: "桂花", Spec: Spec{SpecDia: Exactly(size)},
		Unit: "株", Price: dec(price), At: posted, Until: until}
}

func series(t *testing.T, ix PriceIndex, label string) PriceSeries {
	t.Helper()
	for _, s := range ix.Series {
		if s.Label() == label {
			return s
		}
	}
	var have []string
	for _, s := range ix.Series {
		have = append(have, s.Label())
	}
	t.Fatalf("no series %q in %v", label, have)
	return PriceSeries{}
}

func TestWeekStart_MondayInChinaTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		at   time.Time
		want time.Time
	}{
		{"Wednesday", pNow, pWeek},
		{"MondayMidnight", pWeek, pWeek},
		{"SundayLastSecond", pWeek.Add(-time.Second), pWeek.AddDate(0, 0, -7)},
		// Sunday 17:00 UTC is already Monday 01:00 in China.
		{"UTCSundayEvening", time.Date(2025, 3, 9, 17, 0, 0, 0, time.UTC), pWeek},
		{"AcrossAYear", time.Date(2025, 1, 1, 12, 0, 0, 0, ChinaTime), time.Date(2024, 12, 30, 0, 0, 0, 0, ChinaTime)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := WeekStart(tc.at); !got.Equal(tc.want) {
				t.Errorf("WeekStart(%v) = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
	if due := PriceBulletinDue(pNow); !due.Equal(pWeek.Add(8 * time.Hour)) {
		t.Errorf("bulletin due %v", due)
	}
}

func TestDealFigures_MedianWeightedMeanCountQuantity(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		deals        []PriceObs
		public       bool
		median, mean string
		qty          int64
		low, high    string
		sellers      int
	}{
		{"Odd", []PriceObs{deal(1, 8, "600", 100, 1, 0), deal(2, 8, "580", 300, 2, 0), deal(3, 8, "620", 100, 1, 0)},
			true, "600", "592", 500, "580", "620", 2},
		{"EvenTakesTheMiddleTwo", []PriceObs{deal(1, 8, "600", 1, 1, 0), deal(2, 8, "580", 1, 2, 0), deal(3, 8, "620", 1, 3, 0), deal(4, 8, "590.01", 1, 3, 0)},
			true, "595.01", "597.50", 4, "580", "620", 3},
		{"OneOddDealBarelyMovesTheMedian", []PriceObs{deal(1, 8, "600", 10, 1, 0), deal(2, 8, "610", 10, 2, 0), deal(3, 8, "6000", 10, 3, 0)},
			true, "610", "2403.33", 30, "600", "6000", 3},
		{"TwoDealsArePrivate", []PriceObs{deal(1, 8, "600", 100, 1, 0), deal(2, 8, "580", 100, 2, 0)},
			false, "", "", 0, "", "", 0},
		{"OneSellerIsPrivate", []PriceObs{deal(1, 8, "600", 100, 1, 0), deal(2, 8, "580", 100, 1, 0), deal(3, 8, "590", 100, 1, 0)},
			false, "", "", 0, "", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := dealFigures(tc.deals)
			if f.N != len(tc.deals) || f.Public != tc.public {
				t.Fatalf("N=%d public=%v, want %d %v", f.N, f.Public, len(tc.deals), tc.public)
			}
			if !tc.public {
				if f.Qty != 0 || !f.Median.IsZero() || !f.Mean.IsZero() || !f.Low.IsZero() || f.Sellers != 0 {
					t.Errorf("a private cell shows figures: %+v", f)
				}
				return
			}
			if !f.Median.Equal(dec(tc.median)) || !f.Mean.Equal(dec(tc.mean)) || f.Qty != tc.qty ||
				!f.Low.Equal(dec(tc.low)) || !f.High.Equal(dec(tc.high)) || f.Sellers != tc.sellers {
				t.Errorf("figures %+v, want median %s mean %s qty %d range %s-%s sellers %d",
					f, tc.median, tc.mean, tc.qty, tc.low, tc.high, tc.sellers)
			}
		})
	}
}

func TestBuildPriceIndex_WeeklyCellsAndTrend(t *testing.T) {
	t.Parallel()
	obs := []PriceObs{
		// four weeks before last: 8cm at 600 (pooled reference)
		deal(1, 8, "600", 100, 1, 4), deal(2, 8, "600", 100, 2, 3), deal(3, 8, "600", 100, 1, 2),
		// last week: 8cm at 610
		deal(4, 8, "610", 100, 1, 1), deal(5, 8, "610", 100, 2, 1), deal(6, 8, "620", 100, 3, 1),
		// this week: 8cm at 590; 10cm three deals from one seller (private)
		deal(7, 8, "590", 100, 1, 0), deal(8, 9, "590", 100, 2, 0), deal(9, 8.5, "580", 100, 3, 0),
		deal(10, 10, "820", 50, 4, 0), deal(11, 10, "820", 50, 4, 0), deal(12, 11, "830", 50, 4, 0),
		// a deal too old for the window is ignored
		deal(13, 8, "1", 1, 9, 12),
	}
	ix := BuildPriceIndex("桂花", BandSettings{}, obs, pNow, 2)
	if len(ix.Weeks) != 2 || !ix.Weeks[1].Equal(pWeek) || !ix.Weeks[0].Equal(pWeek.AddDate(0, 0, -7)) {
		t.Fatalf("weeks %v", ix.Weeks)
	}
	s8 := series(t, ix, "8cm")
	cur, last := s8.Cells[1], s8.Cells[0]
	if !cur.Deals.Public || !cur.Deals.Median.Equal(dec("590")) || cur.Deals.N != 3 {
		t.Fatalf("8cm this week %+v", cur.Deals)
	}
	if !last.Deals.Median.Equal(dec("610")) || !cur.Prev.Median.Equal(dec("610")) {
		t.Errorf("8cm last week %+v, prev %+v", last.Deals, cur.Prev)
	}
	if pct, ok := Change(cur.Deals, cur.Prev); !ok || pct != -3 {
		t.Errorf("change against last week %d%% (%v), want -3%%", pct, ok)
	}
	// The four weeks before this one: 600 600 600 610 610 620 → 605.
	if !cur.Four.Public || !cur.Four.Median.Equal(dec("605")) {
		t.Errorf("four weeks %+v", cur.Four)
	}
	// Last week's trend against its four weeks before: three deals at 600 → +2%.
	if pct, ok := Change(last.Deals, last.Four); !ok || pct != 2 {
		t.Errorf("last week against its four %d%% (%v)", pct, ok)
	}
	s10 := series(t, ix, "10cm")
	if s10.Cells[1].Deals.Public || s10.Cells[1].Deals.N != 3 || !s10.Cells[1].Deals.Median.IsZero() {
		t.Errorf("10cm from one seller must stay private: %+v", s10.Cells[1].Deals)
	}
	if ix.Deals[1] != 6 || ix.Deals[0] != 3 {
		t.Errorf("deals per week %v", ix.Deals)
	}
}

func TestBuildPriceIndex_TrendNeedsPublicReferences(t *testing.T) {
	t.Parallel()
	obs := []PriceObs{
		deal(1, 8, "600", 100, 1, 1), deal(2, 8, "600", 100, 1, 1), deal(3, 8, "600", 100, 1, 1), // one seller
		deal(4, 8, "590", 100, 1, 0), deal(5, 8, "590", 100, 2, 0), deal(6, 8, "590", 100, 3, 0),
	}
	c := series(t, BuildPriceIndex("桂花", BandSettings{}, obs, pNow, 1), "8cm").Cells[0]
	if _, ok := Change(c.Deals, c.Prev); ok {
		t.Error("a change against a private week was given")
	}
	if c.Four.Public {
		t.Errorf("four weeks from one seller are private: %+v", c.Four)
	}
}

func TestBuildPriceIndex_AsksStandInEveryWeekTheyStood(t *testing.T) {
	t.Parallel()
	lastWeek := pWeek.AddDate(0, 0, -7)
	obs := []PriceObs{
		ask(1, 8, "550", lastWeek.Add(time.Hour), pWeek.AddDate(0, 0, 30)),      // both weeks
		ask(2, 8, "650", pWeek.Add(time.Hour), pWeek.AddDate(0, 0, 30)),         // this week only
		ask(3, 8, "700", lastWeek.Add(time.Hour), lastWeek.AddDate(0, 0, 3)),    // expired last week
		ask(4, 8, "1200", lastWeek.Add(-time.Hour), lastWeek.Add(-time.Minute)), // gone before
	}
	s := series(t, BuildPriceIndex("桂花", BandSettings{}, obs, pNow, 2), "8cm")
	if a := s.Cells[0].Asks; a.N != 2 || !a.Low.Equal(dec("550")) || !a.High.Equal(dec("700")) {
		t.Errorf("last week's asks %+v", a)
	}
	if a := s.Cells[1].Asks; a.N != 2 || !a.Low.Equal(dec("550")) || !a.High.Equal(dec("650")) {
		t.Errorf("this week's asks %+v", a)
	}
}

func TestListingObs_WithdrawnAsksStandOnlyTheirWeek(t *testing.T) {
	t.Parallel()
	posted := pWeek.AddDate(0, 0, -5) // Wednesday last week
	for _, tc := range []struct {
		state ListingState
		until time.Time
	}{
		{ListingOpen, posted.AddDate(0, 0, 30)},
		{ListingExpired, posted.AddDate(0, 0, 30)},
		{ListingCancelled, pWeek},
		{ListingFilled, pWeek},
	} {
		l := supply(func(l *Listing) { l.State, l.CreatedAt, l.ExpiresAt = tc.state, posted, posted.AddDate(0, 0, 30) })
		o, ok := ListingObs(l)
		if !ok || o.Kind != PriceAsk || !o.Until.Equal(tc.until) || !o.Price.Equal(dec("600")) || o.Member != 10 {
			t.Errorf("%s: %+v (%v), want standing until %v", tc.state, o, ok, tc.until)
		}
	}
	if _, ok := ListingObs(supply(func(l *Listing) { l.Price = lump("30000") })); ok {
		t.Error("a lump sum counted as an ask")
	}
	if o, ok := ListingObs(demand(func(l *Listing) { l.Price = perUnit("", "650") })); !ok || o.Kind != PriceBid || !o.Price.Equal(dec("650")) {
		t.Errorf("bid %+v (%v)", o, ok)
	}
}

func TestBuildPriceIndex_ProductsBandsAndSettings(t *testing.T) {
	t.Parallel()
	ball := func(ref int64, crown float64, price string, seller int64) PriceObs {
		return PriceObs{Kind: PriceDeal, Ref: ref, Member: seller, Species: "桂花", Attrs: []string{"球"},
			Spec: Spec{SpecCrown: Exactly(crown)}, Unit: "株", Price: dec(price), Qty: 10, At: pWeek.Add(time.Hour)}
	}
	variety := func(o PriceObs, v string) PriceObs { o.Variety = v; return o }
	obs := []PriceObs{
		variety(deal(1, 8, "600", 1, 1, 0), "金桂"), variety(deal(2, 8, "600", 1, 2, 0), "丹桂"), deal(3, 8.5, "600", 1, 3, 0),
		ball(4, 120, "300", 1), ball(5, 130, "320", 2), ball(6, 140, "310", 3),
		{Kind: PriceDeal, Ref: 7, Member: 1, Species: "桂花", Spec: Spec{SpecHeight: Exactly(300)}, Unit: "株", Price: dec("500"), Qty: 1, At: pWeek},
		{Kind: PriceDeal, Ref: 8, Member: 1, Species: "紫薇", Spec: Spec{SpecD1M: Exactly(8)}, Unit: "株", Price: dec("100"), Qty: 1, At: pWeek},
	}
	ix := BuildPriceIndex("桂花", BandSettings{}, obs, pNow, 1)
	var labels []string
	for _, s := range ix.Series {
		labels = append(labels, s.Label())
	}
	// The plain product first, by band, no size last; then the ball by crown.
	if got := strings.Join(labels, " "); got != "8cm 规格不详 球冠幅1.2m" {
		t.Fatalf("series %q", got)
	}
	if c := series(t, ix, "8cm").Cells[0]; !c.Deals.Public || c.Deals.N != 3 {
		t.Errorf("varieties together by default: %+v", c.Deals)
	}
	ix = BuildPriceIndex("桂花", BandSettings{Basis: SpecD1M, Edges: []float64{5, 8.5, 12}, ByVariety: true}, obs, pNow, 1)
	labels = labels[:0]
	for _, s := range ix.Series {
		labels = append(labels, s.Label())
	}
	if got := strings.Join(labels, " "); got != "8.5cm 规格不详 丹桂5cm 球冠幅1.2m 金桂5cm" {
		t.Fatalf("series with the clerk's settings %q", got)
	}
}

func TestBuildPriceIndex_FlagsAFarOutDealButKeepsIt(t *testing.T) {
	t.Parallel()
	obs := []PriceObs{
		deal(1, 8, "600", 100, 1, 1), deal(2, 8, "610", 100, 2, 1), deal(3, 8, "590", 100, 3, 0),
		deal(4, 8, "60", 100, 4, 0), // a typo: 60 for 600
		deal(5, 8, "620", 100, 5, 0),
		deal(6, 8, "1300", 100, 6, 0), // more than twice the rest
	}
	ix := BuildPriceIndex("桂花", BandSettings{}, obs, pNow, 1)
	if len(ix.Flagged) != 2 || ix.Flagged[0].Series != "8cm" {
		t.Fatalf("flagged %+v, want the 60 and the 1300", ix.Flagged)
	}
	got := map[int64]bool{}
	for _, f := range ix.Flagged {
		got[f.Deal.Ref] = true
	}
	if !got[4] || !got[6] {
		t.Errorf("flagged %v", got)
	}
	c := series(t, ix, "8cm").Cells[0]
	if c.Flagged != 2 || c.Deals.N != 4 || !c.Deals.Median.Equal(dec("605")) {
		t.Errorf("cell %+v: flagged deals must still count", c)
	}
	// Too few prices to judge: nothing is flagged.
	if ix := BuildPriceIndex("桂花", BandSettings{}, obs[2:4], pNow, 1); len(ix.Flagged) != 0 {
		t.Errorf("flagged with two prices: %+v", ix.Flagged)
	}
}

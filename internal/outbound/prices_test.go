package outbound

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/matching"
)

var chinaTime = matching.ChinaTime

var (
	pNow  = time.Date(2025, 3, 12, 10, 0, 0, 0, chinaTime)
	pWeek = time.Date(2025, 3, 10, 0, 0, 0, 0, chinaTime)
)

// deal is a 桂花 deal at size cm (米径), price, qty, by seller, weeksAgo
// weeks before pNow's week (on its Tuesday).
func deal(ref int64, size float64, price string, qty, seller int64, weeksAgo int) matching.PriceObs {
	return matching.PriceObs{Kind: matching.PriceDeal, Ref: ref, Member: seller, Species: "桂花",
		Spec: matching.Spec{matching.SpecD1M: matching.Exactly(size)}, Unit: "株", Price: decimal.RequireFromString(price),
		Qty: qty, At: pWeek.AddDate(0, 0, 1-7*weeksAgo)}
}

// ask is an offer standing from posted to until.
func ask(ref int64, size float64, price string, posted, until time.Time) matching.PriceObs {
	return matching.PriceObs{Kind: matching.PriceAsk, Ref: ref, Member: 100 + ref, Species: "桂花",
		Spec: matching.Spec{matching.SpecDia: matching.Exactly(size)}, Unit: "株", Price: decimal.RequireFromString(price),
		At: posted, Until: until}
}

func TestTrendText_NoneWithoutAPublicReference(t *testing.T) {
	t.Parallel()
	obs := []matching.PriceObs{
		deal(1, 8, "600", 100, 1, 1), deal(2, 8, "600", 100, 1, 1), deal(3, 8, "600", 100, 1, 1), // one seller
		deal(4, 8, "590", 100, 1, 0), deal(5, 8, "590", 100, 2, 0), deal(6, 8, "590", 100, 3, 0),
	}
	ix := matching.BuildPriceIndex("桂花", matching.BandSettings{}, obs, pNow, 1)
	for _, s := range ix.Series {
		if got := trendText(s.Cells[0], false); got != "" {
			t.Errorf("%s: trend %q, want none", s.Label(), got)
		}
	}
}

// answerIndex is 桂花 with a public 8cm and 10cm this week, 8cm last week,
// a private 12cm, and asks.
func answerIndex() matching.PriceIndex {
	obs := []matching.PriceObs{
		deal(1, 8, "610", 100, 1, 1), deal(2, 8, "610", 100, 2, 1), deal(3, 8, "615", 100, 3, 1),
		deal(4, 8, "590", 100, 1, 0), deal(5, 8, "590", 100, 2, 0), deal(6, 8, "595", 100, 3, 0), deal(7, 9, "585", 100, 4, 0),
		deal(8, 10, "820", 100, 1, 0), deal(9, 10, "820", 100, 2, 0), deal(10, 11, "830", 100, 3, 0),
		deal(11, 12, "900", 100, 1, 0), // one deal: private
		ask(20, 8, "550", pWeek, pWeek.AddDate(0, 0, 30)), ask(21, 8, "650", pWeek, pWeek.AddDate(0, 0, 30)),
		ask(22, 12, "950", pWeek, pWeek.AddDate(0, 0, 30)),
	}
	return matching.BuildPriceIndex("桂花", matching.BandSettings{}, obs, pNow, 2)
}

func TestPriceAnswer(t *testing.T) {
	t.Parallel()
	ix := answerIndex()
	only := func(label string) func(matching.PriceSeries) bool {
		return func(s matching.PriceSeries) bool { return s.BandLabel() == label }
	}
	for _, tc := range []struct {
		name string
		ix   matching.PriceIndex
		room int
		keep func(matching.PriceSeries) bool
		want string
	}{
		{"ThisWeekWithTrendAndAsks", ix, 129, nil, "桂花本周成交8笔:8cm价590元(上周610↓3%),10cm价820元;报价3条550-950元"},
		{"OneBand", ix, 129, only("10cm"), "桂花本周成交3笔:10cm价820元"},
		{"PrivateBandShowsItsAsks", ix, 129, only("12cm"), "桂花近期成交少于3笔,暂无成交价;报价1条950元"},
		{"TightRoomKeepsTheMostTraded", ix, 45, nil, "桂花本周成交8笔:8cm价590元(上周610↓3%)等;报价3条550-950元"},
		{"NothingAtAll", matching.BuildPriceIndex("桂花", matching.BandSettings{}, nil, pNow, 2), 129, nil, `桂花近期暂无成交和报价。有货可发"供 桂花 规格 数量 价格"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PriceAnswer(tc.ix, tc.room, tc.keep)
			if got != tc.want {
				t.Errorf("answer\n got %s\nwant %s", got, tc.want)
			}
			if Len(got) > tc.room {
				t.Errorf("answer of %d units in a room of %d", Len(got), tc.room)
			}
		})
	}
}

func TestPriceAnswer_LastWeekWhileThisWeekHasNoneToPublish(t *testing.T) {
	t.Parallel()
	obs := []matching.PriceObs{deal(1, 8, "610", 100, 1, 1), deal(2, 8, "610", 100, 2, 1), deal(3, 8, "615", 100, 3, 1), deal(4, 8, "590", 100, 1, 0)}
	got := PriceAnswer(matching.BuildPriceIndex("桂花", matching.BandSettings{}, obs, pNow, 2), 129, nil)
	if got != "桂花上周成交3笔:8cm价610元" {
		t.Errorf("answer %s", got)
	}
}

func TestPriceAnswer_BandsAsksWhenNoDealIsPublic(t *testing.T) {
	t.Parallel()
	obs := []matching.PriceObs{
		deal(1, 8, "600", 1, 1, 0),
		ask(20, 8, "550", pWeek, pWeek.AddDate(0, 0, 30)), ask(21, 8, "650", pWeek, pWeek.AddDate(0, 0, 30)),
		ask(22, 12, "950", pWeek, pWeek.AddDate(0, 0, 30)),
	}
	got := PriceAnswer(matching.BuildPriceIndex("桂花", matching.BandSettings{}, obs, pNow, 2), 129, nil)
	if got != "桂花近期成交少于3笔,暂无成交价;8cm报价2条550-650元,12cm报价1条950元" {
		t.Errorf("answer %s", got)
	}
	if strings.Contains(got, "600") {
		t.Error("the one deal's price leaked")
	}
}

func TestPriceBulletin_FitsByTakingDetailFromTheLongest(t *testing.T) {
	t.Parallel()
	ix := answerIndex()
	if got := PriceBulletinLine(ix, 1, 0); got != "桂花:8cm 590元↓3%,10cm 820元;报价550-950元" {
		t.Errorf("line %s", got)
	}
	if got := PriceBulletinLine(ix, 1, 3); got != "桂花:报价550-950元" {
		t.Errorf("line at the least detail %s", got)
	}
	empty := matching.BuildPriceIndex("紫薇", matching.BandSettings{}, nil, pNow, 2)
	if got := PriceBulletinLine(empty, 1, 0); got != "紫薇:暂无成交价" {
		t.Errorf("empty line %s", got)
	}
	head, tail := "上周行情(3月10日-16日)", `。回"退订行情"停收`
	full := PriceBulletin(head, []matching.PriceIndex{ix, empty}, 1, tail, 129)
	if full != head+"桂花:8cm 590元↓3%,10cm 820元;报价550-950元;紫薇:暂无成交价"+tail {
		t.Errorf("bulletin %s", full)
	}
	five := []matching.PriceIndex{ix, ix, ix, ix, ix}
	got := PriceBulletin(head, five, 1, tail, 129)
	if Len(got) > 129 || strings.Count(got, "桂花:") != 5 || !strings.HasSuffix(got, tail) {
		t.Errorf("five species in %d units: %s", Len(got), got)
	}
	tiny := PriceBulletin(head, five, 1, tail, 60)
	if Len(tiny) > 60 || !strings.Contains(tiny, "…") {
		t.Errorf("cut bulletin %s", tiny)
	}
}

package matching

import (
	"strings"
	"testing"
	"time"
)

func TestYuanShortAndWeekLabel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"590": "590", "590.00": "590", "0.8": "0.80", "12.5": "12.50", "1200.10": "1200.10"} {
		if got := YuanShort(dec(in)); got != want {
			t.Errorf("YuanShort(%s) = %s, want %s", in, got, want)
		}
	}
	if got := WeekLabel(pWeek); got != "3月10日-16日" {
		t.Errorf("WeekLabel = %s", got)
	}
	if got := WeekLabel(time.Date(2025, 3, 31, 0, 0, 0, 0, ChinaTime)); got != "3月31日-4月6日" {
		t.Errorf("WeekLabel across months = %s", got)
	}
}

// answerIndex is 桂花 with a public 8cm and 10cm this week, 8cm last week,
// a private 12cm, and asks.
func answerIndex() PriceIndex {
	obs := []PriceObs{
		deal(1, 8, "610", 100, 1, 1), deal(2, 8, "610", 100, 2, 1), deal(3, 8, "615", 100, 3, 1),
		deal(4, 8, "590", 100, 1, 0), deal(5, 8, "590", 100, 2, 0), deal(6, 8, "595", 100, 3, 0), deal(7, 9, "585", 100, 4, 0),
		deal(8, 10, "820", 100, 1, 0), deal(9, 10, "820", 100, 2, 0), deal(10, 11, "830", 100, 3, 0),
		deal(11, 12, "900", 100, 1, 0), // one deal: private
		ask(20, 8, "550", pWeek, pWeek.AddDate(0, 0, 30)), ask(21, 8, "650", pWeek, pWeek.AddDate(0, 0, 30)),
		ask(22, 12, "950", pWeek, pWeek.AddDate(0, 0, 30)),
	}
	return BuildPriceIndex("桂花", BandSettings{}, obs, pNow, 2)
}

func TestPriceAnswer(t *testing.T) {
	t.Parallel()
	ix := answerIndex()
	only := func(label string) func(PriceSeries) bool {
		return func(s PriceSeries) bool { return s.BandLabel() == label }
	}
	for _, tc := range []struct {
		name string
		ix   PriceIndex
		room int
		keep func(PriceSeries) bool
		want string
	}{
		{"ThisWeekWithTrendAndAsks", ix, 129, nil, "桂花本周成交8笔:8cm价590元(上周610↓3%),10cm价820元;报价3条550-950元"},
		{"OneBand", ix, 129, only("10cm"), "桂花本周成交3笔:10cm价820元"},
		{"PrivateBandShowsItsAsks", ix, 129, only("12cm"), "桂花近期成交少于3笔,暂无成交价;报价1条950元"},
		{"TightRoomKeepsTheMostTraded", ix, 45, nil, "桂花本周成交8笔:8cm价590元(上周610↓3%)等;报价3条550-950元"},
		{"NothingAtAll", BuildPriceIndex("桂花", BandSettings{}, nil, pNow, 2), 129, nil, `桂花近期暂无成交和报价。有货可发"供 桂花 规格 数量 价格"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PriceAnswer(tc.ix, tc.room, tc.keep)
			if got != tc.want {
				t.Errorf("answer\n got %s\nwant %s", got, tc.want)
			}
			if UTF16Len(got) > tc.room {
				t.Errorf("answer of %d units in a room of %d", UTF16Len(got), tc.room)
			}
		})
	}
}

func TestPriceAnswer_LastWeekWhileThisWeekHasNoneToPublish(t *testing.T) {
	t.Parallel()
	obs := []PriceObs{deal(1, 8, "610", 100, 1, 1), deal(2, 8, "610", 100, 2, 1), deal(3, 8, "615", 100, 3, 1), deal(4, 8, "590", 100, 1, 0)}
	got := PriceAnswer(BuildPriceIndex("桂花", BandSettings{}, obs, pNow, 2), 129, nil)
	if got != "桂花上周成交3笔:8cm价610元" {
		t.Errorf("answer %s", got)
	}
}

func TestPriceAnswer_BandsAsksWhenNoDealIsPublic(t *testing.T) {
	t.Parallel()
	obs := []PriceObs{
		deal(1, 8, "600", 1, 1, 0),
		ask(20, 8, "550", pWeek, pWeek.AddDate(0, 0, 30)), ask(21, 8, "650", pWeek, pWeek.AddDate(0, 0, 30)),
		ask(22, 12, "950", pWeek, pWeek.AddDate(0, 0, 30)),
	}
	got := PriceAnswer(BuildPriceIndex("桂花", BandSettings{}, obs, pNow, 2), 129, nil)
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
	empty := BuildPriceIndex("紫薇", BandSettings{}, nil, pNow, 2)
	if got := PriceBulletinLine(empty, 1, 0); got != "紫薇:暂无成交价" {
		t.Errorf("empty line %s", got)
	}
	head, tail := "上周行情(3月10日-16日)", `。回"退订行情"停收`
	full := PriceBulletin(head, []PriceIndex{ix, empty}, 1, tail, 129)
	if full != head+"桂花:8cm 590元↓3%,10cm 820元;报价550-950元;紫薇:暂无成交价"+tail {
		t.Errorf("bulletin %s", full)
	}
	five := []PriceIndex{ix, ix, ix, ix, ix}
	got := PriceBulletin(head, five, 1, tail, 129)
	if UTF16Len(got) > 129 || strings.Count(got, "桂花:") != 5 || !strings.HasSuffix(got, tail) {
		t.Errorf("five species in %d units: %s", UTF16Len(got), got)
	}
	tiny := PriceBulletin(head, five, 1, tail, 60)
	if UTF16Len(tiny) > 60 || !strings.Contains(tiny, "…") {
		t.Errorf("cut bulletin %s", tiny)
	}
}

package matching

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestSMSParts_CountsUCS2Units(t *testing.T) {
	t.Parallel()
	han := func(n int) string { return strings.Repeat("桂", n) }
	const emoji = "🌳" // outside the BMP: 2 UTF-16 units
	tests := []struct {
		name string
		text string
		want int
	}{
		{"Empty", "", 0},
		{"OneChar", "订", 1},
		{"Exactly70", han(70), 1},
		{"71NeedsTwoParts", han(71), 2},
		{"Exactly134", han(134), 2},
		{"135NeedsThree", han(135), 3},
		{"EmojiCountsTwo", han(69) + emoji, 2},
		{"EmojiFitsSingle", han(68) + emoji, 1},
		{"SurrogatePairNeverSplit", han(66) + emoji + han(66), 3}, // 134 units, but the pair moves to part 2
		{"LatinCountedAsUCS2", strings.Repeat("a", 71), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SMSParts(tc.text); got != tc.want {
				t.Fatalf("SMSParts = %d (units %d); want %d", got, UTF16Len(tc.text), tc.want)
			}
		})
	}
}

func TestNotifyPolicy_DecideHoldsAfterDailyCap(t *testing.T) {
	t.Parallel()
	p := NotifyPolicy{BestN: 3, DailyCap: 2}
	for sent, want := range []Delivery{SendNow, SendNow, HoldForDigest, HoldForDigest} {
		if got := p.Decide(sent); got != want {
			t.Errorf("Decide(%d) = %v; want %v", sent, got, want)
		}
	}
	var zero NotifyPolicy // defaults: cap 5
	if zero.Decide(4) != SendNow || zero.Decide(5) != HoldForDigest {
		t.Error("a zero policy should use the default cap of 5")
	}
}

func TestNotifyPolicy_BestTakesTopN(t *testing.T) {
	t.Parallel()
	ms := make([]Match, 5)
	for i := range ms {
		ms[i].Offer.ID = int64(i + 1)
	}
	if got := ids(DefaultNotifyPolicy().Best(ms)); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("Best = %v", got)
	}
	if got := (NotifyPolicy{BestN: 10}).Best(ms); len(got) != 5 {
		t.Fatalf("Best with fewer offers = %d", len(got))
	}
}

func TestNotifyPolicy_PlanOfferOneNoticePerNumber(t *testing.T) {
	t.Parallel()
	demands := []Listing{
		demand(withID(1), func(l *Listing) { l.Phone = "13800000001" }),
		demand(withID(2), func(l *Listing) { l.Phone = "13800000002" }),
		demand(withID(3), func(l *Listing) { l.Phone = "13800000001" }),
		demand(withID(4), func(l *Listing) { l.Phone = "" }),
	}
	got := DefaultNotifyPolicy().PlanOffer(demands, map[string]int{"13800000002": 5})
	want := []Notice{
		{Phone: "13800000001", DemandIDs: []int64{1, 3}, Delivery: SendNow},
		{Phone: "13800000002", DemandIDs: []int64{2}, Delivery: HoldForDigest},
	}
	if len(got) != len(want) {
		t.Fatalf("PlanOffer = %+v", got)
	}
	for i := range want {
		if got[i].Phone != want[i].Phone || got[i].Delivery != want[i].Delivery || !slices.Equal(got[i].DemandIDs, want[i].DemandIDs) {
			t.Fatalf("notice %d = %+v; want %+v", i, got[i], want[i])
		}
	}
}

func TestOfferLine_ShortForm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		l    Listing
		want string
	}{
		{"Full", supply(withID(1024), func(l *Listing) { l.Phone = "13800001234" }), "1024号桂花8cm 600.00元 万春镇 13800001234"},
		{"VarietyRangeContact", supply(withID(7), func(l *Listing) {
			l.Variety, l.Contact = "金桂", "13800009999"
			l.Spec = Spec{SpecDBH: Between(8, 10)}
		}), "7号桂花(金桂)8-10cm 600.00元 万春镇 13800009999"},
		{"NegotiableNoPlace", supply(withID(8), withPrice(nil), func(l *Listing) { l.Negotiable, l.Location = true, nil }), "8号桂花8cm 面议 13800000010"},
		{"LumpSumOpenSize", supply(withID(9), withPrice(lump("30000")), withSpec(Spec{SpecHeight: {Min: f64(150)}})), "9号桂花150cm以上 共30000.00元 万春镇 13800000010"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := OfferLine(tc.l); got != tc.want {
				t.Fatalf("OfferLine = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestDigest_FitsTwoPartsAndCarriesTheRest(t *testing.T) {
	t.Parallel()
	var lines []string
	for i := range 9 {
		lines = append(lines, OfferLine(supply(withID(int64(1000+i)), func(l *Listing) { l.Phone = "13800001234" })))
	}
	rest := lines
	var taken int
	for len(rest) > 0 {
		text, took := Digest("新货源", rest, 0)
		if took < 1 || took > len(rest) {
			t.Fatalf("took %d of %d", took, len(rest))
		}
		if n := UTF16Len(text); n > DigestUnits || SMSParts(text) > 2 {
			t.Fatalf("digest of %d units, %d parts: %s", n, SMSParts(text), text)
		}
		if !strings.HasPrefix(text, "新货源") || !strings.Contains(text, rest[0]) {
			t.Fatalf("digest %q misses its head or first line", text)
		}
		if took < len(rest) && !strings.HasSuffix(text, "…另"+strconv.Itoa(len(rest)-took)+"条") {
			t.Fatalf("digest %q does not count what is left", text)
		}
		taken += took
		rest = rest[took:]
	}
	if taken != len(lines) {
		t.Fatalf("took %d of %d lines", taken, len(lines))
	}
}

func TestDigest_Cases(t *testing.T) {
	t.Parallel()
	if text, took := Digest("新货源", nil, 0); text != "" || took != 0 {
		t.Fatalf("empty digest = %q, %d", text, took)
	}
	text, took := Digest("新货源", []string{"桂花8cm 600.00元", "香樟12cm 900.00元"}, 0)
	if want := "新货源2条:桂花8cm 600.00元;香樟12cm 900.00元"; text != want || took != 2 {
		t.Fatalf("Digest = %q, %d; want %q", text, took, want)
	}
	long := strings.Repeat("长", 200)
	text, took = Digest("新货源", []string{long, "短"}, 40)
	if took != 1 || UTF16Len(text) > 40 || !strings.Contains(text, "…另1条") || !strings.Contains(text, "长…") {
		t.Fatalf("an over-long first line: %q (%d units), took %d", text, UTF16Len(text), took)
	}
}

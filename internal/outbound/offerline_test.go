package outbound

import (
	"testing"

	"github.com/shopspring/decimal"

	"huamu/matching"
)

func TestOfferLine_ShortForm(t *testing.T) {
	t.Parallel()
	dec := func(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }
	min := 150.0
	base := func(mod func(*matching.Listing)) matching.Listing {
		l := matching.Listing{ID: 1024, Phone: "13800000010", Side: matching.Supply, Species: "桂花",
			Spec:     matching.Spec{matching.SpecDia: matching.Exactly(8)},
			Price:    &matching.Price{Min: dec("600"), Max: dec("600"), Per: "株"},
			Location: &matching.Location{City: "成都市", District: "温江区", Town: "万春镇"}}
		mod(&l)
		return l
	}
	for _, tc := range []struct {
		name string
		l    matching.Listing
		want string
	}{
		{"Full", base(func(l *matching.Listing) { l.Phone = "13800001234" }), "1024号桂花8cm 600.00元 万春镇 13800001234"},
		{"VarietyRangeContact", base(func(l *matching.Listing) {
			l.ID, l.Variety, l.Contact = 7, "金桂", "13800009999"
			l.Spec = matching.Spec{matching.SpecDBH: matching.Between(8, 10)}
		}), "7号桂花(金桂)8-10cm 600.00元 万春镇 13800009999"},
		{"NegotiableNoPlace", base(func(l *matching.Listing) { l.ID, l.Price, l.Negotiable, l.Location = 8, nil, true, nil }),
			"8号桂花8cm 面议 13800000010"},
		{"LumpSumOpenSize", base(func(l *matching.Listing) {
			l.ID, l.Price = 9, &matching.Price{Total: dec("30000")}
			l.Spec = matching.Spec{matching.SpecHeight: {Min: &min}}
		}), "9号桂花150cm以上 共30000.00元 万春镇 13800000010"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := OfferLine(tc.l); got != tc.want {
				t.Fatalf("OfferLine = %q; want %q", got, tc.want)
			}
		})
	}
}

package matching_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"huamu/matching"
)

func ExampleRankOffers() {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	n := func(v int64) *int64 { return &v }
	yuan := func(s string) *matching.Price {
		d := decimal.RequireFromString(s)
		return &matching.Price{Min: &d, Max: &d, Per: "株"}
	}
	offer := func(id, member int64, spec matching.Spec, qty int64, price, town string) matching.Listing {
		return matching.Listing{
			ID: id, MemberID: member, Phone: fmt.Sprintf("1380000%04d", member), Side: matching.Supply,
			Species: "桂花", Attrs: []string{"全冠"}, Spec: spec,
			Qty: matching.Qty{Min: n(qty), Max: n(qty), Unit: "株"}, Remaining: qty, Price: yuan(price),
			Location: &matching.Location{City: "成都市", District: "温江区", Town: town},
			State:    matching.ListingOpen, CreatedAt: now.Add(-time.Duration(id) * time.Hour), ExpiresAt: now.Add(720 * time.Hour),
		}
	}
	// 求购 桂花 胸径8-10公分 全冠 500株, to 万春镇.
	want := matching.Listing{
		ID: 900, MemberID: 1, Side: matching.Demand, Species: "桂花", Attrs: []string{"全冠"},
		Spec: matching.Spec{matching.SpecDBH: matching.Between(8, 10)},
		Qty:  matching.Qty{Min: n(500), Max: n(500), Unit: "株"}, Remaining: 500,
		Location: &matching.Location{City: "成都市", District: "温江区", Town: "万春镇"},
		State:    matching.ListingOpen, CreatedAt: now, ExpiresAt: now.Add(720 * time.Hour),
	}
	offers := []matching.Listing{
		offer(1024, 11, matching.Spec{matching.SpecDBH: matching.Exactly(9)}, 200, "600", "寿安镇"),
		offer(1025, 12, matching.Spec{matching.SpecDia: matching.Exactly(9)}, 200, "600", "万春镇"), // 9公分, basis unstated
		offer(1026, 13, matching.Spec{matching.SpecDBH: matching.Between(8, 10)}, 150, "650", "和盛镇"),
		offer(1027, 14, matching.Spec{matching.SpecD1M: matching.Exactly(9)}, 300, "500", "万春镇"), // 米径: another basis
	}
	for _, m := range matching.RankOffers(want, offers, now) {
		ask, _ := m.Offer.Ask()
		fmt.Printf("%d号 %s元 %s 可供%d株\n", m.Offer.ID, matching.Yuan(ask), m.Offer.Location.Town, m.Fill)
	}
	// Output:
	// 1024号 600.00元 寿安镇 可供200株
	// 1025号 600.00元 万春镇 可供200株
	// 1026号 650.00元 和盛镇 可供100株
}

func ExampleReserveListing() {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	l := matching.Listing{ID: 1024, Side: matching.Supply, Species: "桂花", Qty: matching.Qty{Unit: "株"},
		Remaining: 50, State: matching.ListingOpen, ExpiresAt: now.Add(time.Hour)}
	_, err := matching.ReserveListing(l, 100, now) // 订 1024 100
	fmt.Println(matching.ChineseMessage(err))
	// Output: 仅剩50株，回"订 1024 50"
}

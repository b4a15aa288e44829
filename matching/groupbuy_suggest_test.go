package matching

import (
	"testing"
	"time"
)

func TestSuggestGroupBuys_SmallDemandsThatAGrowerCouldSupply(t *testing.T) {
	t.Parallel()
	d := func(id int64, phone string, dia float64, qty int64) Listing {
		q := qty
		return Listing{ID: id, Phone: phone, MemberID: id, Side: Demand, Species: "桂花", Spec: Spec{SpecDia: Exactly(dia)},
			Qty: Qty{Min: &q, Unit: "株"}, Remaining: qty, State: ListingOpen, CreatedAt: t0, ExpiresAt: t0.Add(720 * time.Hour)}
	}
	offer := func(id int64, dia float64, qty int64) Listing {
		o := d(id, "139", dia, qty)
		o.Side, o.MemberID = Supply, 900+id
		o.Price = perUnit("600", "600")
		return o
	}
	demands := []Listing{
		d(1, "a", 8, 30), d(2, "b", 8, 50), d(3, "c", 8.2, 40), // three small 8cm demands: 120
		d(4, "d", 12, 30), d(5, "e", 12, 30), // only two at 12cm
		d(6, "f", 8, 5000),                                      // not small
		d(7, "a", 10, 20), d(8, "a", 10, 20), d(9, "a", 10, 20), // one number three times
	}
	offers := []Listing{offer(100, 8, 80), offer(101, 12, 500), offer(102, 10, 500)}
	got := SuggestGroupBuys(demands, offers, t0, 100, 3)
	if len(got) != 1 || got[0].Total != 120 || got[0].Dia != 8 || len(got[0].Demands) != 3 || got[0].Supply != 80 {
		t.Fatalf("got %+v, want one 8cm suggestion of 120 with 80 on offer", got)
	}
	if !got[0].BestAsk.Equal(*perUnit("600", "600").Min) {
		t.Fatalf("best ask %s", got[0].BestAsk)
	}
	if none := SuggestGroupBuys(demands, offers[1:], t0, 100, 3); len(none) != 0 {
		t.Fatalf("suggested %+v with no 8cm supply", none)
	}
}

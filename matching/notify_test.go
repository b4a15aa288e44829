package matching

import (
	"slices"
	"testing"
)

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

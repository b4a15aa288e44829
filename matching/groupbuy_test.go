package matching

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func gb() GroupBuy {
	return GroupBuy{ID: 12, Species: "桂花", Unit: "株", Price: decimal.RequireFromString("650"),
		MinTotal: 500, Cap: 1000, MinEach: 20, Step: 10, Deadline: t0.Add(72 * time.Hour), State: GroupOpen}
}

func commits(qs ...int64) []Commitment {
	cs := make([]Commitment, len(qs))
	for i, q := range qs {
		cs[i] = Commitment{MemberID: int64(100 + i), Qty: q, JoinedAt: t0.Add(time.Duration(i) * time.Minute)}
	}
	return cs
}

func TestCheckCommitment_MinimumStepCapAndDeadline(t *testing.T) {
	t.Parallel()
	g := gb()
	cases := []struct {
		name    string
		qty     int64
		others  int64
		at      time.Time
		want    int64
		code    ErrorCode
		remains int64
	}{
		{"AcceptsTheMinimum", 20, 0, t0, 20, "", 0},
		{"AcceptsMinimumPlusSteps", 50, 0, t0, 50, "", 0},
		{"WithdrawsWithZero", 0, 400, t0, 0, "", 0},
		{"RefusesBelowMinimum", 10, 0, t0, 0, CodeInvalid, 0},
		{"RefusesOffStep", 25, 0, t0, 0, CodeInvalid, 0},
		{"RefusesNegative", -20, 0, t0, 0, CodeInvalid, 0},
		{"AnswersWhatIsLeftUnderTheCap", 100, 950, t0, 0, CodeInsufficientStock, 50},
		{"RoundsWhatIsLeftToAStep", 100, 925, t0, 0, CodeInsufficientStock, 70},
		{"FullWhenLessThanMinimumLeft", 20, 990, t0, 0, CodeInsufficientStock, 0},
		{"ExactlyToTheCap", 50, 950, t0, 50, "", 0},
		{"RefusesAtTheDeadline", 20, 0, g.Deadline, 0, CodeExpired, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := g.CheckCommitment(tc.qty, tc.others, tc.at)
			if ErrorCodeOf(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("err %v, want code %q", err, tc.code)
			}
			if got != tc.want {
				t.Fatalf("accepted %d, want %d", got, tc.want)
			}
			if tc.code == CodeInsufficientStock {
				if left, ok := RemainingOf(err); !ok || left != tc.remains {
					t.Fatalf("remaining %d (%v), want %d", left, ok, tc.remains)
				}
			}
		})
	}
	closed := g
	closed.State = GroupClosed
	if _, err := closed.CheckCommitment(20, 0, t0); ErrorCodeOf(err) != CodeConflict {
		t.Fatalf("joining a closed group-buy: %v", err)
	}
}

func TestEvaluate_CapClosesAtOnceDeadlineTipsOrFails(t *testing.T) {
	t.Parallel()
	g := gb()
	before, at := t0, g.Deadline
	cases := []struct {
		name  string
		total int64
		now   time.Time
		want  GroupOutcome
	}{
		{"OpenBelowTippingBeforeDeadline", 300, before, GroupWaits},
		{"OpenAboveTippingBeforeDeadline", 600, before, GroupWaits},
		{"CapReachedBeforeDeadline", 1000, before, GroupGoesAhead},
		{"TippedAtDeadline", 500, at, GroupGoesAhead},
		{"ShortByOneAtDeadline", 499, at, GroupFails},
		{"NobodyAtDeadline", 0, at, GroupFails},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := g.Evaluate(tc.total, tc.now); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	noCap := g
	noCap.Cap = 0
	if noCap.Evaluate(1_000_000, before) != GroupWaits {
		t.Fatal("a group-buy without a cap closed early")
	}
}

func TestAllocate_EdgeCases(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		qs           []int64
		supply       int64
		step, minLot int64
		want         []int64
	}{
		{"EnoughSupplyEveryoneServed", []int64{100, 200, 50}, 1000, 10, 20, []int64{100, 200, 50}},
		{"ZeroSupply", []int64{100, 200}, 0, 10, 20, []int64{0, 0}},
		{"OneParticipantShort", []int64{300}, 170, 10, 20, []int64{170}},
		{"ShortByOneTree", []int64{100, 100, 100}, 299, 1, 1, []int64{100, 100, 99}},
		{"ExactTiesGoToEarlierJoiners", []int64{100, 100, 100}, 200, 1, 1, []int64{67, 67, 66}},
		{"ProRataInSteps", []int64{100, 300}, 200, 10, 10, []int64{50, 150}},
		{"LargestRemainderWins", []int64{30, 70}, 50, 10, 10, []int64{20, 30}},
		{"BelowMinimumLotLatestJoinerLeftOut", []int64{100, 100, 20}, 110, 10, 20, []int64{60, 50, 0}},
		{"SmallCommitmentsGetNothingWhenTheirShareIsUnderAStep", []int64{1000, 20, 20}, 30, 10, 20, []int64{30, 0, 0}},
		{"LeftOutSupplyGoesToTheRest", []int64{100, 100, 30}, 110, 10, 50, []int64{60, 50, 0}},
		{"RoundingLeavesLessThanAStepUnallocated", []int64{20, 20, 20}, 50, 20, 20, []int64{20, 20, 0}},
		{"SupplyBelowMinimumLotServesNobody", []int64{100, 100}, 15, 10, 20, []int64{0, 0}},
		{"LargestRemainderCanBeatASmallCommitment", []int64{10, 1000}, 500, 10, 10, []int64{0, 500}},
		{"NeverPastACommitment", []int64{10, 20}, 29, 10, 10, []int64{10, 10}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Allocate(commits(tc.qs...), tc.supply, tc.step, tc.minLot)
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestAllocate_PropertiesHoldForRandomInputs(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(6, 12))
	for run := 0; run < 2000; run++ {
		n := 1 + r.IntN(30)
		step := []int64{1, 5, 10}[r.IntN(3)]
		minLot := step * int64(1+r.IntN(4))
		qs := make([]int64, n)
		var total int64
		for i := range qs {
			qs[i] = minLot + step*int64(r.IntN(20))
			total += qs[i]
		}
		supply := r.Int64N(total + total/2 + 1)
		cs := commits(qs...)
		got := Allocate(cs, supply, step, minLot)
		again := Allocate(cs, supply, step, minLot)
		var sum int64
		for i, a := range got {
			if a != again[i] {
				t.Fatalf("run %d: not deterministic", run)
			}
			if a < 0 || a > qs[i] {
				t.Fatalf("run %d: participant %d got %d of a %d commitment", run, i, a, qs[i])
			}
			if a != 0 && a < minLot && a != qs[i] {
				t.Fatalf("run %d: participant %d got %d, below the lot %d", run, i, a, minLot)
			}
			sum += a
		}
		if sum > supply {
			t.Fatalf("run %d: allocated %d of %d supply", run, sum, supply)
		}
		if supply >= total && sum != total {
			t.Fatalf("run %d: enough supply but %d of %d allocated", run, sum, total)
		}
	}
}

func TestDrawSupplyAssignAndLedger_SumToZeroAndMatchPickLists(t *testing.T) {
	t.Parallel()
	g := gb()
	price := func(s string) *Price { d := decimal.RequireFromString(s); return &Price{Min: &d, Max: &d, Per: "株"} }
	offer := func(id, member int64, qty int64, ask string) Listing {
		q := qty
		return Listing{ID: id, MemberID: member, Side: Supply, Species: "桂花", Qty: Qty{Min: &q, Unit: "株"},
			Remaining: qty, Price: price(ask), State: ListingOpen, CreatedAt: t0, ExpiresAt: t0.Add(720 * time.Hour)}
	}
	offers := []Listing{offer(1, 1, 200, "600"), offer(2, 2, 200, "580"), offer(3, 3, 150, "610.55"), offer(4, 4, 500, "900")}
	cs := commits(300, 150, 50) // 500 wanted
	draws := DrawSupply(g, 500, offers, t0)
	if len(draws) != 3 || draws[0].Offer.ID != 2 || draws[1].Offer.ID != 1 || draws[2].Offer.ID != 3 || draws[2].Qty != 100 {
		t.Fatalf("draws %+v, want 200 from #2, 200 from #1, 100 from #3 (cheapest first)", draws)
	}
	alloc := Allocate(cs, 500, g.Step, g.MinEach)
	lines := Assign(cs, alloc, draws)
	perMember, perOffer := map[int64]int64{}, map[int64]int64{}
	for _, l := range lines {
		perMember[l.MemberID] += l.Qty
		perOffer[l.OfferID] += l.Qty
	}
	for i, c := range cs {
		if perMember[c.MemberID] != alloc[i] {
			t.Fatalf("member %d delivered %d, allocated %d", c.MemberID, perMember[c.MemberID], alloc[i])
		}
	}
	for _, d := range draws {
		if perOffer[d.Offer.ID] != d.Qty {
			t.Fatalf("offer %d picks %d, drawn %d", d.Offer.ID, perOffer[d.Offer.ID], d.Qty)
		}
	}
	cost := decimal.Zero
	for _, d := range draws {
		ask, _ := d.Offer.Ask()
		cost = cost.Add(LineTotal(ask, d.Qty))
	}
	const assoc = 9999
	e, margin, err := GroupBuyEntry(g, assoc, cs, alloc, cost, t0)
	if err != nil {
		t.Fatal(err)
	}
	// income 500×650 = 325000; cost 200×580 + 200×600 + 100×610.55 = 297055
	if !margin.Equal(decimal.RequireFromString("27945")) {
		t.Fatalf("margin %s, want 27945.00", margin)
	}
	if len(e.Postings) != 3+1+1 {
		t.Fatalf("postings %+v: want 3 participants, the association's cost and its margin", e.Postings)
	}
	// With the growers' confirmed orders, the association's own account clears.
	var orders []Entry
	for _, d := range draws {
		ask, _ := d.Offer.Ask()
		o, err := ConfirmedOrderEntry(Order{ID: d.Offer.ID, BuyerID: assoc, SellerID: d.Offer.MemberID, Qty: d.Qty,
			UnitPrice: ask, State: OrderConfirmed}, decimal.Zero)
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, o)
	}
	if b := Balances(append(orders, e))[Receivable(assoc)]; !b.IsZero() {
		t.Fatalf("association's account %s after the sale, want 0", b)
	}
}

package matching

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Group-buys (团购 / 代采购), in one place:
//   - A clerk opens a GroupBuy for one species (and variety) at a spec, in one
//     unit, with a price to participants, a tipping point (MinTotal), an
//     optional Cap, a Deadline, and a minimum and step per participant.
//   - Buyers commit quantities (参团). A commitment is MinEach or more, in
//     multiples of Step above MinEach, and may be changed or withdrawn until
//     the deadline. A commitment that would pass the cap is answered with
//     what is left, never silently cut.
//   - It closes at once when the total reaches Cap. At the deadline it goes
//     ahead if the total reached MinTotal, and otherwise fails, releasing
//     every commitment. A clerk may extend the deadline or cancel it.
//   - Supply is drawn from compatible open offers in the buyer's ranking
//     (RankOffers: cheapest, best fit, nearest, oldest, id) until the
//     commitments are covered (DrawSupply).
//   - When supply falls short, participants are served by Allocate's rule
//     (largest remainder with a minimum lot; see there).
//   - The association is the buyer of record toward each grower (one order
//     per grower at the grower's ask) and the seller of record toward each
//     participant (at the group-buy's price); its margin is the difference.

// GroupBuyState is where a group-buy is in its life.
type GroupBuyState string

// Group-buy states.
const (
	GroupOpen       GroupBuyState = "open"       // taking commitments
	GroupClosed     GroupBuyState = "closed"     // went ahead: tipped at the deadline or reached the cap
	GroupPurchasing GroupBuyState = "purchasing" // ordered from growers, waiting for them to confirm
	GroupAllocated  GroupBuyState = "allocated"  // a clerk confirmed the allocation; orders placed
	GroupFailed     GroupBuyState = "failed"     // deadline passed below the tipping point
	GroupCancelled  GroupBuyState = "cancelled"  // a clerk called it off
	GroupDelivered  GroupBuyState = "delivered"  // goods handed over
)

// GroupBuy is a pooled order a clerk runs.
type GroupBuy struct {
	ID       int64
	Species  string
	Variety  string
	Spec     Spec
	Attrs    []string
	Unit     string
	Price    decimal.Decimal // per unit, to participants
	MinTotal int64           // tipping point
	Cap      int64           // 0: no cap
	MinEach  int64           // smallest commitment; also the minimum lot when short
	Step     int64           // commitments above MinEach go in steps of this; ≥ 1
	Deadline time.Time
	Location *Location // where it delivers
	State    GroupBuyState
}

// Commitment is one participant's pledge.
type Commitment struct {
	MemberID int64
	Qty      int64
	JoinedAt time.Time
}

// CommittedTotal adds up the commitments.
func CommittedTotal(cs []Commitment) int64 {
	var n int64
	for _, c := range cs {
		n += c.Qty
	}
	return n
}

// step returns g.Step, at least 1.
func (g GroupBuy) step() int64 { return max(g.Step, 1) }

// CheckCommitment validates a new or changed commitment of qty by member
// against the others' total at now. qty 0 withdraws. It returns the
// quantity accepted: qty itself, or an *Error carrying how much is left
// under the cap (RemainingOf) when qty would pass it.
func (g GroupBuy) CheckCommitment(qty, othersTotal int64, now time.Time) (int64, error) {
	if g.State != GroupOpen {
		return 0, Errorf(CodeConflict, "团购%d已%s，不能再参团", g.ID, g.State.Chinese())
	}
	if !now.Before(g.Deadline) {
		return 0, Errorf(CodeExpired, "团购%d已截止", g.ID)
	}
	if qty == 0 {
		return 0, nil
	}
	if qty < 0 {
		return 0, Errorf(CodeInvalid, "数量不能为负")
	}
	if err := CheckQty("参团数量", qty, g.Unit); err != nil {
		return 0, err
	}
	if err := CheckLineTotal(g.Price, othersTotal+qty); err != nil {
		return 0, Errorf(CodeInvalid, "团购%d总金额最多%s元，请少报一些", g.ID, ZhAmount(MaxLineTotalYuan))
	}
	if qty < g.MinEach {
		return 0, Errorf(CodeInvalid, "团购%d每人至少%d%s", g.ID, g.MinEach, g.Unit)
	}
	if (qty-g.MinEach)%g.step() != 0 {
		return 0, Errorf(CodeInvalid, "团购%d数量须为%d%s起，每次加%d%s", g.ID, g.MinEach, g.Unit, g.step(), g.Unit)
	}
	if g.Cap > 0 && othersTotal+qty > g.Cap {
		left := g.Cap - othersTotal
		// What is left, rounded down to a commitment the rules allow.
		if left >= g.MinEach {
			left = g.MinEach + (left-g.MinEach)/g.step()*g.step()
		} else {
			left = 0
		}
		return 0, &Error{Code: CodeInsufficientStock, Msg: capMessage(g, left), Err: &Shortage{Want: qty, Remaining: left}}
	}
	return qty, nil
}

func capMessage(g GroupBuy, left int64) string {
	if left <= 0 {
		return "团购" + itoa(g.ID) + "已满"
	}
	return "团购" + itoa(g.ID) + "仅剩" + itoa(left) + g.Unit + "，回\"参团 " + itoa(g.ID) + " " + itoa(left) + "\""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// GroupOutcome is what should happen to a group-buy now.
type GroupOutcome int

// Outcomes of Evaluate.
const (
	GroupWaits     GroupOutcome = iota
	GroupGoesAhead              // close and allocate
	GroupFails                  // close and release every commitment
)

// Evaluate decides a group-buy's fate at now from its commitments' total:
// it goes ahead at once when the cap is reached, and at the deadline when
// the tipping point is reached; it fails at the deadline otherwise.
func (g GroupBuy) Evaluate(total int64, now time.Time) GroupOutcome {
	if g.State != GroupOpen {
		return GroupWaits
	}
	if g.Cap > 0 && total >= g.Cap {
		return GroupGoesAhead
	}
	if now.Before(g.Deadline) {
		return GroupWaits
	}
	if total >= g.MinTotal && total > 0 {
		return GroupGoesAhead
	}
	return GroupFails
}

// Demand is the group-buy as one demand listing, for drawing supply with the
// exchange's own compatibility and ranking rules.
func (g GroupBuy) Demand(total int64, now time.Time) Listing {
	// No price: what participants pay is not a cap on what growers ask;
	// the clerk sees the cost and the margin before confirming.
	t := total
	return Listing{ID: -g.ID, Side: Demand, Species: g.Species, Variety: g.Variety, Spec: g.Spec, Attrs: g.Attrs,
		Qty: Qty{Min: &t, Unit: g.Unit}, Remaining: total, Location: g.Location, State: ListingOpen,
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
}

// Draw is part of one grower's offer taken for a group-buy.
type Draw struct {
	Offer Listing
	Qty   int64
}

// DrawSupply takes supply for need units from offers, in the buyer's
// ranking for the group-buy (see RankOffers), each offer up to its
// remaining quantity, until need is covered. Offers without a per-unit ask
// are skipped: the association buys at an exact price.
func DrawSupply(g GroupBuy, need int64, offers []Listing, now time.Time) []Draw {
	var out []Draw
	for _, m := range RankOffers(g.Demand(need, now), offers, now) {
		if need <= 0 {
			break
		}
		if _, ok := m.Offer.Ask(); !ok {
			continue
		}
		take := min(m.Offer.Remaining, need)
		if take <= 0 {
			continue
		}
		out = append(out, Draw{Offer: m.Offer, Qty: take})
		need -= take
	}
	return out
}

// Allocate shares supply units among the commitments, in the order given
// (join order). The rule, deterministic for any input:
//
//  1. Enough supply: everyone gets what they committed.
//  2. Short: shares are apportioned by the largest-remainder method in units
//     of step: each participant's exact entitlement is commitment × supply ÷
//     total; each gets that rounded down to a whole step, and the steps
//     still left go one each to the largest fractional remainders, ties to
//     the earlier joiner, never past a commitment.
//  3. Minimum lot: while someone's share is above zero but below minLot,
//     the latest joiner among them is left out (gets 0) and step 2 is done
//     again among the rest; supply freed this way goes to those still in.
//  4. When leaving people out frees more than the rest committed, they get
//     all they committed and the left-out are served in join order with
//     what remains (each at least minLot, at most their commitment).
//
// It returns one quantity per commitment, summing to at most supply.
func Allocate(cs []Commitment, supply, step, minLot int64) []int64 {
	out := make([]int64, len(cs))
	if supply <= 0 || len(cs) == 0 {
		return out
	}
	step = max(step, 1)
	total := CommittedTotal(cs)
	if supply >= total {
		for i, c := range cs {
			out[i] = c.Qty
		}
		return out
	}
	in := make([]bool, len(cs))
	for i, c := range cs {
		in[i] = c.Qty > 0
	}
	for {
		var inTotal int64
		for i, c := range cs {
			if in[i] {
				inTotal += c.Qty
			}
		}
		if inTotal == 0 {
			return out
		}
		if inTotal <= supply {
			left := supply
			for i, c := range cs {
				if in[i] {
					out[i] = c.Qty
					left -= c.Qty
				}
			}
			for i, c := range cs { // rule 4: the left-out, in join order
				if in[i] || c.Qty <= 0 || left < max(minLot, 1) {
					continue
				}
				give := min(c.Qty, left/step*step)
				if give >= max(minLot, 1) {
					out[i] = give
					left -= give
				}
			}
			return out
		}
		apportion(cs, in, inTotal, supply, step, out)
		drop := -1
		for i := range cs {
			if in[i] && out[i] > 0 && out[i] < minLot {
				drop = i // keep the last: the latest joiner below the lot
			}
		}
		if drop < 0 {
			return out
		}
		in[drop] = false
		clear(out)
	}
}

// apportion does rule 2 among the participants marked in.
func apportion(cs []Commitment, in []bool, inTotal, supply, step int64, out []int64) {
	type rem struct {
		i   int
		num int64 // fractional remainder × inTotal × step, compared exactly
	}
	var rems []rem
	used := int64(0)
	for i, c := range cs {
		if !in[i] {
			continue
		}
		// exact entitlement = c.Qty × supply ÷ inTotal; in steps: ÷ step
		whole := c.Qty * supply / (inTotal * step) // floor, in steps
		out[i] = whole * step
		used += out[i]
		rems = append(rems, rem{i, c.Qty*supply - whole*step*inTotal})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.num, a.num) }) // stable: join order breaks ties
	left := supply - used
	for left >= step {
		gave := false
		for _, r := range rems {
			if left < step {
				break
			}
			if out[r.i]+step <= cs[r.i].Qty {
				out[r.i] += step
				left -= step
				gave = true
			}
		}
		if !gave {
			return
		}
	}
}

// Line is one participant's share from one grower: what goes on the
// grower's pick list and the participant's delivery sheet.
type Line struct {
	MemberID int64
	OfferID  int64
	GrowerID int64
	Qty      int64
}

// Assign fills each participant's allocation from the draws in order,
// participants in join order, so that pick lists and delivery sheets agree
// and every draw is used up before the next.
func Assign(cs []Commitment, alloc []int64, draws []Draw) []Line {
	var lines []Line
	d, left := 0, int64(0)
	if len(draws) > 0 {
		left = draws[0].Qty
	}
	for i, c := range cs {
		need := alloc[i]
		for need > 0 && d < len(draws) {
			if left == 0 {
				d++
				if d == len(draws) {
					break
				}
				left = draws[d].Qty
				continue
			}
			take := min(need, left)
			lines = append(lines, Line{MemberID: c.MemberID, OfferID: draws[d].Offer.ID, GrowerID: draws[d].Offer.MemberID, Qty: take})
			need -= take
			left -= take
		}
	}
	return lines
}

// EntryGroupBuy records the sale side of an allocated group-buy.
const EntryGroupBuy EntryKind = "groupbuy_allocated"

// GroupBuyEntry is the sale side of an allocated group-buy, as one
// balanced entry. The association bought from each grower through an
// ordinary order the grower confirmed, which posted the cost to the
// association's own member account (assoc) and the grower's payable. Here
// each participant owes the group-buy's price × allocation (the association
// is the seller of record), the cost is cleared from the association's
// account, and the difference — its margin — goes to assoc:fees (a debit
// when it sells below cost). Amounts are line totals rounded to the fen
// (money.go), so the entry sums to zero exactly. It returns the entry and
// the margin.
func GroupBuyEntry(g GroupBuy, assoc int64, cs []Commitment, alloc []int64, cost decimal.Decimal, at time.Time) (Entry, decimal.Decimal, error) {
	e := Entry{Kind: EntryGroupBuy, Ref: "groupbuy:" + itoa(g.ID), At: at}
	income := decimal.Zero
	for i, c := range cs {
		if alloc[i] > 0 {
			amt := LineTotal(g.Price, alloc[i])
			income = income.Add(amt)
			e.Postings = append(e.Postings, Posting{Account: Receivable(c.MemberID), Amount: amt})
		}
	}
	if cost.IsPositive() {
		e.Postings = append(e.Postings, Posting{Account: Receivable(assoc), Amount: cost.Neg()})
	}
	margin := income.Sub(cost)
	if !margin.IsZero() {
		e.Postings = append(e.Postings, Posting{Account: AssocFees, Amount: margin.Neg()})
	}
	return e, margin, e.Validate()
}

// Chinese names a group-buy state for replies and pages.
func (s GroupBuyState) Chinese() string {
	switch s {
	case GroupOpen:
		return "进行中"
	case GroupClosed:
		return "成团"
	case GroupPurchasing:
		return "向种植户下单中"
	case GroupAllocated:
		return "已分配"
	case GroupFailed:
		return "未成团"
	case GroupCancelled:
		return "取消"
	case GroupDelivered:
		return "已交货"
	}
	return string(s)
}

package groupbuy

import (
	"context"
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"huamu/internal/store"
	"huamu/matching"
)

// Plan is an allocation: where the supply comes from, what each
// participant gets, and the money. A clerk sees it as a preview, may change
// how much is drawn from an offer (a grower phoned in), and confirms it.
type Plan struct {
	Group        matching.GroupBuy
	Participants []store.Participant
	Committed    int64
	Draws        []matching.Draw
	Supply       int64
	Alloc        []int64 // parallel to Participants
	Lines        []matching.Line
	Cost         decimal.Decimal // owed to growers
	Income       decimal.Decimal // owed by participants
	Margin       decimal.Decimal // the association's
}

// Short is how much of the commitments the supply does not cover.
func (p Plan) Short() int64 { return max(p.Committed-p.Supply, 0) }

// Preview computes the allocation of a closed group-buy from the open
// offers now, without changing anything. override sets how much to draw
// from an offer id (0 leaves it out).
func (s *Service) Preview(ctx context.Context, id int64, override map[int64]int64) (Plan, error) {
	var p Plan
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		p, err = plan(ctx, tx, id, override, false)
		return err
	})
	return p, err
}

// plan builds the allocation inside tx; with lock, the group-buy and the
// drawn listings are locked so that confirming it cannot race an order.
func plan(ctx context.Context, tx *store.Tx, id int64, override map[int64]int64, lock bool) (Plan, error) {
	var p Plan
	var err error
	if p.Group, err = tx.GroupBuyForUpdate(ctx, id); err != nil {
		return p, err
	}
	if p.Group.State != matching.GroupClosed {
		return p, matching.Errorf(matching.CodeConflict, "团购%d%s，不能分配", id, p.Group.State.Chinese())
	}
	if p.Participants, err = tx.Participants(ctx, id); err != nil {
		return p, err
	}
	cs := make([]matching.Commitment, len(p.Participants))
	for i, pt := range p.Participants {
		cs[i] = pt.Commitment
	}
	p.Committed = matching.CommittedTotal(cs)
	offers, err := tx.OpenListings(ctx, matching.Supply, p.Group.Species)
	if err != nil {
		return p, err
	}
	if len(override) > 0 {
		// A clerk's figure wins over the ranking's: draw exactly that much
		// from each overridden offer (never more than remains), the rest
		// in ranking order.
		var fixed []matching.Draw
		var rest []matching.Listing
		need := p.Committed
		for _, o := range offers {
			q, ok := override[o.ID]
			if !ok {
				rest = append(rest, o)
				continue
			}
			if q < 0 || q > o.Remaining {
				return p, matching.Errorf(matching.CodeInvalid, "%d号信息只剩%d%s，不能调为%d", o.ID, o.Remaining, o.Qty.Unit, q)
			}
			if _, priced := o.Ask(); !priced && q > 0 {
				return p, matching.Errorf(matching.CodeInvalid, "%d号信息没有单价，不能调入", o.ID)
			}
			if q > 0 {
				fixed = append(fixed, matching.Draw{Offer: o, Qty: q})
				need -= q
			}
		}
		p.Draws = append(fixed, matching.DrawSupply(p.Group, max(need, 0), rest, tx.Now)...)
	} else {
		p.Draws = matching.DrawSupply(p.Group, p.Committed, offers, tx.Now)
	}
	for _, d := range p.Draws {
		p.Supply += d.Qty
	}
	p.Alloc = matching.Allocate(cs, p.Supply, p.Group.Step, p.Group.MinEach)
	// Draw only what is allocated: trim the last draws of what rounding left over.
	var given int64
	for _, a := range p.Alloc {
		given += a
	}
	for i := len(p.Draws) - 1; i >= 0 && p.Supply > given; i-- {
		cut := min(p.Draws[i].Qty, p.Supply-given)
		p.Draws[i].Qty -= cut
		p.Supply -= cut
	}
	kept := p.Draws[:0]
	for _, d := range p.Draws {
		if d.Qty > 0 {
			kept = append(kept, d)
		}
	}
	p.Draws = kept
	p.Lines = matching.Assign(cs, p.Alloc, p.Draws)
	p.Cost, p.Income = decimal.Zero, decimal.Zero
	for _, d := range p.Draws {
		ask, _ := d.Offer.Ask()
		p.Cost = p.Cost.Add(matching.LineTotal(ask, d.Qty))
	}
	for _, a := range p.Alloc {
		p.Income = p.Income.Add(matching.LineTotal(p.Group.Price, a))
	}
	p.Margin = p.Income.Sub(p.Cost)
	if lock {
		for _, d := range p.Draws {
			if _, err := tx.ListingForUpdate(ctx, d.Offer.ID); err != nil {
				return p, err
			}
		}
	}
	return p, nil
}

// Confirm allocates a closed group-buy as previewed (with the same
// overrides): it reserves each grower's quantity against their listing,
// stores the lines and allocations, posts one balanced ledger entry (the
// association buys from each grower and sells to each participant), and
// texts every grower and participant — all in one transaction.
func (s *Service) Confirm(ctx context.Context, id int64, override map[int64]int64, userID int64) (Plan, error) {
	var p Plan
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = plan(ctx, tx, id, override, true); err != nil {
			return err
		}
		if p.Supply == 0 {
			return matching.Errorf(matching.CodeConflict, "团购%d没有可用货源，不能分配", id)
		}
		for _, d := range p.Draws {
			if err := tx.ReserveForGroupBuy(ctx, d.Offer.ID, d.Qty); err != nil {
				return err
			}
		}
		byOffer := map[int64]matching.Draw{}
		for _, d := range p.Draws {
			byOffer[d.Offer.ID] = d
		}
		lines := make([]store.GroupBuyLine, len(p.Lines))
		for i, l := range p.Lines {
			ask, _ := byOffer[l.OfferID].Offer.Ask()
			lines[i] = store.GroupBuyLine{MemberID: l.MemberID, ListingID: l.OfferID, GrowerID: l.GrowerID, Qty: l.Qty, UnitCost: ask}
		}
		alloc := map[int64]int64{}
		cs := make([]matching.Commitment, len(p.Participants))
		for i, pt := range p.Participants {
			alloc[pt.MemberID] = p.Alloc[i]
			cs[i] = pt.Commitment
		}
		if err := tx.SaveAllocation(ctx, id, lines, alloc); err != nil {
			return err
		}
		e, _, err := matching.GroupBuyEntry(p.Group, cs, p.Alloc, p.Draws, tx.Now)
		if err != nil {
			return err
		}
		var uid *int64
		if userID != 0 {
			uid = &userID
		}
		if _, err := tx.PostEntry(ctx, e, store.EntryMeta{UserID: uid, Memo: "团购" + strconv.FormatInt(id, 10) + "分配"}); err != nil {
			return err
		}
		if err := tx.SetGroupBuyState(ctx, id, matching.GroupAllocated, ""); err != nil {
			return err
		}
		return s.textAllocation(ctx, tx, p)
	})
	if err != nil {
		return p, err
	}
	return p, s.Store.Audit(ctx, userID, "groupbuy.allocate", "groupbuy:"+strconv.FormatInt(id, 10),
		fmt.Sprintf("供货%d/%d%s 成本%s 收入%s", p.Supply, p.Committed, p.Group.Unit, matching.Yuan(p.Cost), matching.Yuan(p.Income)))
}

// textAllocation tells each grower what the association buys from them and
// each participant what they get and owe.
func (s *Service) textAllocation(ctx context.Context, tx *store.Tx, p Plan) error {
	g := p.Group
	for _, d := range p.Draws {
		ask, _ := d.Offer.Ask()
		text := fmt.Sprintf("协会团购%d向您订%d号 %s %d%s %s元/%s 共%s元,请备货", g.ID, d.Offer.ID, d.Offer.Species,
			d.Qty, g.Unit, matching.Yuan(ask), g.Unit, matching.Yuan(matching.LineTotal(ask, d.Qty)))
		if err := send(ctx, tx, d.Offer.Phone, text); err != nil {
			return err
		}
	}
	for i, pt := range p.Participants {
		var text string
		if p.Alloc[i] > 0 {
			text = fmt.Sprintf("团购%d %s 分配给您%d%s(报%d) 应付%s元,交货另行通知", g.ID, title(g), p.Alloc[i], g.Unit,
				pt.Qty, matching.Yuan(matching.LineTotal(g.Price, p.Alloc[i])))
		} else {
			text = fmt.Sprintf("团购%d %s 货源不足,这次没能分到,抱歉", g.ID, title(g))
		}
		if err := send(ctx, tx, pt.Phone, text); err != nil {
			return err
		}
	}
	return nil
}

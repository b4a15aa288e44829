package groupbuy

import (
	"context"
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
)

// A group-buy that went ahead is settled in two steps, as the association
// works: first it orders from growers (Purchase: one ordinary order per
// grower listing, the association the buyer of record, each grower
// confirming or declining by SMS like any order), then it shares what the
// growers confirmed among the participants (Allocate: the association the
// seller of record). A clerk may order again to make up for a grower who
// declined, before allocating.

// Plan is a group-buy's settlement as a clerk sees it: the purchases to
// make or made, and what each participant would get and owe.
type Plan struct {
	Group        matching.GroupBuy
	Participants []store.Participant
	Committed    int64
	Orders       []store.OrderInfo // purchases already made
	Held         int64             // units the live purchases hold (proposed or confirmed)
	Pending      int               // purchases a grower has not answered yet
	Draws        []matching.Draw   // further purchases proposed to cover the rest
	Confirmed    int64             // units growers confirmed
	Alloc        []int64           // parallel to Participants, from what growers confirmed
	Lines        []matching.Line
	Cost         decimal.Decimal // owed to growers for what they confirmed
	Income       decimal.Decimal // owed by participants under Alloc
	Margin       decimal.Decimal // the association's
}

// Short is how much of the commitments neither live purchases nor the
// proposed draws cover.
func (p Plan) Short() int64 {
	var drawn int64
	for _, d := range p.Draws {
		drawn += d.Qty
	}
	return max(p.Committed-p.Held-drawn, 0)
}

// Preview computes the settlement of a group-buy that went ahead, without
// changing anything. override sets how much to draw from an offer id (0
// leaves it out) when a grower phoned in.
func (s *Service) Preview(ctx context.Context, id int64, override map[int64]int64) (Plan, error) {
	var p Plan
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		p, err = plan(ctx, tx, id, override)
		return err
	})
	return p, err
}

// plan builds the settlement inside tx, the group-buy locked.
func plan(ctx context.Context, tx *store.Tx, id int64, override map[int64]int64) (Plan, error) {
	var p Plan
	var err error
	if p.Group, err = tx.GroupBuyForUpdate(ctx, id); err != nil {
		return p, err
	}
	if p.Group.State != matching.GroupClosed && p.Group.State != matching.GroupPurchasing {
		return p, matching.Errorf(matching.CodeConflict, "团购%d%s，不能下单或分配", id, p.Group.State.Chinese())
	}
	if p.Participants, err = tx.Participants(ctx, id); err != nil {
		return p, err
	}
	cs := commitments(p.Participants)
	p.Committed = matching.CommittedTotal(cs)
	if p.Orders, err = tx.GroupBuyOrders(ctx, id); err != nil {
		return p, err
	}
	ordered := map[int64]bool{} // listings with a live purchase are not drawn again
	var confirmed []matching.Draw
	p.Cost = decimal.Zero
	for _, o := range p.Orders {
		switch o.State {
		case matching.OrderProposed:
			p.Pending++
		case matching.OrderConfirmed, matching.OrderDelivered:
			confirmed = append(confirmed, drawOf(o))
			p.Confirmed += o.Qty
			p.Cost = p.Cost.Add(o.Total())
		default:
			continue
		}
		p.Held += o.Qty
		ordered[o.ListingID] = true
	}
	if need := p.Committed - p.Held; need > 0 {
		offers, err := tx.OpenListings(ctx, matching.Supply, p.Group.Species)
		if err != nil {
			return p, err
		}
		var free []matching.Listing
		for _, o := range offers {
			if !ordered[o.ID] {
				free = append(free, o)
			}
		}
		if p.Draws, err = draw(p.Group, need, free, override, tx); err != nil {
			return p, err
		}
	}
	p.Alloc = matching.Allocate(cs, p.Confirmed, p.Group.Step, p.Group.MinEach)
	p.Lines = matching.Assign(cs, p.Alloc, confirmed)
	p.Income = decimal.Zero
	for _, a := range p.Alloc {
		p.Income = p.Income.Add(matching.LineTotal(p.Group.Price, a))
	}
	p.Margin = p.Income.Sub(p.Cost)
	return p, nil
}

// draw picks further purchases for need units: a clerk's figures first
// (never more than an offer holds), the rest in the buyer's ranking.
func draw(g matching.GroupBuy, need int64, offers []matching.Listing, override map[int64]int64, tx *store.Tx) ([]matching.Draw, error) {
	if len(override) == 0 {
		return matching.DrawSupply(g, need, offers, tx.Now), nil
	}
	var fixed []matching.Draw
	var rest []matching.Listing
	for _, o := range offers {
		q, ok := override[o.ID]
		if !ok {
			rest = append(rest, o)
			continue
		}
		if q < 0 || q > o.Remaining {
			return nil, matching.Errorf(matching.CodeInvalid, "%d号信息只剩%d%s，不能调为%d", o.ID, o.Remaining, o.Qty.Unit, q)
		}
		if _, priced := o.Ask(); !priced && q > 0 {
			return nil, matching.Errorf(matching.CodeInvalid, "%d号信息没有单价，不能调入", o.ID)
		}
		if q > 0 {
			fixed = append(fixed, matching.Draw{Offer: o, Qty: q})
			need -= q
		}
	}
	return append(fixed, matching.DrawSupply(g, max(need, 0), rest, tx.Now)...), nil
}

func commitments(ps []store.Participant) []matching.Commitment {
	cs := make([]matching.Commitment, len(ps))
	for i, p := range ps {
		cs[i] = p.Commitment
	}
	return cs
}

// drawOf turns a confirmed purchase into the supply it gives.
func drawOf(o store.OrderInfo) matching.Draw {
	price := o.UnitPrice
	q := o.Qty
	return matching.Draw{Qty: o.Qty, Offer: matching.Listing{ID: o.ListingID, MemberID: o.SellerID, Phone: o.SellerPhone,
		Species: o.Species, Qty: matching.Qty{Min: &q, Unit: o.Unit}, Price: &matching.Price{Min: &price, Max: &price, Per: o.Unit}}}
}

// Purchase places the previewed purchases (with the same overrides): one
// order per grower listing, the association the buyer, reserving the stock
// as any order does; each grower is texted the order to confirm or decline.
func (s *Service) Purchase(ctx context.Context, id int64, override map[int64]int64, userID int64) (Plan, error) {
	var p Plan
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = plan(ctx, tx, id, override); err != nil {
			return err
		}
		if len(p.Draws) == 0 {
			return matching.Errorf(matching.CodeConflict, "团购%d没有可以下单的货源", id)
		}
		assoc, err := tx.AssociationID(ctx)
		if err != nil {
			return err
		}
		buyer := "协会(团购" + strconv.FormatInt(id, 10) + ")"
		for _, d := range p.Draws {
			l, err := tx.ListingForUpdate(ctx, d.Offer.ID)
			if err != nil {
				return err
			}
			o, err := matching.NewOrder(l, assoc, d.Qty, tx.Now, s.OrderTTL)
			if err != nil {
				return err
			}
			if o, err = tx.InsertOrder(ctx, nil, o); err != nil {
				return err
			}
			if err := tx.TagGroupBuyOrder(ctx, o.ID, id); err != nil {
				return err
			}
			if err := s.send(ctx, tx, l.Phone, outbound.OrderProposal(o, "", buyer)...); err != nil {
				return err
			}
		}
		if err := tx.SetGroupBuyState(ctx, id, matching.GroupPurchasing, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "groupbuy.purchase", object(id), fmt.Sprintf("向%d家下单", len(p.Draws)))
	})
	return p, err
}

// Allocate shares what the growers confirmed among the participants
// (matching.Allocate's rule), stores the lines, posts the sale in the
// ledger and texts every participant what they get and owe. Every grower
// must have answered first.
func (s *Service) Allocate(ctx context.Context, id int64, userID int64) (Plan, error) {
	var p Plan
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = plan(ctx, tx, id, nil); err != nil {
			return err
		}
		if p.Group.State != matching.GroupPurchasing {
			return matching.Errorf(matching.CodeConflict, "团购%d还没有向种植户下单", id)
		}
		if p.Pending > 0 {
			return matching.Errorf(matching.CodeConflict, "还有%d家种植户没有确认，确认或过期后再分配", p.Pending)
		}
		if p.Confirmed == 0 {
			return matching.Errorf(matching.CodeConflict, "没有种植户确认供货，不能分配：可以再向其他种植户下单，或取消团购")
		}
		lines := make([]store.GroupBuyLine, len(p.Lines))
		price := map[int64]decimal.Decimal{}
		for _, o := range p.Orders {
			price[o.ListingID] = o.UnitPrice
		}
		for i, l := range p.Lines {
			lines[i] = store.GroupBuyLine{MemberID: l.MemberID, ListingID: l.OfferID, GrowerID: l.GrowerID, Qty: l.Qty, UnitCost: price[l.OfferID]}
		}
		alloc := map[int64]int64{}
		for i, pt := range p.Participants {
			alloc[pt.MemberID] = p.Alloc[i]
		}
		if err := tx.SaveAllocation(ctx, id, lines, alloc); err != nil {
			return err
		}
		assoc, err := tx.AssociationID(ctx)
		if err != nil {
			return err
		}
		e, _, err := matching.GroupBuyEntry(p.Group, assoc, commitments(p.Participants), p.Alloc, p.Cost, tx.Now)
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
		if err := s.textAllocation(ctx, tx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "groupbuy.allocate", object(id), fmt.Sprintf("分配%d/%d%s 成本%s 收入%s",
			p.Confirmed, p.Committed, p.Group.Unit, matching.Yuan(p.Cost), matching.Yuan(p.Income)))
	})
	return p, err
}

// textAllocation tells each participant what they get and owe.
func (s *Service) textAllocation(ctx context.Context, tx *store.Tx, p Plan) error {
	g := p.Group
	for i, pt := range p.Participants {
		if err := s.send(ctx, tx, pt.Phone, outbound.GroupBuyAllocated(g, pt.Qty, p.Alloc[i])); err != nil {
			return err
		}
	}
	return nil
}

package groupbuy

import (
	"context"
	"fmt"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
)

// InviteResult is what an invitation round did and cost.
type InviteResult struct {
	Invited int // numbers texted
	Parts   int // SMS parts those texts take, signature included
}

// Invite texts every number with an open demand the group-buy could serve,
// once per number per group-buy: numbers invited before are skipped, and
// stopped numbers get nothing (the outbox refuses unsolicited texts to
// them). The outbox's signature is counted in the parts.
func (s *Service) Invite(ctx context.Context, id int64, userID int64) (InviteResult, error) {
	var res InviteResult
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		res = InviteResult{}
		g, err := tx.GroupBuyForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if g.State != matching.GroupOpen {
			return matching.Errorf(matching.CodeConflict, "团购%d已%s，不能邀请", id, g.State.Chinese())
		}
		demands, err := tx.OpenListings(ctx, matching.Demand, g.Species)
		if err != nil {
			return err
		}
		o := s.outbox()
		text := o.Fit(outbound.GroupBuyInvite(g))
		parts := o.Parts(text)
		seen := map[int64]bool{}
		for _, d := range Fits(g, demands) {
			if seen[d.MemberID] {
				continue
			}
			seen[d.MemberID] = true
			fresh, err := tx.MarkInvited(ctx, id, d.MemberID)
			if err != nil {
				return err
			}
			if !fresh {
				continue
			}
			queued, err := o.Enqueue(ctx, tx, outbound.Msg{To: d.Phone, Body: text, Kind: outbound.KindInvite})
			if err != nil {
				return err
			}
			if queued {
				res.Invited++
				res.Parts += parts
			}
		}
		return tx.Audit(ctx, userID, "groupbuy.invite", object(id), fmt.Sprintf("邀请%d人，%d条短信", res.Invited, res.Parts))
	})
	if err != nil {
		return InviteResult{}, err
	}
	return res, nil
}

// Fits returns the open demands the group-buy could serve: the group-buy,
// seen as an offer at its price, is compatible with the demand by the
// exchange's own rules.
func Fits(g matching.GroupBuy, demands []matching.Listing) []matching.Listing {
	price := g.Price
	offer := matching.Listing{ID: -g.ID, MemberID: -1, Side: matching.Supply, Species: g.Species, Variety: g.Variety,
		Spec: g.Spec, Attrs: g.Attrs, Qty: matching.Qty{Unit: g.Unit}, Remaining: 1,
		Price: &matching.Price{Min: &price, Max: &price, Per: g.Unit}, State: matching.ListingOpen}
	var out []matching.Listing
	for _, d := range demands {
		if ok, _ := matching.Compatible(offer, d); ok {
			out = append(out, d)
		}
	}
	return out
}

// FittingDemands counts the numbers with an open demand the group-buy fits.
func (s *Service) FittingDemands(ctx context.Context, id int64) (int, error) {
	g, err := s.Store.GroupBuy(ctx, id)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		demands, err := tx.OpenListings(ctx, matching.Demand, g.Species)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, d := range Fits(g, demands) {
			seen[d.MemberID] = true
		}
		n = len(seen)
		return nil
	})
	return n, err
}

// Suggest proposes group-buys from the open book: several small demands
// for the same stock that growers' open offers could cover (see
// matching.SuggestGroupBuys). The clerk decides.
func (s *Service) Suggest(ctx context.Context) ([]matching.Suggestion, error) {
	var out []matching.Suggestion
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		demands, err := tx.OpenListingsAll(ctx, matching.Demand, 20000)
		if err != nil {
			return err
		}
		offers, err := tx.OpenListingsAll(ctx, matching.Supply, 100000)
		if err != nil {
			return err
		}
		out = matching.SuggestGroupBuys(demands, offers, tx.Now, SmallDemand, 3)
		return nil
	})
	return out, err
}

// SmallDemand is the most units a demand may ask for to count as small
// when proposing group-buys.
const SmallDemand = 200

package exchange

import (
	"context"
	"fmt"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// order carries out 订 1024 100: a proposal for 100 of offer 1024's
// remaining quantity, reserved at once (the listing row is locked, and the
// store's conditional update never lets remaining go below zero). The
// grower gets the proposal with the ids to answer; the buyer is told it is
// pending. An order for more than remains is refused with what remains
// (仅剩50株，回"订 1024 50"); 订 1024 without a quantity takes all that
// remains when that is at most matching.MaxBareOrderQty, and otherwise asks
// how many. One buyer waits on at most matching.MaxOpenProposals proposals.
// The order is unique to the inbound row, so a replayed text cannot make a
// second one; and the same order from the same buyer again within
// store.DefaultRedelivery (a text re-sent for want of a reply, or one
// delivered again that was taken for new) is answered with the first.
func (s *Service) order(ctx context.Context, tx *store.Tx, in store.Inbound, buyer store.Member, r grammar.Result) (string, error) {
	if done, err := tx.OrderByInbound(ctx, in.ID); err == nil {
		// This very text was handled before (a replay): nothing more to do.
		return fmt.Sprintf("订单%d已由本短信生成，未重复下单", done.ID), nil
	} else if matching.ErrorCodeOf(err) != matching.CodeNotFound {
		return "", err
	}
	id, err := parseID(r.Args.ListingID, "订 1024 100")
	if err != nil {
		return "", err
	}
	l, err := tx.ListingForUpdate(ctx, id)
	if matching.ErrorCodeOf(err) == matching.CodeNotFound {
		return "", matching.Errorf(matching.CodeNotFound, "没有%d号货源，请核对编号", id)
	}
	if err != nil {
		return "", err
	}
	if l.Side == matching.Supply && l.Open(tx.Now) && !l.QtyKnown() {
		return "", matching.Errorf(matching.CodeInvalid, "%d号未写数量，请电话联系%s", id, l.CallNumber())
	}
	want := l.Remaining // 订 1024 alone: all that remains, up to a bound
	if q := r.Args.Qty; q != nil {
		want = matching.Qty{Min: q.Min, Max: q.Max}.Amount()
		if want <= 0 {
			return "", matching.Errorf(matching.CodeInvalid, "数量须大于0，如\"订 %d 100\"", id)
		}
	} else if want > matching.MaxBareOrderQty && l.Side == matching.Supply && l.Open(tx.Now) {
		unit := l.Unit()
		if unit == "" {
			unit = "株"
		}
		return "", matching.Errorf(matching.CodeInvalid, "%d号有%d%s，请写明要订多少，如\"订 %d 100\"", id, want, unit, id)
	}
	open, err := tx.BuyerProposals(ctx, buyer.ID)
	if err != nil {
		return "", err
	}
	for _, p := range open {
		if p.ListingID == l.ID && p.Qty == want && tx.Now.Sub(p.CreatedAt) < store.DefaultRedelivery {
			// The same order again within minutes: a text sent again for
			// want of an answer, or delivered again. It takes effect once;
			// the buyer is told where it stands.
			if err := s.reply(ctx, tx, in.ID, buyer.Phone, s.Outbox.Fit(outbound.OrderPending(p)), outbound.KindReply); err != nil {
				return "", err
			}
			return fmt.Sprintf("与订单%d相同（短时间内重复下单），未重复下单", p.ID), nil
		}
	}
	o, err := matching.NewOrder(l, buyer.ID, want, tx.Now, s.OrderTTL)
	if err != nil {
		return "", err
	}
	if err := matching.CheckOpenProposals(open, o); err != nil {
		return "", err
	}
	if o, err = tx.InsertOrder(ctx, &in.ID, o); err != nil {
		return "", err
	}
	proposal := s.Outbox.Fit(outbound.OrderProposal(o, buyer.Name, buyer.Phone)...)
	if err := s.reply(ctx, tx, in.ID, l.Phone, proposal, outbound.KindOrder); err != nil {
		return "", err
	}
	if err := s.reply(ctx, tx, in.ID, buyer.Phone, s.Outbox.Fit(outbound.OrderPending(o)), outbound.KindReply); err != nil {
		return "", err
	}
	return fmt.Sprintf("订单%d: 订%d号%d%s，待卖家确认", o.ID, l.ID, o.Qty, o.Unit), nil
}

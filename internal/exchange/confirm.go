package exchange

import (
	"context"
	"fmt"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// confirm carries out 确认 77 (or a bare 确认) from the grower.
func (s *Service) confirm(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result) (string, error) {
	return s.settle(ctx, tx, in, m, r, matching.EventConfirm)
}

// decline carries out 拒绝 77 (or a bare 拒绝) from the grower.
func (s *Service) decline(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result) (string, error) {
	return s.settle(ctx, tx, in, m, r, matching.EventDecline)
}

// settle finds the order a 确认/拒绝 means — the id given, or the sender's
// one pending proposal (several: ask back with their ids) — and applies it.
func (s *Service) settle(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result, kind matching.OrderEventKind) (string, error) {
	var o store.OrderInfo
	if r.NeedsContext || r.Args.MatchID == nil {
		pending, err := tx.PendingOrdersForSeller(ctx, m.ID)
		if err != nil {
			return "", err
		}
		orders := make([]matching.Order, len(pending))
		for i, p := range pending {
			orders[i] = p.Order
		}
		one, err := matching.ResolvePending(orders)
		if err != nil {
			return "", err
		}
		for _, p := range pending {
			if p.ID == one.ID {
				o = p
			}
		}
	} else {
		id, err := parseID(r.Args.MatchID, kind.Chinese()+" 77")
		if err != nil {
			return "", err
		}
		if o, err = tx.OrderForUpdate(ctx, id); matching.ErrorCodeOf(err) == matching.CodeNotFound {
			return "", matching.Errorf(matching.CodeNotFound, "没有订单%d，请核对编号", id)
		} else if err != nil {
			return "", err
		}
	}
	ev := matching.OrderEvent{Kind: kind, By: matching.Actor{MemberID: m.ID}}
	next, err := s.Transition(ctx, tx, &in.ID, o, ev, Via{})
	if matching.ErrorCodeOf(err) == matching.CodeExpired && kind == matching.EventConfirm {
		// Too late: expire it now (releasing the stock, telling both sides)
		// rather than leave it for the expirer.
		if _, err := s.Transition(ctx, tx, &in.ID, o, matching.OrderEvent{Kind: matching.EventExpire}, Via{}); err != nil {
			return "", err
		}
		return fmt.Sprintf("订单%d确认时已超时，已失效", o.ID), nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("订单%d%s", next.ID, next.State.Chinese()), nil
}

// Via says who moved an order when it was not one of its parties by SMS.
type Via struct {
	ClerkID int64  // the clerk who acted in the back office, 0 for none
	Note    string // the clerk's reason, kept on the order
}

// Transition applies ev to order o (locked by the caller) in tx: the state
// change, the stock an order stops holding given back, the ledger entry of
// a confirmation, and the texts both parties get, all in tx. inboundID
// names the text that caused it, if one did. A refused event is a domain
// error and changes nothing.
func (s *Service) Transition(ctx context.Context, tx *store.Tx, inboundID *int64, o store.OrderInfo, ev matching.OrderEvent, via Via) (matching.Order, error) {
	next, err := o.Apply(ev, tx.Now)
	if err != nil {
		return next, err
	}
	if err := tx.UpdateOrderState(ctx, next, o.State, via.Note); err != nil {
		return next, err
	}
	if next.State == matching.OrderConfirmed {
		e, err := matching.ConfirmedOrderEntry(next, s.FeeRate)
		if err != nil {
			return next, err
		}
		meta := store.EntryMeta{InboundID: inboundID, Memo: "订单确认"}
		if via.ClerkID != 0 {
			meta.UserID, meta.Memo = &via.ClerkID, "工作人员代卖家确认"
		}
		if _, err := tx.PostEntry(ctx, e, meta); err != nil {
			return next, fmt.Errorf("post order %d: %w", next.ID, err)
		}
	}
	for _, t := range outbound.OrderNews(o, next, via.ClerkID != 0) {
		if err := s.reply(ctx, tx, orZero(inboundID), t.To, s.Outbox.Fit(t.Body), outbound.KindOrder); err != nil {
			return next, err
		}
	}
	return next, nil
}

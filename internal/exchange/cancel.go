package exchange

import (
	"context"
	"fmt"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// cancel carries out 取消 1024: the sender's own listing 1024 is withdrawn;
// failing that, their own pending order 1024 (as its buyer) is cancelled and
// its stock released. A bare 取消 (or 取消 桂花) means the sender's one open
// listing (of that species); with several it asks back with their ids.
// Orders a withdrawn offer already holds stock for stand: the grower can
// still answer them.
func (s *Service) cancel(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result) (string, error) {
	by := matching.Actor{MemberID: m.ID}
	if r.NeedsContext || r.Args.ListingID == nil {
		open, err := tx.MemberListings(ctx, m.ID, matching.ListingOpen, 50)
		if err != nil {
			return "", err
		}
		if sp := r.Args.Species; sp != "" {
			var same []matching.Listing
			for _, l := range open {
				if l.Species == sp {
					same = append(same, l)
				}
			}
			open = same
		}
		l, err := matching.ResolveListing(open)
		if err != nil {
			return "", err
		}
		return s.withdrawn(ctx, tx, in, l, by)
	}
	id, err := parseID(r.Args.ListingID, "取消 1024")
	if err != nil {
		return "", err
	}
	l, lerr := tx.ListingForUpdate(ctx, id)
	if lerr == nil && l.MemberID == m.ID {
		return s.withdrawn(ctx, tx, in, l, by)
	}
	if code := matching.ErrorCodeOf(lerr); lerr != nil && code != matching.CodeNotFound {
		return "", lerr
	}
	o, oerr := tx.OrderForUpdate(ctx, id)
	if oerr == nil && o.BuyerID == m.ID {
		next, err := s.Transition(ctx, tx, &in.ID, o, matching.OrderEvent{Kind: matching.EventCancel, By: by}, Via{})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("买家取消订单%d", next.ID), nil
	}
	if code := matching.ErrorCodeOf(oerr); oerr != nil && code != matching.CodeNotFound {
		return "", oerr
	}
	if lerr == nil {
		return s.withdrawn(ctx, tx, in, l, by) // someone else's: the rule says why not
	}
	return "", matching.Errorf(matching.CodeNotFound, "没有找到您的%d号信息或订单，请核对编号", id)
}

// withdrawn withdraws listing l for by, who texted in, and returns the
// outcome clerks read.
func (s *Service) withdrawn(ctx context.Context, tx *store.Tx, in store.Inbound, l matching.Listing, by matching.Actor) (string, error) {
	if err := s.withdraw(ctx, tx, &in, l, by); err != nil {
		return "", err
	}
	return fmt.Sprintf("撤销%d号信息", l.ID), nil
}

// withdraw cancels listing l, locked in tx, for by and tells its owner:
// the one path for a member's 取消 (in is their text, answered) and a
// clerk's 撤销 in the back office (in is nil; the owner is sent a notice).
// The rule is matching.Listing.Cancel: the owner or a clerk, while the
// listing is open. Orders it already holds stock for stand either way.
func (s *Service) withdraw(ctx context.Context, tx *store.Tx, in *store.Inbound, l matching.Listing, by matching.Actor) error {
	next, err := l.Cancel(by, tx.Now)
	if err != nil {
		return err
	}
	if err := tx.CloseListing(ctx, l.ID, next.State); err != nil {
		return err
	}
	if in == nil {
		return s.reply(ctx, tx, 0, l.Phone, s.Outbox.Fit(outbound.WithdrawnByClerk(l)...), outbound.KindNotice)
	}
	return s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(outbound.Withdrawn(l)...), outbound.KindReply)
}

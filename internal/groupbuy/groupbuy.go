// Package groupbuy runs group-buys (团购 / 代采购) around the pure rules in
// matching: buyers join by SMS, deadlines fire exactly once across
// processes and restarts, and a clerk previews and confirms how the supply
// is allocated across growers. Every change and the SMS it causes commit in
// one transaction.
package groupbuy

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"huamu/internal/outbound"
	"huamu/internal/startstop"
	"huamu/internal/store"
	"huamu/matching"
)

// Service runs group-buys.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Every time.Duration // how often deadlines are checked; default 2 s
	// OrderTTL is how long a grower has to confirm a purchase
	// (matching.DefaultOrderTTL when zero).
	OrderTTL time.Duration
	// Outbox writes the texts; nil writes them with no signature counted
	// and leaves the senders to find them.
	Outbox *outbound.Outbox

	group startstop.Group
}

func (s *Service) outbox() *outbound.Outbox {
	if s.Outbox == nil {
		return &outbound.Outbox{}
	}
	return s.Outbox
}

// send writes a group-buy text to the outbox in tx: the first candidate
// that fits one SMS with the signature, else two (Budget.Fit).
func (s *Service) send(ctx context.Context, tx *store.Tx, phone string, candidates ...string) error {
	o := s.outbox()
	_, err := o.Enqueue(ctx, tx, outbound.Msg{To: phone, Body: o.Fit(candidates...), Kind: outbound.KindGroupBuy})
	return err
}

// object names group-buy id in the audit log.
func object(id int64) string { return "groupbuy:" + strconv.FormatInt(id, 10) }

// Create opens a new group-buy for clerk userID in tx — the transaction
// that keeps the form's one-time token (store.Once) — and audits it there.
func (s *Service) Create(ctx context.Context, tx *store.Tx, g matching.GroupBuy, userID int64) (matching.GroupBuy, error) {
	g, err := tx.CreateGroupBuy(ctx, g, userID)
	if err != nil {
		return g, err
	}
	return g, tx.Audit(ctx, userID, "groupbuy.create", object(g.ID), g.Species)
}

// Join applies a participant's 参团 (qty 0 leaves) to a locked group-buy in
// tx and returns the reply for the participant. When the commitment reaches
// the cap the group-buy closes at once and everyone is told.
func (s *Service) Join(ctx context.Context, tx *store.Tx, memberID, id, qty int64, inboundID *int64) (string, error) {
	g, err := tx.GroupBuyForUpdate(ctx, id)
	if err != nil {
		return "", err
	}
	ps, err := tx.Participants(ctx, id)
	if err != nil {
		return "", err
	}
	var others, mine int64
	for _, p := range ps {
		if p.MemberID == memberID {
			mine = p.Qty
		} else {
			others += p.Qty
		}
	}
	if qty == 0 && mine == 0 {
		return outbound.GroupBuyNotJoined(id), nil
	}
	accepted, err := g.CheckCommitment(qty, others, tx.Now)
	if err != nil {
		return "", err
	}
	if err := tx.SetCommitment(ctx, id, memberID, accepted); err != nil {
		return "", err
	}
	total := others + accepted
	reply := outbound.GroupBuyJoined(g, mine, accepted, total)
	if g.Evaluate(total, tx.Now) == matching.GroupGoesAhead {
		if err := s.close(ctx, tx, g, total, memberID); err != nil {
			return "", err
		}
		reply = outbound.GroupBuyFilledByYou(g, accepted)
	}
	return reply, nil
}

// close marks a locked group-buy as going ahead and tells its participants
// (except skip, who gets the reply to their own text).
func (s *Service) close(ctx context.Context, tx *store.Tx, g matching.GroupBuy, total, skip int64) error {
	if err := tx.SetGroupBuyState(ctx, g.ID, matching.GroupClosed, ""); err != nil {
		return err
	}
	ps, err := tx.Participants(ctx, g.ID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.MemberID == skip {
			continue
		}
		if err := s.send(ctx, tx, p.Phone, outbound.GroupBuyGoesAhead(g, total, p.Qty)); err != nil {
			return err
		}
	}
	return nil
}

// fail marks a locked group-buy failed, releasing every commitment, and
// tells everyone why.
func (s *Service) fail(ctx context.Context, tx *store.Tx, g matching.GroupBuy, total int64, reason string) error {
	if err := tx.SetGroupBuyState(ctx, g.ID, matching.GroupFailed, reason); err != nil {
		return err
	}
	ps, err := tx.Participants(ctx, g.ID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := s.send(ctx, tx, p.Phone, outbound.GroupBuyFailed(g, reason)); err != nil {
			return err
		}
	}
	return nil
}

// FireDue decides every group-buy whose deadline has passed: it goes ahead
// when it tipped and fails otherwise. Each is decided in its own
// transaction under a row lock that other processes skip, and only while
// still open, so a deadline fires exactly once however many processes run
// and whenever they start. It returns how many it decided.
func (s *Service) FireDue(ctx context.Context) (int, error) {
	n := 0
	for {
		decided := false
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			ids, err := tx.DueGroupBuys(ctx, 1)
			if err != nil || len(ids) == 0 {
				return err
			}
			decided = true
			g, err := tx.GroupBuyForUpdate(ctx, ids[0])
			if err != nil {
				return err
			}
			ps, err := tx.Participants(ctx, g.ID)
			if err != nil {
				return err
			}
			var cs []matching.Commitment
			for _, p := range ps {
				cs = append(cs, p.Commitment)
			}
			total := matching.CommittedTotal(cs)
			if g.Evaluate(total, tx.Now) == matching.GroupGoesAhead {
				return s.close(ctx, tx, g, total, 0)
			}
			return s.fail(ctx, tx, g, total, fmt.Sprintf("截止时仅%d/%d%s,未成团", total, g.MinTotal, g.Unit))
		})
		if err != nil {
			return n, err
		}
		if !decided {
			return n, nil
		}
		n++
	}
}

// Cancel calls off a group-buy that is not yet allocated, with a clerk's
// reason; every participant is told. One that is purchasing (ordered from
// growers) may be called off while no grower has confirmed: its purchases
// still waiting for an answer are cancelled, their stock released and
// their growers told. The ledger is untouched, since only a confirmation
// posts. Once a grower has confirmed, the way on is to allocate what came.
func (s *Service) Cancel(ctx context.Context, id int64, reason string, userID int64) error {
	if reason == "" {
		return matching.Errorf(matching.CodeInvalid, "请填写取消原因")
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		g, err := tx.GroupBuyForUpdate(ctx, id)
		if err != nil {
			return err
		}
		switch g.State {
		case matching.GroupOpen, matching.GroupClosed:
		case matching.GroupPurchasing:
			if err := s.cancelPurchases(ctx, tx, g, reason); err != nil {
				return err
			}
		default:
			return matching.Errorf(matching.CodeConflict, "团购%d已%s，不能取消", id, g.State.Chinese())
		}
		if err := tx.SetGroupBuyState(ctx, id, matching.GroupCancelled, reason); err != nil {
			return err
		}
		ps, err := tx.Participants(ctx, id)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := s.send(ctx, tx, p.Phone, outbound.GroupBuyCancelled(g, reason)); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, userID, "groupbuy.cancel", object(id), reason)
	})
}

// cancelPurchases cancels the purchase orders of a locked group-buy that
// still wait for their grower, releasing their stock and telling the
// grower. A confirmed (or delivered) purchase is CodeConflict: it is in the
// ledger, and the group-buy is to be allocated instead.
func (s *Service) cancelPurchases(ctx context.Context, tx *store.Tx, g matching.GroupBuy, reason string) error {
	orders, err := tx.GroupBuyOrders(ctx, g.ID)
	if err != nil {
		return err
	}
	for _, o := range orders {
		if o, err = tx.OrderForUpdate(ctx, o.ID); err != nil {
			return err
		}
		switch o.State {
		case matching.OrderConfirmed, matching.OrderDelivered:
			return matching.Errorf(matching.CodeConflict, "团购%d的订单%d种植户已确认供货，不能取消，请分配已确认的货", g.ID, o.ID)
		case matching.OrderProposed:
		default:
			continue
		}
		next, err := o.Apply(matching.OrderEvent{Kind: matching.EventCancel, By: matching.Actor{Clerk: true}}, tx.Now)
		if err != nil {
			return err
		}
		if err := tx.UpdateOrderState(ctx, next, o.State, "团购取消: "+reason); err != nil {
			return err
		}
		if err := s.send(ctx, tx, o.SellerPhone, outbound.GroupBuyPurchaseCancelled(o.ID, g.ID)); err != nil {
			return err
		}
	}
	return nil
}

// Extend moves an open group-buy's deadline later.
func (s *Service) Extend(ctx context.Context, id int64, deadline time.Time, userID int64) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		g, err := tx.GroupBuyForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if !deadline.After(g.Deadline) || !deadline.After(tx.Now) {
			return matching.Errorf(matching.CodeInvalid, "新截止时间须晚于原截止时间和现在")
		}
		if err := tx.ExtendGroupBuy(ctx, id, deadline); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "groupbuy.extend", object(id), deadline.In(matching.ChinaTime).Format("2006-01-02 15:04"))
	})
}

// Start checks deadlines at once (a deadline that passed while the system
// was down fires now) and then every Every, until Stop.
func (s *Service) Start(ctx context.Context) {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Every <= 0 {
		s.Every = 2 * time.Second
	}
	s.group.Start(ctx, func(ctx context.Context) {
		startstop.Every(ctx, s.Every, func(ctx context.Context) {
			if n, err := s.FireDue(ctx); err != nil {
				s.Log.Error("group-buy deadlines", slog.Any("err", err))
			} else if n > 0 {
				s.Log.Info("group-buy deadlines fired", slog.Int("count", n))
			}
		})
	})
}

// Stop waits for the current check to finish. It is idempotent.
func (s *Service) Stop() { s.group.Stop() }

package exchange

import (
	"context"
	"log/slog"
	"time"

	"huamu/internal/startstop"
	"huamu/internal/store"
	"huamu/matching"
)

// Expirer is the exchange's background work: proposals nobody answered in
// time expire (their stock released, both parties told), listings past
// their validity close, and held match notices go out as digests. Several
// processes may run it at once: rows are taken with FOR UPDATE SKIP LOCKED
// and every change is conditional on the state it starts from.
type Expirer struct {
	Exchange *Service // and its Store
	Log      *slog.Logger
	Interval time.Duration // between rounds; default 30 s

	group startstop.Group
}

// Start runs a round at once and then every Interval until Stop.
func (e *Expirer) Start(ctx context.Context) {
	if e.Log == nil {
		e.Log = slog.New(slog.DiscardHandler)
	}
	if e.Interval <= 0 {
		e.Interval = 30 * time.Second
	}
	e.group.Start(ctx, func(ctx context.Context) {
		startstop.Every(ctx, e.Interval, func(ctx context.Context) {
			rep, err := e.RunOnce(ctx)
			if err != nil {
				e.Log.Error("expirer", slog.Any("err", err))
			} else if rep != (ExpiryReport{}) {
				e.Log.Info("expirer", slog.Int("orders_expired", rep.Orders), slog.Int64("listings_expired", rep.Listings),
					slog.Int("digests", rep.Digests.Texts), slog.Int("digest_parts", rep.Digests.Parts))
			}
		})
	})
}

// Stop lets the current round finish, then stops. It is idempotent.
func (e *Expirer) Stop() { e.group.Stop() }

// ExpiryReport is what one round did.
type ExpiryReport struct {
	Orders   int   // proposals expired
	Listings int64 // listings closed as expired
	Digests  DigestReport
}

// expireBatch bounds one transaction of the expirer.
const expireBatch = 100

// RunOnce does one round: every due proposal and listing, then the digests.
func (e *Expirer) RunOnce(ctx context.Context) (ExpiryReport, error) {
	var rep ExpiryReport
	for {
		n, err := e.Exchange.ExpireOrders(ctx, expireBatch)
		rep.Orders += n
		if err != nil {
			return rep, err
		}
		if n < expireBatch {
			break
		}
	}
	for {
		var n int64
		err := e.Exchange.Store.InTx(ctx, func(tx *store.Tx) (err error) {
			n, err = tx.ExpireListings(ctx, 1000)
			return err
		})
		rep.Listings += n
		if err != nil {
			return rep, err
		}
		if n < 1000 {
			break
		}
	}
	d, err := e.Exchange.SendDigests(ctx)
	rep.Digests = d
	return rep, err
}

// ExpireOrders expires up to limit proposals past their time in one
// transaction, releasing their stock and texting both parties, and returns
// how many it expired. Proposals another process is settling are skipped.
func (s *Service) ExpireOrders(ctx context.Context, limit int) (int, error) {
	n := 0
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		n = 0
		due, err := tx.DueOrders(ctx, limit)
		if err != nil {
			return err
		}
		for _, o := range due {
			if _, err := s.Transition(ctx, tx, nil, o, matching.OrderEvent{Kind: matching.EventExpire}, Via{}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"huamu/internal/exchange"
	"huamu/internal/startstop"
	"huamu/internal/store"
)

// Worker claims stored texts one at a time and applies them to the
// exchange. Several workers, in one process or many, share the queue
// through row locks (FOR UPDATE SKIP LOCKED).
type Worker struct {
	Store     *store.Store
	Exchange  *exchange.Service
	Wakeups   <-chan struct{}           // new texts; may be nil (then it polls)
	Processed func(ctx context.Context) // called after each commit, e.g. to wake the senders
	Log       *slog.Logger
	Workers   int           // goroutines; default 2
	PartsAge  time.Duration // hand on incomplete long texts after this; default 2 min

	group startstop.Group
}

// Start runs the workers until Stop.
func (w *Worker) Start(ctx context.Context) {
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.Workers <= 0 {
		w.Workers = 2
	}
	if w.PartsAge <= 0 {
		w.PartsAge = 2 * time.Minute
	}
	kick := make(chan struct{}, w.Workers)
	for range w.Workers {
		w.group.Start(ctx, func(ctx context.Context) { w.loop(ctx, kick) })
	}
	w.group.Start(ctx, func(ctx context.Context) { startstop.Fanout(ctx, w.Wakeups, kick) },
		func(ctx context.Context) { w.sweep(ctx, kick) })
}

// Stop lets the current texts commit, then stops. It is idempotent.
func (w *Worker) Stop() { w.group.Stop() }

// sweep hands on the parts of long texts that never completed, as
// fragments for a clerk.
func (w *Worker) sweep(ctx context.Context, kick chan struct{}) {
	t := time.NewTicker(15 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := w.Store.HandOnStaleParts(ctx, w.PartsAge, Join)
			if err != nil && ctx.Err() == nil {
				w.Log.Error("hand on incomplete long texts", slog.Any("err", err))
			} else if n > 0 {
				w.Log.Info("incomplete long texts handed to clerks", slog.Int("count", n))
				select {
				case kick <- struct{}{}:
				default:
				}
			}
		}
	}
}

func (w *Worker) loop(ctx context.Context, kick <-chan struct{}) {
	for ctx.Err() == nil {
		did, err := w.ProcessOne(context.WithoutCancel(ctx))
		if err != nil {
			w.Log.Error("intake", slog.Any("err", err))
		}
		if did {
			continue
		}
		select {
		case <-ctx.Done():
		case <-kick:
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// ProcessOne handles the oldest waiting text, if any, and reports whether
// it found one. A text whose handling fails is handed to a clerk instead
// of blocking the queue.
func (w *Worker) ProcessOne(ctx context.Context) (bool, error) {
	id, err := w.Store.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic handling inbound %d: %v", in.ID, r)
			}
		}()
		return w.Exchange.HandleInbound(ctx, tx, in)
	})
	if err != nil {
		if id != 0 && !isTransient(err) {
			if ferr := w.Store.FailInbound(ctx, id, err); ferr != nil {
				return true, errors.Join(err, ferr)
			}
			w.Log.Error("text handed to clerk after error", slog.Int64("inbound", id), slog.Any("err", err))
			return true, nil
		}
		time.Sleep(200 * time.Millisecond) // the database is away: do not spin
		return false, err
	}
	if id != 0 && w.Processed != nil {
		w.Processed(ctx)
	}
	return id != 0, nil
}

// isTransient reports errors worth retrying the same text for: the
// database or network went away, not the text being wrong.
func isTransient(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || store.IsConnectionError(err)
}

package intake

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"huamu/internal/exchange"
	"huamu/internal/startstop"
	"huamu/internal/store"
)

// Worker claims stored texts a batch at a time and applies them to the
// exchange, each text in a savepoint of its own and one commit per batch.
// Several workers, in one process or many, share the queue through row
// locks (FOR UPDATE SKIP LOCKED).
type Worker struct {
	Store     *store.Store
	Exchange  *exchange.Service
	Wakeups   <-chan struct{}           // new texts; may be nil (then it polls)
	Processed func(ctx context.Context) // called after a commit that wrote texts no sender took over, e.g. to wake the senders
	Handoff   Handoff                   // the process's sender, to take the replies over directly; may be nil
	Log       *slog.Logger
	Workers   int           // goroutines; default 2
	Batch     int           // texts per transaction; default 200
	PartsAge  time.Duration // hand on incomplete long texts after this; default 2 min

	group startstop.Group
}

// slowBatch is how long a batch may take before the log says so: at load
// one takes milliseconds, and one that takes a second points at the
// database (a lock, a plan, a disk).
const slowBatch = time.Second

// Handoff is a sender that takes MTs over the moment the transaction that
// wrote them commits (outbox.Sender).
type Handoff interface {
	// Offer reserves room for up to max MTs a transaction is about to
	// commit and returns the lease to write them under, or nil.
	Offer(max int) *store.Lease
	// Take sends the MTs written under the lease (none when the
	// transaction failed).
	Take(l *store.Lease, mts []store.MT)
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
	if w.Batch <= 0 {
		w.Batch = 200
	}
	// One wake-up wakes one worker, which takes the whole backlog in a
	// batch; a worker that finds a full batch wakes another to share it.
	// Workers that all woke for every text would each take a handful, and
	// every small batch costs its round trips and its commit.
	kick := make(chan struct{}, 1)
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

func (w *Worker) loop(ctx context.Context, kick chan struct{}) {
	for ctx.Err() == nil {
		n, err := w.safeBatch(context.WithoutCancel(ctx))
		if err != nil {
			w.Log.Error("intake", slog.Any("err", err))
			select { // the database is away: do not spin
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
			continue
		}
		if n >= w.Batch {
			select { // more wait: another worker may help
			case kick <- struct{}{}:
			default:
			}
			continue
		}
		select {
		case <-ctx.Done():
		case <-kick:
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// safeBatch is ProcessBatch with a panic outside a text's handling (those
// are the text's failure) turned into an error, so the loop goes on.
func (w *Worker) safeBatch(ctx context.Context) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			w.Log.Error("panic in an intake batch", slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return w.ProcessBatch(ctx)
}

// ProcessBatch handles up to Batch of the oldest waiting texts in one
// transaction and reports how many it took. A text whose handling fails
// (an error, or a panic) goes to a clerk instead of blocking the queue;
// the rest of the batch commits.
func (w *Worker) ProcessBatch(ctx context.Context) (int, error) {
	batch := w.Batch
	if batch <= 0 {
		batch = 200
	}
	var offer func(int) *store.Lease
	if w.Handoff != nil {
		offer = w.Handoff.Offer
	}
	start := time.Now()
	p, err := w.Store.ProcessInbound(ctx, batch, func(tx *store.Tx, in store.Inbound) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic handling inbound %d: %v", in.ID, r)
			}
		}()
		return w.Exchange.HandleInbound(ctx, tx, in)
	}, offer)
	if p.Lease != nil {
		if err != nil {
			p.Leased = nil // rolled back: nothing was leased
		}
		w.Handoff.Take(p.Lease, p.Leased) // whatever happened: the room not used goes back
	}
	if err != nil {
		return 0, err
	}
	if d := time.Since(start); d > slowBatch {
		w.Log.Warn("slow intake batch", slog.Int("texts", p.Claimed), slog.Duration("took", d))
	}
	for id, err := range p.Failed {
		w.Log.Error("text handed to clerk after error", slog.Int64("inbound", id), slog.Any("err", err))
	}
	if p.Written > len(p.Leased) && w.Processed != nil {
		w.Processed(ctx)
	}
	return p.Claimed, nil
}

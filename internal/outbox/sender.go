// Package outbox sends what the exchange wrote to the outbox: it leases due
// MTs, hands them to the gateway, which pipelines their parts through each
// bind's window, and records what the SMSC answered in batched commits; and
// it records the delivery receipts that come back.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"huamu/internal/startstop"
	"huamu/internal/store"
	"huamu/smsgw"
)

// Sender drains the outbox through the gateway. Several senders, in one
// process or many, share the outbox through leases: no transaction is open
// while the SMSC is asked.
type Sender struct {
	Store   *store.Store
	Gateway *smsgw.Gateway
	Wakeups <-chan struct{} // new MTs; may be nil (then it polls)
	Log     *slog.Logger
	// InFlight bounds the MTs leased and not yet recorded; default 256. A
	// lease covers what goes out within moments, so that a sender killed
	// mid-stream leaves few texts whose fate is unknown.
	InFlight int
	// Lease is how long a sender may take over an MT before another may
	// take it over; default one minute, well past the gateway's wait for a
	// submit_sm_resp.
	Lease time.Duration
	// Key is the process's lease key, held for its life; nil: the sender
	// holds one of its own while it runs.
	Key *store.LeaseKey

	group    startstop.Group
	owner    string
	key      *store.LeaseKey
	mu       sync.Mutex // guards ready against Stop
	ready    bool       // the key is held and the recorder runs: Offer may lease
	leases   atomic.Int64
	inflight atomic.Int64
	room     chan struct{} // signalled when in-flight MTs are recorded
	results  chan store.SendOutcome
}

// Start runs the sender until Stop.
func (s *Sender) Start(ctx context.Context) {
	s.group.Start(ctx, s.run)
}

// run holds the process's lease key, then leases and sends until ctx ends.
func (s *Sender) run(ctx context.Context) {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.InFlight <= 0 {
		s.InFlight = 256
	}
	if s.Lease <= 0 {
		s.Lease = time.Minute
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	s.owner = hex.EncodeToString(b)
	s.room = make(chan struct{}, 1)
	s.results = make(chan store.SendOutcome, 2*s.InFlight) // room for what Offer and SendBatch race for
	s.key = s.Key
	for s.key == nil {
		var err error
		if s.key, err = s.Store.HoldLeaseKey(ctx); err != nil {
			s.Log.Error("lease key", slog.Any("err", err))
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}
	if s.Key == nil {
		defer s.key.Release()
	}
	// The recorder outlives the leasing loop: what went out is recorded
	// even while stopping, or it would be sent again.
	var rec sync.WaitGroup
	rec.Add(2)
	go func() { defer rec.Done(); s.record() }()
	go func() { defer rec.Done(); s.reap(ctx) }()
	s.setReady(true)
	s.lease(ctx)
	s.setReady(false)
	for s.inflight.Load() > 0 {
		<-s.room
	}
	close(s.results)
	rec.Wait()
}

// reap frees, every second, the MTs leased by processes that died, so that
// they go out again at once rather than when the leases run out.
func (s *Sender) reap(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := s.Store.ExpireDeadLeases(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("expire dead leases", slog.Any("err", err))
		} else if n > 0 {
			s.Log.Warn("took over MTs from a sender that died", slog.Int64("mts", n))
		}
	}
}

// Stop lets the MTs in flight get their answers and be recorded, then
// stops. It is idempotent.
func (s *Sender) Stop() { s.group.Stop() }

// lease hands due MTs to the gateway while there is room in flight.
func (s *Sender) lease(ctx context.Context) {
	poll := time.NewTicker(500 * time.Millisecond)
	defer poll.Stop()
	for ctx.Err() == nil {
		room := int64(s.InFlight) - s.inflight.Load()
		n := 0
		if room > 0 && s.anyBindUp() {
			func() {
				defer startstop.Recover(s.Log, "lease MTs")
				var err error
				if n, err = s.SendBatch(ctx, int(room)); err != nil {
					s.Log.Error("lease MTs", slog.Any("err", err))
				}
			}()
		}
		if n > 0 && int64(n) >= room/2 {
			continue // more may be due: go on while there is room
		}
		select {
		case <-ctx.Done():
		case <-s.Wakeups:
		case <-s.room:
		case <-poll.C:
		}
	}
}

func (s *Sender) anyBindUp() bool {
	for _, b := range s.Gateway.Status() {
		if b.State == smsgw.BindUp {
			return true
		}
	}
	return false
}

// SendBatch leases up to limit due MTs and hands each to the gateway; their
// outcomes are recorded as the answers come. It reports how many it leased.
func (s *Sender) SendBatch(ctx context.Context, limit int) (int, error) {
	owner := fmt.Sprintf("%s/%d", s.owner, s.leases.Add(1))
	start := time.Now()
	mts, err := s.Store.LeaseDue(ctx, owner, s.key.Key, limit, s.Lease)
	if d := time.Since(start); d > time.Second {
		s.Log.Warn("slow lease", slog.Int("mts", len(mts)), slog.Duration("took", d))
	}
	if err != nil {
		return 0, err
	}
	s.inflight.Add(int64(len(mts)))
	s.send(mts)
	return len(mts), nil
}

// Offer reserves room in flight for up to max MTs that an intake worker
// is about to write, and returns the lease to write them under; nil when
// there is no room or the sender is not running. Take must follow.
func (s *Sender) Offer(max int) *store.Lease {
	if s == nil || max <= 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ready {
		return nil
	}
	n := min(int64(max), int64(s.InFlight)-s.inflight.Load())
	if n <= 0 {
		return nil
	}
	s.inflight.Add(n)
	return &store.Lease{Owner: fmt.Sprintf("%s/%d", s.owner, s.leases.Add(1)), Key: s.key.Key, For: s.Lease, Max: int(n)}
}

func (s *Sender) setReady(v bool) {
	s.mu.Lock()
	s.ready = v
	s.mu.Unlock()
}

// Take sends the MTs leased under l (see Offer); the room of those it did
// not get (none, when the worker's transaction failed) is given back.
func (s *Sender) Take(l *store.Lease, mts []store.MT) {
	if l == nil {
		return
	}
	if unused := l.Max - len(mts); unused > 0 {
		s.inflight.Add(-int64(unused))
		select {
		case s.room <- struct{}{}:
		default:
		}
	}
	s.send(mts)
}

// send hands leased MTs to the gateway; their outcomes come back to record.
func (s *Sender) send(mts []store.MT) {
	for _, m := range mts {
		s.sendOne(m)
	}
}

// sendOne hands m to the gateway. A panic while doing so is recorded as
// m's outcome (it is tried again after a backoff), so that nothing leased
// is left unaccounted for; m's outcome is recorded once whatever happens.
func (s *Sender) sendOne(m store.MT) {
	var once sync.Once
	deliver := func(o store.SendOutcome) { once.Do(func() { s.results <- o }) }
	defer func() {
		if r := recover(); r != nil {
			s.Log.Error("panic handing an MT to the gateway", slog.Int64("outbox", m.ID), slog.Any("panic", r),
				slog.String("stack", string(debug.Stack())))
			deliver(store.SendOutcome{MT: m, Err: fmt.Errorf("panic: %v", r)})
		}
	}()
	skip := map[int]bool{}
	for _, seq := range m.SentSeqs {
		skip[seq] = true
	}
	if m.Retaken {
		s.Log.Warn("resending parts whose fate a dead attempt left unknown", slog.Int64("outbox", m.ID))
	}
	// The reference follows from the row, so that parts sent in two
	// attempts still join on the handset.
	s.Gateway.Enqueue(smsgw.MT{To: m.Recipient, Text: m.Body, Carrier: smsgw.Carrier(m.CarrierOverride),
		Ref: uint16(m.ID%255) + 1, Skip: skip}, func(r smsgw.Submitted, err error) { deliver(outcome(m, r, err)) })
}

// outcome turns the gateway's answer into what the store records.
func outcome(m store.MT, r smsgw.Submitted, err error) store.SendOutcome {
	o := store.SendOutcome{MT: m, Bind: r.Bind, Carrier: string(r.Carrier), Total: r.Total, Unknown: r.Unknown}
	for _, p := range r.Parts {
		o.Parts = append(o.Parts, store.SentPart{Seq: p.Seq, MessageID: p.MessageID})
	}
	switch {
	case err == nil:
	case errors.Is(err, smsgw.ErrRejected):
		err = fmt.Errorf("%w: %v", store.ErrPermanent, err)
	case !r.Unknown && (errors.Is(err, smsgw.ErrThrottled) || errors.Is(err, smsgw.ErrNoRoute) || errors.Is(err, smsgw.ErrBindDown)):
		// Not the text's fault: try again soon without spending an attempt.
		err = fmt.Errorf("%w: %v", store.ErrRetrySoon, err)
	}
	// Anything else — an SMSC's system error (smsgw.ErrSystem), a part
	// unanswered — spends an attempt and backs off, and the MT fails after
	// its last attempt, while the other MTs go on.
	o.Err = err
	return o
}

// record commits outcomes in batches: whatever has come in when the
// previous commit returns goes into the next.
func (s *Sender) record() {
	ctx := context.Background()
	batch := make([]store.SendOutcome, 0, 512)
	for o := range s.results {
		batch = append(batch[:0], o)
	more:
		for len(batch) < cap(batch) {
			select {
			case o, ok := <-s.results:
				if !ok {
					break more
				}
				batch = append(batch, o)
			default:
				break more
			}
		}
		start := time.Now()
		for {
			err := s.recordBatch(ctx, batch)
			if err == nil {
				break
			}
			// Until it is recorded, what the SMSC accepted would be sent
			// again: keep trying (the lease keeps others off meanwhile).
			s.Log.Error("record sends", slog.Int("mts", len(batch)), slog.Any("err", err))
			time.Sleep(500 * time.Millisecond)
		}
		if d := time.Since(start); d > time.Second {
			s.Log.Warn("slow record of sends", slog.Int("mts", len(batch)), slog.Duration("took", d))
		}
		for _, o := range batch {
			if o.Err != nil && !errors.Is(o.Err, store.ErrRetrySoon) {
				s.Log.Warn("MT not sent", slog.Int64("outbox", o.MT.ID), slog.String("to", smsgw.MaskNumber(o.MT.Recipient)),
					slog.Any("err", o.Err))
			}
		}
		s.inflight.Add(-int64(len(batch)))
		select {
		case s.room <- struct{}{}:
		default:
		}
	}
}

// recordBatch records a batch of outcomes; a panic is an error, and the
// batch is tried again.
func (s *Sender) recordBatch(ctx context.Context, batch []store.SendOutcome) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.Log.Error("panic recording sends", slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return s.Store.RecordSends(ctx, batch)
}

// Receipts records delivery receipts. It implements smsgw.ReceiptSink.
type Receipts struct {
	Store *store.Store
	Log   *slog.Logger

	group startstop.Group
}

var _ smsgw.ReceiptSink = (*Receipts)(nil)

// Receipts stores a batch of receipts in one transaction, each against the
// part it reports on; a receipt for an id we never sent is kept a day in
// case its part's record is a moment behind, then dropped.
func (r *Receipts) Receipts(ctx context.Context, rs []smsgw.Receipt) []error {
	in := make([]store.ReceiptIn, len(rs))
	for i, rc := range rs {
		in[i] = store.ReceiptIn{IDs: smsgw.ReceiptIDCandidates(rc.ID), Binds: rc.Binds, State: rc.State.String(), ErrCode: rc.Err}
	}
	start := time.Now()
	_, err := r.Store.RecordReceipts(ctx, in)
	if d := time.Since(start); d > time.Second {
		r.log().Warn("slow record of receipts", slog.Int("receipts", len(rs)), slog.Duration("took", d))
	}
	errs := make([]error, len(rs))
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		r.log().Error("record receipts", slog.Int("receipts", len(rs)), slog.Any("err", err))
	}
	return errs
}

// Start sweeps, every few seconds until Stop, receipts that came before
// their part was recorded and were not matched when it was.
func (r *Receipts) Start(ctx context.Context) {
	r.group.Start(ctx, func(ctx context.Context) {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if n, err := r.Store.ApplyEarlyReceipts(ctx); err != nil && ctx.Err() == nil {
				r.log().Error("apply early receipts", slog.Any("err", err))
			} else if n > 0 {
				r.log().Info("early receipts applied", slog.Int("parts", n))
			}
		}
	})
}

// Stop ends the sweep. It is idempotent.
func (r *Receipts) Stop() { r.group.Stop() }

func (r *Receipts) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// Package outbox sends what the exchange wrote to the outbox: it claims due
// MTs, submits them through the gateway and records the SMSC's ids, and it
// records the delivery receipts that come back.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"huamu/internal/store"
	"huamu/smsgw"
)

// Sender drains the outbox through the gateway. Several senders, in one
// process or many, share the outbox through row locks.
type Sender struct {
	Store   *store.Store
	Gateway *smsgw.Gateway
	Wakeups <-chan struct{} // new MTs; may be nil (then it polls)
	Log     *slog.Logger
	Workers int // goroutines; default 4 (one per submit in flight)

	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// Start runs the senders until Stop.
func (s *Sender) Start(ctx context.Context) {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Workers <= 0 {
		s.Workers = 4
	}
	ctx, s.cancel = context.WithCancel(ctx)
	kick := make(chan struct{}, s.Workers)
	for range s.Workers {
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.loop(ctx, kick) }()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.Wakeups:
				for range cap(kick) {
					select {
					case kick <- struct{}{}:
					default:
					}
				}
			}
		}
	}()
}

// Stop finishes the submits in flight, then stops. It is idempotent.
func (s *Sender) Stop() {
	s.once.Do(func() {
		if s.cancel != nil {
			s.cancel()
		}
		s.wg.Wait()
	})
}

func (s *Sender) loop(ctx context.Context, kick <-chan struct{}) {
	for ctx.Err() == nil {
		if !s.anyBindUp() {
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
			continue
		}
		// An attempt in flight finishes even when asked to stop: its result
		// must be recorded, or the text would be sent again.
		did, err := s.SendOne(context.WithoutCancel(ctx))
		if err != nil {
			s.Log.Error("send", slog.Any("err", err))
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

func (s *Sender) anyBindUp() bool {
	for _, b := range s.Gateway.Status() {
		if b.State == smsgw.BindUp {
			return true
		}
	}
	return false
}

// SendOne submits the next due MT, if any, and reports whether it found one.
func (s *Sender) SendOne(ctx context.Context) (bool, error) {
	return s.Store.SendDue(ctx, func(ctx context.Context, m store.MT) (store.SendResult, error) {
		ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		skip := map[int]bool{}
		for _, seq := range m.SentSeqs {
			skip[seq] = true
		}
		bind, parts, err := s.Gateway.Send(ctx, m.Recipient, m.Body, smsgw.Carrier(m.CarrierOverride), skip)
		res := store.SendResult{Bind: bind}
		for _, p := range parts {
			res.Parts = append(res.Parts, store.SentPart{Seq: p.Seq, MessageID: p.MessageID})
		}
		switch {
		case err == nil:
		case errors.Is(err, smsgw.ErrRejected):
			err = fmt.Errorf("%w: %v", store.ErrPermanent, err)
		case errors.Is(err, smsgw.ErrThrottled), errors.Is(err, smsgw.ErrNoRoute), errors.Is(err, smsgw.ErrBindDown):
			// Not the text's fault: try again soon without spending an attempt.
			err = fmt.Errorf("%w: %v", store.ErrRetrySoon, err)
		}
		if err != nil {
			s.Log.Warn("MT not sent", slog.Int64("outbox", m.ID), slog.String("to", smsgw.MaskNumber(m.Recipient)), slog.Any("err", err))
		}
		return res, err
	})
}

// Receipts records delivery receipts. It implements smsgw.ReceiptSink.
type Receipts struct {
	Store *store.Store
	Log   *slog.Logger
}

// Receipt stores r against the part it reports on; a receipt for an id we
// never sent is logged and dropped.
func (r *Receipts) Receipt(ctx context.Context, rc smsgw.Receipt) error {
	matched, err := r.Store.RecordReceipt(ctx, smsgw.ReceiptIDCandidates(rc.ID), rc.State.String(), rc.Err, rc.State.Final())
	if err != nil {
		return err
	}
	if !matched && r.Log != nil {
		r.Log.Warn("receipt for an unknown message id", slog.String("id", rc.ID), slog.String("state", rc.State.String()))
	}
	return nil
}

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

	"huamu/internal/startstop"
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

	group startstop.Group
}

// Start runs the senders until Stop.
func (s *Sender) Start(ctx context.Context) {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Workers <= 0 {
		s.Workers = 4
	}
	kick := make(chan struct{}, s.Workers)
	for range s.Workers {
		s.group.Start(ctx, func(ctx context.Context) { s.loop(ctx, kick) })
	}
	s.group.Start(ctx, func(ctx context.Context) { startstop.Fanout(ctx, s.Wakeups, kick) })
}

// Stop finishes the submits in flight, then stops. It is idempotent.
func (s *Sender) Stop() { s.group.Stop() }

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
		if len(m.Ambiguous) > 0 {
			s.Log.Warn("resending parts whose fate a killed attempt left unknown", slog.Int64("outbox", m.ID),
				slog.Any("parts", m.Ambiguous))
		}
		// The reference follows from the row, so that parts sent in two
		// attempts still join on the handset.
		r, err := s.Gateway.Submit(ctx, smsgw.MT{To: m.Recipient, Text: m.Body, Carrier: smsgw.Carrier(m.CarrierOverride),
			Ref: uint16(m.ID%255) + 1, Skip: skip, Log: partLog{s.Store, m.ID}})
		res := store.SendResult{Bind: r.Bind, Carrier: string(r.Carrier)}
		for _, p := range r.Parts {
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

// partLog records each part's fate in the store as the gateway learns it.
type partLog struct {
	st *store.Store
	id int64
}

func (l partLog) Submitting(ctx context.Context, seq int) error {
	return l.st.PartSubmitting(ctx, l.id, seq)
}

func (l partLog) Accepted(ctx context.Context, p smsgw.SentPart) error {
	return l.st.PartAccepted(ctx, l.id, p.Seq, p.MessageID)
}

func (l partLog) Refused(ctx context.Context, seq int) error {
	return l.st.PartRefused(ctx, l.id, seq)
}

// Receipts records delivery receipts. It implements smsgw.ReceiptSink.
type Receipts struct {
	Store *store.Store
	Log   *slog.Logger

	wg sync.WaitGroup
}

// Receipt stores r against the part it reports on; a receipt for an id we
// never sent is logged and dropped. When the MT's sender still holds the
// row, the MT is settled in the background once it lets go: this runs on
// the bind's read loop, which that sender may be waiting on.
func (r *Receipts) Receipt(ctx context.Context, rc smsgw.Receipt) error {
	res, err := r.Store.RecordReceipt(ctx, smsgw.ReceiptIDCandidates(rc.ID), rc.State.String(), rc.Err)
	if err != nil {
		return err
	}
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if !res.Matched {
		log.Info("receipt before its part's record, kept for it", slog.String("id", rc.ID), slog.String("state", rc.State.String()))
		return nil
	}
	if !res.Settled && rc.State.Final() {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
			defer cancel()
			if err := r.Store.SettleMT(ctx, res.OutboxID); err != nil {
				log.Error("settle MT after receipt", slog.Int64("outbox", res.OutboxID), slog.Any("err", err))
			}
		}()
	}
	return nil
}

// Wait waits for the MTs being settled in the background.
func (r *Receipts) Wait() { r.wg.Wait() }

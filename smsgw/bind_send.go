package smsgw

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// This file is a bind's submit pipeline: parts queue on the bind, go out
// through its window within its rate and the SMSC's throttling, and are
// matched to their submit_sm_resp. The session's life is in bind.go.

const (
	throttlePauseMin = 200 * time.Millisecond
	throttlePauseMax = 5 * time.Second
)

// throttled pauses the bind after a throttling answer: 200 ms doubling to
// 5 s while the SMSC keeps refusing, with jitter so that several senders do
// not all come back at once.
func (b *bind) throttled() time.Duration {
	n := b.throttles.Add(1)
	d := throttlePauseMin
	for i := int32(1); i < n && d < throttlePauseMax; i++ {
		d *= 2
	}
	d = min(d, throttlePauseMax)
	d = d/2 + rand.N(d/2+1)
	until := time.Now().Add(d).UnixNano()
	for {
		old := b.pausedUntil.Load()
		if old >= until || b.pausedUntil.CompareAndSwap(old, until) {
			break
		}
	}
	b.log.Warn("SMSC throttled, pausing bind", slog.Duration("pause", d), slog.Int("in_a_row", int(n)))
	b.g.metrics.throttle(b.cfg)
	return d
}

// waitPause blocks while the bind is paused after a throttling answer.
func (b *bind) waitPause(ctx context.Context) error {
	for {
		d := time.Until(time.Unix(0, b.pausedUntil.Load()))
		if d <= 0 {
			return nil
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// enqueue queues parts to go out. On a bind that is not up they fail at
// once, unsent, so that the outbox can try again elsewhere or later.
func (b *bind) enqueue(parts []*outPart) {
	b.mu.Lock()
	if b.State() != BindUp || b.sess == nil {
		b.mu.Unlock()
		for _, p := range parts {
			p.finish("", false, ErrBindDown)
		}
		return
	}
	b.queue = append(b.queue, parts...)
	for _, p := range parts {
		b.perTo[p.mt.to]++
	}
	b.mu.Unlock()
	b.wake()
}

// holding reports the parts queued or out on this bind for number to.
func (b *bind) holding(to string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.perTo[to]
}

// partDone forgets a part that has its answer; after an MT's last part, a
// number's next MT may go.
func (b *bind) partDone(p *outPart, last bool) {
	b.mu.Lock()
	if b.perTo[p.mt.to]--; b.perTo[p.mt.to] <= 0 {
		delete(b.perTo, p.mt.to)
	}
	released := last && b.holds[p.mt.to] == p.mt
	if released {
		delete(b.holds, p.mt.to)
	}
	b.mu.Unlock()
	if released {
		b.wake()
	}
}

// throttleRetries is how often one part is offered again after the SMSC
// throttled it, each time after the bind's backoff pause, before its MT goes
// back to the outbox to wait its turn.
const throttleRetries = 4

// sendLoop submits queued parts while the window has room, the bind is up
// and not paused, and the Limiter grants them: one Limiter round trip for
// as many parts as can go at once.
func (b *bind) sendLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.kick:
		}
		for ctx.Err() == nil {
			if !b.sendRound(ctx) {
				break
			}
		}
	}
}

// sendRound puts what it may of the queue on the wire and reports whether
// to go on at once (false: wait for the next wake-up). A panic is logged
// and the round ends.
func (b *bind) sendRound(ctx context.Context) (more bool) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("panic in the bind's sender", slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
			more = false
		}
	}()
	if err := b.waitPause(ctx); err != nil {
		return false
	}
	b.mu.Lock()
	n := min(len(b.queue), b.cfg.Window-len(b.pending))
	up := b.sess != nil && b.State() == BindUp
	b.mu.Unlock()
	if n <= 0 || !up {
		return false
	}
	var wait time.Duration
	if l := b.g.opts.Limiter; l != nil && b.cfg.TPS > 0 {
		granted, w, err := l.Take(ctx, b.cfg.Name, b.cfg.TPS, n)
		if err != nil && ctx.Err() != nil {
			return false
		}
		if granted == 0 {
			return sleep(ctx, w) == nil
		}
		n, wait = min(n, granted), w
	}
	b.send(n)
	return wait <= 0 || sleep(ctx, wait) == nil
}

// send puts up to n queued parts on the wire.
func (b *bind) send(n int) {
	b.mu.Lock()
	sess := b.sess
	if sess == nil || b.State() != BindUp {
		b.mu.Unlock()
		return
	}
	// Take up to n parts in order, passing over (and keeping in their
	// place) those to a number another MT is being sent to; look at no
	// more than a few times n, so that a queue of one number's texts costs
	// little to pass.
	out := make([]*outPart, 0, min(n, len(b.queue)))
	rest := b.queue[:0]
	look := 4*n + 64
	for i, p := range b.queue {
		if len(out) == n || i >= look {
			rest = append(rest, b.queue[i:]...)
			break
		}
		if h, ok := b.holds[p.mt.to]; ok && h != p.mt {
			rest = append(rest, p)
			continue
		}
		b.holds[p.mt.to] = p.mt
		out = append(out, p)
	}
	clear(b.queue[len(rest):])
	b.queue = rest
	now := time.Now().UnixNano()
	for _, p := range out {
		// Each part gets its own sequence number (gosmpp's Split reuses one).
		p.sm.AssignSequenceNumber()
		p.sentAt = now
		b.pending[p.sm.SequenceNumber] = p
	}
	b.mu.Unlock()
	for _, p := range out {
		if err := sess.Transceiver().Submit(p.sm); err != nil {
			// gosmpp refused to queue it (closing): it never reached the wire.
			if b.forget(p.sm.SequenceNumber) {
				p.finish("", false, fmt.Errorf("%w: %v", ErrBindDown, err))
			}
		}
	}
}

// forget takes seq out of the parts in flight and reports whether it was
// there (a closing session may have answered for it already).
func (b *bind) forget(seq int32) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.pending[seq]
	delete(b.pending, seq)
	return ok
}

// answered handles the SMSC's answer to the part with sequence number seq.
func (b *bind) answered(seq int32, resp pdu.PDU) {
	b.mu.Lock()
	p, ok := b.pending[seq]
	delete(b.pending, seq)
	b.mu.Unlock()
	if !ok {
		return
	}
	defer b.wake() // room in the window
	b.g.metrics.submitLatency(b.cfg, time.Duration(time.Now().UnixNano()-p.sentAt))
	r, ok := resp.(*pdu.SubmitSMResp)
	if !ok {
		b.g.metrics.submitted(b.cfg, ErrRejected)
		p.finish("", false, fmt.Errorf("%w: generic_nack", ErrRejected))
		return
	}
	var err error
	switch r.CommandStatus {
	case data.ESME_ROK:
		b.throttles.Store(0)
		b.g.metrics.submitted(b.cfg, nil)
		p.finish(r.MessageID, true, nil)
		return
	case data.ESME_RTHROTTLED, data.ESME_RMSGQFUL:
		b.throttled()
		if p.tries < throttleRetries {
			// Offered again first, once the pause is over.
			p.tries++
			b.mu.Lock()
			b.queue = append([]*outPart{p}, b.queue...)
			b.mu.Unlock()
			return
		}
		err = fmt.Errorf("%w (%s)", ErrThrottled, r.CommandStatus)
	case data.ESME_RSYSERR, data.ESME_RX_T_APPN:
		b.g.metrics.systemError(b.cfg)
		err = fmt.Errorf("%w: %s", ErrSystem, r.CommandStatus)
	default:
		err = fmt.Errorf("%w: %s", ErrRejected, r.CommandStatus)
	}
	b.g.metrics.submitted(b.cfg, err)
	p.finish("", false, err)
}

// expireLoop ends the wait of parts the SMSC has not answered within
// submitTimeout: their fate is unknown.
func (b *bind) expireLoop(ctx context.Context) {
	t := time.NewTicker(submitTimeout / 10)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		limit := time.Now().Add(-submitTimeout).UnixNano()
		var late []*outPart
		b.mu.Lock()
		for seq, p := range b.pending {
			if p.sentAt < limit {
				late = append(late, p)
				delete(b.pending, seq)
			}
		}
		b.mu.Unlock()
		for _, p := range late {
			b.g.metrics.submitted(b.cfg, ErrTimeout)
			p.finish("", true, ErrTimeout)
		}
		if len(late) > 0 {
			b.wake()
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

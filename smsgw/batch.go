package smsgw

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/linxGnu/gosmpp"
	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// commitTimeout bounds one batch's commit.
const commitTimeout = 15 * time.Second

// maxBatch bounds what one commit takes: big enough that a burst costs few
// commits, small enough that one commit stays short.
const maxBatch = 500

// ack is a deliver_sm_resp waiting for the commit of what its deliver_sm
// carried, and the session the deliver_sm came in on: an answer is only
// ever sent on that session (a sequence number means nothing on another).
type ack struct {
	b    *bind
	sess *gosmpp.Session
	resp *pdu.DeliverSMResp
}

// send answers the SMSC: ESME_ROK when err is nil, else ESME_RX_T_APPN so
// that it delivers the PDU again later. When the session has gone, nothing
// is sent: the SMSC redelivers whatever it has no answer for.
func (a ack) send(err error) {
	if err != nil {
		a.resp.CommandStatus = data.ESME_RX_T_APPN
	}
	a.b.mu.Lock()
	same := a.b.sess == a.sess && a.sess != nil
	a.b.mu.Unlock()
	if same {
		_ = a.sess.Transceiver().Submit(a.resp)
	}
}

type queued[T any] struct {
	v   T
	ack ack
}

// batcher gathers what every bind receives and commits it in batches:
// whatever waits when the previous commit returns goes into the next (group
// commit, no fixed delay), and each deliver_sm is answered only after the
// commit of its batch.
type batcher[T any] struct {
	in     chan queued[T]
	commit func(ctx context.Context, vs []T) []error
	log    *slog.Logger
	wg     sync.WaitGroup
}

func newBatcher[T any](commit func(context.Context, []T) []error, log *slog.Logger) *batcher[T] {
	return &batcher[T]{in: make(chan queued[T], 4*maxBatch), commit: commit, log: log}
}

// add queues v; the bind's read loop blocks here when the batcher is
// maxBatch·4 behind, which is the backpressure the SMSC's window feels.
func (q *batcher[T]) add(v T, a ack) {
	q.wg.Add(1)
	q.in <- queued[T]{v, a}
}

// run commits batches until ctx ends.
func (q *batcher[T]) run(ctx context.Context) {
	batch := make([]queued[T], 0, maxBatch)
	vs := make([]T, 0, maxBatch)
	for {
		select {
		case <-ctx.Done():
			return
		case it := <-q.in:
			batch = append(batch[:0], it)
		}
	more:
		for len(batch) < maxBatch {
			select {
			case it := <-q.in:
				batch = append(batch, it)
			default:
				break more
			}
		}
		vs = vs[:0]
		for _, it := range batch {
			vs = append(vs, it.v)
		}
		// A database that hangs must not hold the binds' read loops (and a
		// shutdown) for ever: past this, the SMSC is asked to redeliver.
		cctx, cancel := context.WithTimeout(ctx, commitTimeout)
		errs := q.safeCommit(cctx, vs)
		cancel()
		for i, it := range batch {
			var err error
			if i < len(errs) {
				err = errs[i]
			}
			it.ack.send(err)
			q.wg.Done()
		}
	}
}

// safeCommit commits vs; a panic in the commit is logged and fails the
// batch, whose deliver_sm are then asked again.
func (q *batcher[T]) safeCommit(ctx context.Context, vs []T) (errs []error) {
	defer func() {
		if r := recover(); r != nil {
			q.log.Error("panic committing a batch", slog.Any("panic", r), slog.Int("items", len(vs)),
				slog.String("stack", string(debug.Stack())))
			errs = errorsFor(len(vs), fmt.Errorf("panic: %v", r))
		}
	}()
	return q.commit(ctx, vs)
}

// wait blocks until everything added so far is committed and answered.
func (q *batcher[T]) wait() { q.wg.Wait() }

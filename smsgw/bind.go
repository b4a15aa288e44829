package smsgw

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linxGnu/gosmpp"
	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// BindConfig is one SMPP transceiver bind to a carrier's SMSC, as an
// operator writes it in HUAMU_SMPP_BINDS.
type BindConfig struct {
	Name     string  // "mobile-1": carrier and position, for logs and metrics
	SystemID string  // at most 15 characters
	Password string  // at most 8 characters
	Addr     string  // host:port
	Carrier  Carrier // the network whose subscribers this bind reaches; "" for any
	Source   string  // the service number MTs are sent from
	Window   int     // submits awaiting a response at once
	TPS      int     // parts per second, shared by every process on this bind
}

// BindState is where a bind is in its life.
type BindState int32

// Bind states, as shown on /metrics and the back office.
const (
	BindDown BindState = iota
	BindConnecting
	BindUp
	BindClosed
)

func (s BindState) String() string {
	return [...]string{"down", "connecting", "up", "closed"}[s]
}

// Errors a submit can end with. All but ErrRejected are transient: the
// outbox tries again later, on this bind or another.
var (
	ErrBindDown  = errors.New("bind is not up")
	ErrThrottled = errors.New("SMSC throttled the submit")
	ErrTimeout   = errors.New("no submit_sm_resp in time")
	ErrRejected  = errors.New("SMSC rejected the submit")
	ErrNoRoute   = errors.New("no bind is up for this number")
)

const (
	enquireEvery  = 15 * time.Second
	readTimeout   = 3 * enquireEvery
	submitTimeout = 10 * time.Second
	backoffMin    = 500 * time.Millisecond
	backoffMax    = 30 * time.Second
)

// bind owns one SMPP session and keeps it bound: it rebinds with backoff
// and jitter, tracks its own state (gosmpp's OnClosed is not called on every
// close), correlates submit_sm_resp by sequence number, and holds submits
// while the window is full instead of dropping them.
type bind struct {
	cfg     BindConfig
	g       *Gateway
	log     *slog.Logger
	state   atomic.Int32
	window  chan struct{}
	mu      sync.Mutex
	sess    *gosmpp.Session
	tee     *teeConn
	pending map[int32]chan pdu.PDU
	down    chan struct{} // signalled when the session fails

	// pausedUntil (unix ns) holds every submit on this bind after the SMSC
	// answered ESME_RTHROTTLED or ESME_RMSGQFUL; throttles counts how many
	// such answers came in a row, for the exponential backoff.
	pausedUntil atomic.Int64
	throttles   atomic.Int32
}

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

func newBind(cfg BindConfig, g *Gateway) *bind {
	if cfg.Window <= 0 {
		cfg.Window = 10
	}
	return &bind{cfg: cfg, g: g, log: g.log.With(slog.String("bind", cfg.Name)),
		window: make(chan struct{}, cfg.Window), pending: map[int32]chan pdu.PDU{}, down: make(chan struct{}, 1)}
}

// State is the bind's current state.
func (b *bind) State() BindState { return BindState(b.state.Load()) }

func (b *bind) setState(s BindState) {
	if old := BindState(b.state.Swap(int32(s))); old != s {
		b.log.Info("bind state", slog.String("from", old.String()), slog.String("to", s.String()))
		b.g.metrics.bindState(b.cfg, s)
	}
}

// run keeps the bind up until ctx ends.
func (b *bind) run(ctx context.Context) {
	delay := backoffMin
	for ctx.Err() == nil {
		b.setState(BindConnecting)
		err := b.connect()
		if err != nil {
			b.setState(BindDown)
			wait := delay/2 + rand.N(delay) // jitter: never all binds at once
			b.log.Warn("bind failed", slog.Any("err", err), slog.Duration("retry_in", wait))
			delay = min(delay*2, backoffMax)
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			continue
		}
		delay = backoffMin
		b.setState(BindUp)
		select {
		case <-ctx.Done():
		case <-b.down:
			b.log.Warn("bind lost")
		}
		b.closeSession()
		if ctx.Err() == nil {
			b.setState(BindDown)
		}
	}
	b.setState(BindClosed)
}

func (b *bind) connect() error {
	// drain a stale failure signal from the previous session
	select {
	case <-b.down:
	default:
	}
	dialer := func(addr string) (net.Conn, error) {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return nil, err
		}
		// gosmpp waits for bind_resp with no deadline of its own: a silent
		// SMSC would hang the bind forever. Its read loop resets this later.
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		t := newTeeConn(c)
		b.mu.Lock()
		b.tee = t
		b.mu.Unlock()
		return t, nil
	}
	auth := gosmpp.Auth{SMSC: b.cfg.Addr, SystemID: b.cfg.SystemID, Password: b.cfg.Password}
	settings := gosmpp.Settings{
		ReadTimeout:      readTimeout,
		WriteTimeout:     5 * time.Second,
		EnquireLink:      enquireEvery,
		OnAllPDU:         b.onPDU,
		OnReceivingError: func(err error) { b.fail("receive", err) },
		OnSubmitError:    func(_ pdu.PDU, err error) { b.fail("submit", err) },
		// Also called (once or twice) for our own Close; the signal is drained
		// before the next connect, so that is harmless.
		OnClosed: func(s gosmpp.State) { b.fail("closed", fmt.Errorf("state %s", (&s).String())) },
	}
	// rebindingInterval 0: we rebind ourselves, with backoff, and know when.
	sess, err := gosmpp.NewSession(gosmpp.TRXConnector(dialer, auth), settings, 0)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.sess = sess
	b.mu.Unlock()
	return nil
}

func (b *bind) fail(what string, err error) {
	b.log.Debug("bind event", slog.String("what", what), slog.Any("err", err))
	select {
	case b.down <- struct{}{}:
	default:
	}
}

func (b *bind) closeSession() {
	b.mu.Lock()
	sess := b.sess
	b.sess = nil
	// Every submit still waiting learns that its answer will not come.
	for seq, ch := range b.pending {
		close(ch)
		delete(b.pending, seq)
	}
	b.mu.Unlock()
	if sess != nil {
		_ = sess.Close() // sends unbind, then closes
	}
}

// onPDU runs on gosmpp's receive goroutine for every PDU from the SMSC. Its
// return value is the response gosmpp writes: for a deliver_sm it is built
// only after the text is committed (see Gateway.receive).
func (b *bind) onPDU(p pdu.PDU) (pdu.PDU, bool) {
	switch req := p.(type) {
	case *pdu.DeliverSM:
		return b.g.receive(b, req), false
	case *pdu.SubmitSMResp:
		b.mu.Lock()
		ch, ok := b.pending[req.SequenceNumber]
		delete(b.pending, req.SequenceNumber)
		b.mu.Unlock()
		if ok {
			ch <- req
		}
		return nil, false
	case *pdu.EnquireLink:
		return req.GetResponse(), false
	case *pdu.Unbind:
		b.fail("unbind", errors.New("SMSC unbound"))
		return req.GetResponse(), true
	case *pdu.GenericNack:
		b.mu.Lock()
		ch, ok := b.pending[req.SequenceNumber]
		delete(b.pending, req.SequenceNumber)
		b.mu.Unlock()
		if ok {
			ch <- req
		}
		return nil, false
	default:
		if p.CanResponse() {
			r := p.GetResponse()
			if h, ok := r.(interface{ SetCommandStatus(data.CommandStatusType) }); ok {
				h.SetCommandStatus(data.ESME_RINVCMDID)
			}
			return r, false
		}
		return nil, false
	}
}

// submit sends one submit_sm and waits for its response, holding a window
// slot meanwhile. It returns the SMSC's message id; on error, sent reports
// whether the PDU went out, i.e. whether the SMSC may have taken it.
func (b *bind) submit(ctx context.Context, sm *pdu.SubmitSM) (id string, sent bool, err error) {
	if err := b.waitPause(ctx); err != nil {
		return "", false, err
	}
	select {
	case b.window <- struct{}{}:
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
	defer func() { <-b.window }()
	b.mu.Lock()
	sess := b.sess
	if sess == nil || b.State() != BindUp {
		b.mu.Unlock()
		return "", false, ErrBindDown
	}
	// Each part gets its own sequence number (gosmpp's Split reuses one).
	sm.AssignSequenceNumber()
	ch := make(chan pdu.PDU, 1)
	b.pending[sm.SequenceNumber] = ch
	b.mu.Unlock()
	forget := func() {
		b.mu.Lock()
		delete(b.pending, sm.SequenceNumber)
		b.mu.Unlock()
	}
	start := time.Now()
	if err := sess.Transceiver().Submit(sm); err != nil {
		// gosmpp refused to queue it (closing): it never reached the wire.
		forget()
		return "", false, fmt.Errorf("%w: %v", ErrBindDown, err)
	}
	timer := time.NewTimer(submitTimeout)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		forget()
		return "", true, ctx.Err()
	case <-timer.C:
		forget()
		return "", true, ErrTimeout
	case resp, ok := <-ch:
		if !ok {
			return "", true, ErrBindDown
		}
		b.g.metrics.submitLatency(b.cfg, time.Since(start))
		switch r := resp.(type) {
		case *pdu.SubmitSMResp:
			switch r.CommandStatus {
			case data.ESME_ROK:
				b.throttles.Store(0)
				return r.MessageID, true, nil
			case data.ESME_RTHROTTLED, data.ESME_RMSGQFUL:
				b.throttled()
				return "", false, fmt.Errorf("%w (%s)", ErrThrottled, r.CommandStatus)
			case data.ESME_RSYSERR, data.ESME_RX_T_APPN:
				return "", false, fmt.Errorf("%w: %s", ErrBindDown, r.CommandStatus)
			default:
				return "", false, fmt.Errorf("%w: %s", ErrRejected, r.CommandStatus)
			}
		default:
			return "", false, fmt.Errorf("%w: generic_nack", ErrRejected)
		}
	}
}

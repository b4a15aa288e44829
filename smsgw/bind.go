package smsgw

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"runtime/debug"
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
	// Redelivery is how long after a text the SMSC may deliver the same
	// PDU again (when our acknowledgement did not reach it). A text seen
	// again within it is a redelivery only if the first copy's
	// acknowledgement may have been lost; otherwise, or later, it is a
	// person sending the same text again. Default 10 minutes.
	Redelivery time.Duration
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
	ErrBindDown = errors.New("bind is not up")
	// ErrSystem is an SMSC's own trouble (ESME_RSYSERR, ESME_RX_T_APPN):
	// not the text's fault, but no reason to try again at once either.
	ErrSystem    = errors.New("SMSC system error")
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
// close), and pipelines submits: parts wait in its queue until the window
// has room and the bind's rate allows, many go out at once, and each
// submit_sm_resp is matched to its part by sequence number.
type bind struct {
	cfg      BindConfig
	peers    []string // names of the binds to the same SMSC account, this one's included
	g        *Gateway
	log      *slog.Logger
	state    atomic.Int32
	mu       sync.Mutex
	sess     *gosmpp.Session
	session  string // the session's id, for MOs and the SessionLog
	sessions int    // sessions this bind has had
	retired  int    // sessions up to this number are closed: their signals are stale
	tee      *teeConn
	down     chan struct{} // signalled when the session fails

	// Guarded by mu: parts waiting to go out, and parts out awaiting
	// their submit_sm_resp by sequence number (at most cfg.Window).
	queue   []*outPart
	pending map[int32]*outPart
	// A number's texts go out one after the other, in the order they came:
	// holds names, per number, the MT whose parts are out; another MT to
	// that number waits until the first is answered whole, so that the
	// handset shows them in the order a person reads them. perTo counts
	// each number's parts on this bind, queued or out, so that the route
	// keeps a number's texts on one bind.
	holds map[string]*mtSend
	perTo map[string]int
	kick  chan struct{} // wakes the sender: parts queued, room in the window, bind up

	// pausedUntil (unix ns) holds every submit on this bind after the SMSC
	// answered ESME_RTHROTTLED or ESME_RMSGQFUL; throttles counts how many
	// such answers came in a row, for the exponential backoff.
	pausedUntil atomic.Int64
	throttles   atomic.Int32
}

func newBind(cfg BindConfig, g *Gateway) *bind {
	if cfg.Window <= 0 {
		cfg.Window = 10
	}
	return &bind{cfg: cfg, g: g, log: g.log.With(slog.String("bind", cfg.Name)),
		pending: map[int32]*outPart{}, holds: map[string]*mtSend{}, perTo: map[string]int{},
		down: make(chan struct{}, 1), kick: make(chan struct{}, 1)}
}

// busy is how many parts the bind holds, queued or in flight: the route
// prefers the least busy bind of a carrier.
func (b *bind) busy() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue) + len(b.pending)
}

func (b *bind) wake() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

// State is the bind's current state.
func (b *bind) State() BindState { return BindState(b.state.Load()) }

func (b *bind) setState(s BindState) {
	if old := BindState(b.state.Swap(int32(s))); old != s {
		b.log.Info("bind state", slog.String("from", old.String()), slog.String("to", s.String()))
		b.g.metrics.bindState(b.cfg, s)
	}
}

// run keeps the bind up until ctx ends, and sends what is queued on it.
func (b *bind) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); b.sendLoop(ctx) }()
	go func() { defer wg.Done(); b.expireLoop(ctx) }()
	defer wg.Wait()
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
		b.mu.Lock()
		session := b.session
		b.mu.Unlock()
		if l := b.g.opts.Sessions; l != nil {
			l.SessionUp(session, b.cfg.Name)
		}
		b.wake()
		clean := false
		select {
		case <-ctx.Done():
			clean = true // Stop: the batchers answered all they held first
		case <-b.down:
			b.log.Warn("bind lost")
		}
		b.closeSession()
		if l := b.g.opts.Sessions; l != nil {
			l.SessionDown(session, clean)
		}
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
	b.mu.Lock()
	gen := b.sessions + 1
	b.mu.Unlock()
	// The session's callbacks speak for it alone: gosmpp calls OnClosed
	// (once or twice) for our own Close, sometimes after the next session
	// is up, which must not be taken down by it.
	settings := gosmpp.Settings{
		ReadTimeout:      readTimeout,
		WriteTimeout:     5 * time.Second,
		EnquireLink:      enquireEvery,
		OnAllPDU:         b.onPDU,
		OnReceivingError: func(err error) { b.failSession(gen, "receive", err) },
		OnSubmitError:    func(_ pdu.PDU, err error) { b.failSession(gen, "submit", err) },
		OnClosed:         func(s gosmpp.State) { b.failSession(gen, "closed", fmt.Errorf("state %s", (&s).String())) },
	}
	// rebindingInterval 0: we rebind ourselves, with backoff, and know when.
	sess, err := gosmpp.NewSession(gosmpp.TRXConnector(dialer, auth), settings, 0)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.sess = sess
	b.sessions = gen
	b.session = fmt.Sprintf("%s/%s/%d", b.g.instance, b.cfg.Name, gen)
	b.mu.Unlock()
	return nil
}

// failSession is fail for session number gen: a signal from a session
// that is no longer the bind's is dropped.
func (b *bind) failSession(gen int, what string, err error) {
	b.mu.Lock()
	current := gen > b.retired
	b.mu.Unlock()
	if current {
		b.fail(what, err)
	} else {
		b.log.Debug("bind event from an earlier session", slog.String("what", what), slog.Any("err", err))
	}
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
	b.retired = b.sessions
	// Every part out learns that its answer will not come (the SMSC may
	// have it); every part queued, that it did not go.
	pending, queue := b.pending, b.queue
	b.pending, b.queue = map[int32]*outPart{}, nil
	clear(b.holds)
	b.mu.Unlock()
	if sess != nil {
		_ = sess.Close() // sends unbind, then closes
	}
	for _, p := range pending {
		p.finish("", true, ErrBindDown)
	}
	for _, p := range queue {
		p.finish("", false, ErrBindDown)
	}
}

// onPDU runs on gosmpp's receive goroutine for every PDU from the SMSC. Its
// return value is the response gosmpp writes: for a deliver_sm it is built
// only after the text is committed (see Gateway.receive).
//
// A panic here (in the gateway, or in a callback an answer runs) is
// recovered: it is logged with the PDU, and the bind is dropped and bound
// again, so that one bad PDU never takes the process down.
func (b *bind) onPDU(p pdu.PDU) (resp pdu.PDU, closeBind bool) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("panic handling a PDU, dropping the bind", slog.Any("panic", r), slog.String("pdu", describePDU(p)),
				slog.String("stack", string(debug.Stack())))
			b.fail("panic", fmt.Errorf("%v", r))
			resp, closeBind = nil, false
		}
	}()
	return b.handle(p)
}

// describePDU names a PDU for a log line: its type, sequence number and
// command status.
func describePDU(p pdu.PDU) string {
	if p == nil {
		return "nil"
	}
	h := p.GetHeader()
	return fmt.Sprintf("%T seq=%d status=%d", p, h.SequenceNumber, h.CommandStatus)
}

func (b *bind) handle(p pdu.PDU) (pdu.PDU, bool) {
	switch req := p.(type) {
	case *pdu.DeliverSM:
		b.mu.Lock()
		sess := b.sess
		b.mu.Unlock()
		return b.g.receive(b, sess, req), false
	case *pdu.SubmitSMResp:
		b.answered(req.SequenceNumber, req)
		return nil, false
	case *pdu.EnquireLink:
		return req.GetResponse(), false
	case *pdu.Unbind:
		b.fail("unbind", errors.New("SMSC unbound"))
		return req.GetResponse(), true
	case *pdu.GenericNack:
		b.answered(req.SequenceNumber, req)
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

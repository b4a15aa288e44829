// Package smsc is Huamu's built-in SMPP 3.4 SMSC simulator, for demos and
// tests. It accepts transmitter, receiver and transceiver binds, acks and
// records every submit_sm, sends a delivery receipt for each, and delivers
// mobile-originated texts on request — long ones split with a UDH the way a
// handset does — redelivering any that a bound ESME did not acknowledge, as
// a real SMSC's store-and-forward does.
//
// Faults can be injected for tests: throttle the next N submits, or drop every
// connection.
package smsc

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"

	"huamu/smsgw"
)

// Submit is an MT the simulator accepted, one per submit_sm (one per part).
type Submit struct {
	MessageID  string    `json:"message_id"`
	Bind       string    `json:"bind"` // system_id of the ESME
	From       string    `json:"from"`
	To         string    `json:"to"`
	DataCoding byte      `json:"data_coding"`
	UDH        []byte    `json:"udh,omitempty"`
	Ref        int       `json:"ref"`   // concatenation reference, 0 when single
	Seq        int       `json:"seq"`   // part number from 1
	Total      int       `json:"total"` // parts in the message
	Text       string    `json:"text"`  // this part's text
	At         time.Time `json:"at"`
}

// MO is a mobile-originated text queued for delivery to the ESME.
type MO struct {
	ID    int64     `json:"id"`
	From  string    `json:"from"`
	To    string    `json:"to"`
	Text  string    `json:"text"`
	Parts int       `json:"parts"`
	Acked int       `json:"acked"` // parts the ESME acknowledged
	At    time.Time `json:"at"`
}

// Config sets up a simulator.
type Config struct {
	Addr         string            // SMPP listen address, e.g. 127.0.0.1:2775 (":0" in tests)
	Accounts     map[string]string // system_id → password; empty accepts any
	ReceiptDelay time.Duration     // time before a delivery receipt; default 100 ms
	// Window is how many deliver_sm (texts and receipts) may await their
	// deliver_sm_resp on one connection; default 64.
	Window int
	Log    *slog.Logger
}

// Server is a running simulator.
type Server struct {
	cfg Config
	log *slog.Logger
	ln  net.Listener

	mu          sync.Mutex
	conns       map[*conn]bool
	submits     []Submit
	mos         []*MO
	queue       []*moPart // parts waiting for a bound receiver
	nextMsgID   int64
	nextMOID    int64
	nextRef     uint16
	throttle    int // submits still to answer with ESME_RTHROTTLED
	throttledAt []time.Time
	refuse      int                    // submits still to answer with refuseWith
	refuseWith  data.CommandStatusType // e.g. ESME_RSYSERR
	wake        chan struct{}
	changed     chan struct{} // closed and replaced whenever state changes
	seq         atomic.Uint32 // sequence numbers of the deliver_sm it sends
	load        *loadRun      // the current or last load run (load.go)

	wg       sync.WaitGroup
	cancel   context.CancelFunc
	stopped  chan struct{} // closed by Stop
	stopOnce sync.Once
}

type moPart struct {
	mo   *MO
	from string
	to   string
	seg  smsgw.Segment
	dc   byte
	dlr  bool // a delivery receipt, not a handset text
	tlvs map[pdu.Tag][]byte
	raw  []byte // a deliver_sm body sent as is (InjectRaw)
	// load and idx name the load-run MO this part belongs to (load.go).
	load *loadRun
	idx  int32
}

// Start listens on cfg.Addr and serves until Stop.
func Start(cfg Config) (*Server, error) {
	if cfg.ReceiptDelay == 0 {
		cfg.ReceiptDelay = 100 * time.Millisecond
	}
	if cfg.Window <= 0 {
		cfg.Window = 64
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("smsc: listen %s: %w", cfg.Addr, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, log: cfg.Log, ln: ln, conns: map[*conn]bool{}, nextMsgID: 100000,
		wake: make(chan struct{}, 1), changed: make(chan struct{}), cancel: cancel, stopped: make(chan struct{})}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.accept() }()
	go func() { defer s.wg.Done(); s.deliverLoop(ctx) }()
	return s, nil
}

// Addr is the address the simulator listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Stop closes every connection and waits for the simulator's goroutines.
func (s *Server) Stop() {
	s.stopOnce.Do(func() { close(s.stopped) })
	s.cancel()
	_ = s.ln.Close()
	s.DropConnections()
	s.wg.Wait()
}

// DropConnections closes every ESME connection at once, as a network fault
// would. Unacknowledged MOs stay queued and are delivered after a rebind.
//
// What the simulator answered before the drop reaches the ESME (the write
// side is shut down cleanly first), and what it had not yet read is never
// accepted: so the ESME knows exactly which submits were taken, and the
// test of "nothing sent twice" is exact.
func (s *Server) DropConnections() {
	s.mu.Lock()
	cs := slices.Collect(maps.Keys(s.conns))
	s.mu.Unlock()
	for _, c := range cs {
		// A submit is accepted and answered under wmu: none is half done.
		c.wmu.Lock()
		s.mu.Lock()
		c.dropped = true // handle accepts nothing more
		s.mu.Unlock()
		_ = c.bw.Flush()
		tc, ok := c.nc.(*net.TCPConn)
		if ok {
			_ = tc.CloseWrite()
		} else {
			_ = c.nc.Close()
		}
		c.wmu.Unlock()
		// Closing now, with the ESME's unread submits in our buffer, would
		// send a reset that can destroy answers it has not read yet; serve
		// drains and closes instead, within a second.
		_ = c.nc.SetReadDeadline(time.Now().Add(time.Second))
	}
}

// Throttle answers the next n submit_sm with ESME_RTHROTTLED.
func (s *Server) Throttle(n int) {
	s.mu.Lock()
	s.throttle = n
	s.mu.Unlock()
}

// Refuse answers the next n submit_sm with status, as an SMSC in trouble
// does (ESME_RSYSERR, ESME_RX_T_APPN).
func (s *Server) Refuse(n int, status data.CommandStatusType) {
	s.mu.Lock()
	s.refuse, s.refuseWith = n, status
	s.mu.Unlock()
}

// Bound reports how many ESMEs are bound to receive.
func (s *Server) Bound() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if c.receiver() {
			n++
		}
	}
	return n
}

// Inject queues a mobile-originated text from a handset, split into parts
// with an 8-bit reference UDH when it does not fit one SMS.
func (s *Server) Inject(from, to, text string) *MO {
	s.mu.Lock()
	s.nextMOID++
	s.nextRef++
	ref := s.nextRef
	s.mu.Unlock()
	dc, segs, err := smsgw.Split(text, ref, false)
	if err != nil { // longer than 255 parts: a handset would refuse it too
		dc, segs, _ = smsgw.Split(string([]rune(text)[:1000]), ref, false)
	}
	mo := &MO{ID: s.nextMOID, From: from, To: to, Text: text, Parts: len(segs), At: time.Now()}
	s.mu.Lock()
	s.mos = append(s.mos, mo)
	for _, seg := range segs {
		s.queue = append(s.queue, &moPart{mo: mo, from: from, to: to, seg: seg, dc: dc})
	}
	s.notifyLocked()
	s.mu.Unlock()
	return mo
}

// Submits returns a copy of every submit the simulator accepted.
func (s *Server) Submits() []Submit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Submit(nil), s.submits...)
}

// MOs returns a copy of every injected MO and how far it got.
func (s *Server) MOs() []MO {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]MO, len(s.mos))
	for i, m := range s.mos {
		out[i] = *m
	}
	return out
}

// Changed returns a channel closed at the next change of state (a submit,
// an ack), for waiting without polling.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Server) accept() {
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &conn{s: s, nc: nc, br: bufio.NewReaderSize(nc, 64<<10), bw: bufio.NewWriterSize(nc, 64<<10),
			pending: map[uint32]*moPart{}}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() { defer s.wg.Done(); c.serve() }()
	}
}

// deliverLoop hands queued MO parts and receipts to bound receivers.
func (s *Server) deliverLoop(ctx context.Context) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
		}
		for s.deliverSome() {
		}
	}
}

// deliverSome moves queued parts to the receivers with room in their
// window and writes them, one flush per connection, and reports whether it
// moved any.
func (s *Server) deliverSome() bool {
	type batch struct {
		c    *conn
		seqs []uint32
		ps   []*moPart
	}
	var out []batch
	s.mu.Lock()
	for c := range s.conns {
		if len(s.queue) == 0 {
			break
		}
		room := s.cfg.Window - len(c.pending)
		if !c.receiver() || c.pending == nil || c.dropped || room <= 0 {
			continue
		}
		b := batch{c: c, ps: s.queue[:min(room, len(s.queue))]}
		for _, p := range b.ps {
			seq := s.nextSeq()
			c.pending[seq] = p
			b.seqs = append(b.seqs, seq)
		}
		s.queue = s.queue[len(b.ps):]
		out = append(out, b)
	}
	s.mu.Unlock()
	for _, b := range out {
		b.c.deliver(b.seqs, b.ps)
	}
	return len(out) > 0
}

func (s *Server) nextSeq() uint32 {
	for {
		if n := s.seq.Add(1) & 0x7fffffff; n != 0 {
			return n
		}
	}
}

func (s *Server) requeue(ps ...*moPart) {
	if len(ps) == 0 {
		return
	}
	s.mu.Lock()
	s.queue = append(ps, s.queue...)
	s.notifyLocked()
	s.mu.Unlock()
}

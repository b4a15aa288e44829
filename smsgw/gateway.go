package smsgw

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linxGnu/gosmpp"
	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// MO is a received mobile-originated message or one part of a long one, as
// the gateway hands it to the Inbox. Body is still encoded: parts must be
// joined as bytes before decoding (Join), since a handset may cut a UTF-16
// surrogate pair between parts.
type MO struct {
	// DedupKeys name a part of a long text: the first is stored; any match
	// means "seen already" (a redelivered part).
	DedupKeys []string
	// RepeatKey names a whole text by what the SMSC would repeat: the same
	// key on a later text makes it a redelivery or a person's repeat, told
	// apart by Session and Redelivery (see BindConfig.Redelivery).
	RepeatKey  string
	Session    string        // the SMPP session it came on
	Redelivery time.Duration // the bind's redelivery window
	Bind       string
	Carrier    Carrier
	Sender     string // normalised 11-digit number when it is one
	Recipient  string
	Part       Part
	ReceivedAt time.Time
	// Hold, when set, says the MO is for a clerk, not the exchange:
	// HoldMalformed for a PDU that could not be read (Part then holds a
	// description with its bytes).
	Hold string
}

// HoldMalformed marks an MO whose deliver_sm could not be parsed.
const HoldMalformed = "malformed"

// Text decodes a single-part MO.
func (m MO) Text() (string, error) {
	s, _, err := Join([]Part{m.Part})
	return s, err
}

// Inbox stores received texts. The gateway hands it what every bind has
// received since its last call — texts and parts of long texts, from any
// bind — and Deliver returns one error per MO: nil once that MO is
// committed. The gateway acknowledges each committed MO to the SMSC and
// asks the SMSC to redeliver the others.
type Inbox interface {
	Deliver(ctx context.Context, mos []MO) []error
}

// ReceiptSink records delivery receipts, a batch at a time like Inbox: one
// error per receipt, nil once it is recorded.
type ReceiptSink interface {
	Receipts(ctx context.Context, rs []Receipt) []error
}

// Limiter spaces submits on a bind to its TPS, counted in parts, across
// every process sharing the bind.
type Limiter interface {
	// Take asks for up to n parts on bind. It grants some of them now, or
	// none and says how long to wait before asking again. After sending
	// what it was granted, the caller also waits wait before asking again.
	Take(ctx context.Context, bind string, tps, n int) (granted int, wait time.Duration, err error)
}

// SessionLog learns when each SMPP session begins and ends, so that a text
// seen twice can be told a redelivery (the first copy's session ended before
// its acknowledgement surely reached the SMSC) from a person's repeat. A
// clean end (the gateway stopping: every acknowledgement written before
// the unbind) loses none. Its methods must not block.
type SessionLog interface {
	SessionUp(id, bind string)
	SessionDown(id string, clean bool)
}

// Options configure a Gateway.
type Options struct {
	Binds     []BindConfig
	Inbox     Inbox
	Receipts  ReceiptSink
	Limiter   Limiter    // nil: no rate limit beyond the window
	Sessions  SessionLog // nil: none
	Signature string     // prefixed to every MT that is not plain GSM text, e.g. 【花木通】
	Log       *slog.Logger
	Metrics   *Metrics // nil: not exported
	Now       func() time.Time
}

// Gateway holds the SMPP binds: it receives MOs and receipts and submits MTs.
type Gateway struct {
	opts     Options
	log      *slog.Logger
	metrics  *Metrics
	binds    []*bind
	instance string // names this gateway's sessions
	ref      atomic.Uint32
	cancel   context.CancelFunc
	ctx      context.Context
	wg       sync.WaitGroup
	stop     sync.Once

	mos      *batcher[MO]
	receipts *batcher[Receipt]
	// gate guards taking new work into the batchers against Stop, which
	// closes it (closed) and then waits for what they hold.
	gate   sync.RWMutex
	closed bool
	// batchCancel ends the batchers, after they have emptied.
	batchCancel context.CancelFunc
	batchWG     sync.WaitGroup

	// draining is set by Drain: new MOs are refused (the SMSC keeps and
	// redelivers them) while submits in flight and receipts still finish.
	draining atomic.Bool
}

// Drain stops taking MOs, the first step of a shutdown: every deliver_sm
// that is not a receipt is answered ESME_RX_T_APPN from now on, so the
// SMSC keeps it and delivers it again to whichever process is up. Submits
// and receipts go on until Stop.
func (g *Gateway) Drain() { g.draining.Store(true) }

// New builds a gateway; Start connects it.
func New(o Options) *Gateway {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	g := &Gateway{opts: o, log: o.Log, metrics: o.Metrics, instance: randomID()}
	g.ref.Store(uint32(time.Now().UnixNano()))
	g.mos = newBatcher(func(ctx context.Context, mos []MO) []error {
		if o.Inbox == nil {
			return errorsFor(len(mos), errors.New("no inbox"))
		}
		errs := o.Inbox.Deliver(ctx, mos)
		for i, mo := range mos {
			if i < len(errs) && errs[i] == nil && mo.Hold == "" {
				g.metrics.mo(mo.Carrier)
			}
		}
		return errs
	}, o.Log)
	g.receipts = newBatcher(func(ctx context.Context, rs []Receipt) []error {
		if o.Receipts == nil {
			return nil
		}
		return o.Receipts.Receipts(ctx, rs)
	}, o.Log)
	for _, c := range o.Binds {
		g.binds = append(g.binds, newBind(c, g))
	}
	// A receipt may come on any bind to the same SMSC account.
	for _, b := range g.binds {
		for _, p := range g.binds {
			if p.cfg.Addr == b.cfg.Addr && p.cfg.SystemID == b.cfg.SystemID {
				b.peers = append(b.peers, p.cfg.Name)
			}
		}
	}
	return g
}

// Start binds every configured SMSC in the background.
func (g *Gateway) Start(ctx context.Context) {
	g.ctx, g.cancel = context.WithCancel(context.WithoutCancel(ctx))
	var bctx context.Context
	bctx, g.batchCancel = context.WithCancel(context.WithoutCancel(ctx))
	g.batchWG.Add(2)
	go func() { defer g.batchWG.Done(); g.mos.run(bctx) }()
	go func() { defer g.batchWG.Done(); g.receipts.run(bctx) }()
	for _, b := range g.binds {
		g.wg.Add(1)
		go func() { defer g.wg.Done(); b.run(g.ctx) }()
	}
}

// Stop takes no more MOs or receipts, commits and answers those it holds,
// then unbinds and closes every bind and waits for them. Submits still
// queued or in flight end with ErrBindDown. It is idempotent.
func (g *Gateway) Stop() {
	g.stop.Do(func() {
		g.gate.Lock()
		g.closed = true
		g.gate.Unlock()
		g.mos.wait()
		g.receipts.wait()
		if g.batchCancel != nil {
			g.batchCancel()
		}
		g.batchWG.Wait()
		if g.cancel != nil {
			g.cancel()
		}
		g.wg.Wait()
	})
}

// BindStatus is a bind's state for health pages and metrics.
type BindStatus struct {
	Name    string
	Carrier Carrier
	Addr    string
	State   BindState
}

// Status reports every bind's state.
func (g *Gateway) Status() []BindStatus {
	out := make([]BindStatus, len(g.binds))
	for i, b := range g.binds {
		out[i] = BindStatus{Name: b.cfg.Name, Carrier: b.cfg.Carrier, Addr: b.cfg.Addr, State: b.State()}
	}
	return out
}

// WaitUp blocks until at least one bind is up or ctx ends.
func (g *Gateway) WaitUp(ctx context.Context) error {
	for {
		for _, b := range g.binds {
			if b.State() == BindUp {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// route picks the bind for a number: the least busy bind of its carrier
// that is up; when every bind of that carrier is down, any bind that is up
// (carriers interconnect, at a cost), and the log says so.
func (g *Gateway) route(to string, override Carrier) (*bind, error) {
	want := override
	if want == "" {
		want, _ = CarrierByPrefix(to)
	}
	var best, fallback *bind
	for _, b := range g.binds {
		if b.State() != BindUp {
			continue
		}
		if b.holding(to) > 0 && (b.cfg.Carrier == want || b.cfg.Carrier == "") {
			return b, nil // the number's earlier texts are on it: keep their order
		}
		if b.cfg.Carrier == want || b.cfg.Carrier == "" {
			if best == nil || b.busy() < best.busy() {
				best = b
			}
		} else if fallback == nil || b.busy() < fallback.busy() {
			fallback = b
		}
	}
	if best != nil {
		return best, nil
	}
	if fallback != nil {
		g.log.Warn("carrier binds down, failing over", slog.String("carrier", string(want)),
			slog.String("bind", fallback.cfg.Name), slog.String("to", MaskNumber(to)))
		return fallback, nil
	}
	return nil, ErrNoRoute
}

// receive handles a deliver_sm on the bind's read loop: a receipt or an MO
// goes to its batcher, and the deliver_sm_resp follows the batch's commit
// (the nil returned here sends nothing yet). A deliver_sm the gateway
// cannot take now is answered ESME_RX_T_APPN at once, so the SMSC delivers
// it again later.
func (g *Gateway) receive(b *bind, sess *gosmpp.Session, req *pdu.DeliverSM) pdu.PDU {
	resp := req.GetResponse().(*pdu.DeliverSMResp)
	later := func() pdu.PDU {
		resp.CommandStatus = data.ESME_RX_T_APPN
		return resp
	}
	g.gate.RLock()
	defer g.gate.RUnlock()
	if g.closed {
		return later()
	}
	a := ack{b: b, sess: sess, resp: resp}
	raw, d, err := g.rawDeliver(b, req)
	if err != nil {
		if raw == nil {
			g.log.Error("deliver_sm bytes not captured, acknowledged and dropped", slog.Any("err", err))
			return resp
		}
		// Keep the bytes for a clerk rather than lose them or loop on them.
		g.log.Warn("malformed deliver_sm, stored for a clerk", slog.Any("err", err))
		sum := sha256.Sum256(raw)
		b.mu.Lock()
		session := b.session
		b.mu.Unlock()
		key := "raw:" + b.cfg.Name + ":" + hex.EncodeToString(sum[:16])
		g.mos.add(MO{DedupKeys: []string{key}, RepeatKey: key, Session: session, Redelivery: b.cfg.Redelivery, Bind: b.cfg.Name,
			Carrier: b.cfg.Carrier, Sender: "unknown", Hold: HoldMalformed, ReceivedAt: g.opts.Now(),
			Part: Part{DataCoding: CodingUCS2, Body: encodeUCS2(nil, fmt.Sprintf("[无法解析的短信] %x", raw))}}, a)
		return nil
	}
	if IsReceipt(d.EsmClass) {
		r, err := ParseReceipt(d.ShortMessage, d.TLVs)
		if err != nil {
			g.log.Warn("unreadable delivery receipt", slog.Any("err", err))
			return resp
		}
		g.metrics.receipt(b.cfg, r.State)
		r.Binds = b.peers
		g.receipts.add(r, a)
		return nil
	}
	if g.draining.Load() {
		return later()
	}
	part, err := ParsePart(d.EsmClass, d.DataCoding, d.ShortMessage, d.TLVs)
	if err != nil {
		// Keep the text whole rather than lose it: a clerk sees what came.
		g.log.Warn("malformed concatenation data, kept as one text", slog.Any("err", err))
		body := d.ShortMessage
		if p := d.TLVs[TagMessagePayload]; len(p) > 0 {
			body = p
		}
		part = Part{DataCoding: d.DataCoding, Body: body}
	}
	sender := d.Source
	if n, err := NormalizeMSISDN(d.Source); err == nil {
		sender = n
	}
	carrier := b.cfg.Carrier
	if c, ok := CarrierByPrefix(sender); ok {
		carrier = c
	}
	b.mu.Lock()
	session := b.session
	b.mu.Unlock()
	g.mos.add(MO{DedupKeys: dedupKeys(b.cfg.Name, d, part, g.opts.Now()), RepeatKey: repeatKey(b.cfg.Name, d, part),
		Session: session, Redelivery: b.cfg.Redelivery, Bind: b.cfg.Name, Carrier: carrier,
		Sender: sender, Recipient: d.Dest, Part: part, ReceivedAt: g.opts.Now()}, a)
	return nil
}

func errorsFor(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

func (g *Gateway) rawDeliver(b *bind, req *pdu.DeliverSM) ([]byte, DeliverSM, error) {
	b.mu.Lock()
	tee := b.tee
	b.mu.Unlock()
	if tee != nil {
		if raw, ok := tee.take(uint32(req.SequenceNumber)); ok {
			d, err := ParseDeliverSM(raw)
			return raw, d, err
		}
	}
	return nil, DeliverSM{}, errors.New("raw deliver_sm bytes not captured")
}

// dedupWindow bounds how long an MO without an SMSC id counts as a repeat
// of an identical one: a redelivery comes within minutes.
const dedupWindow = 10 * time.Minute

// dedupKeys names an MO so that a redelivered deliver_sm maps to the same
// row: the SMSC's own id when it gives one; otherwise the sender, recipient,
// bytes and concatenation data within a time window (the key for this
// window and the previous one both count, so a repeat straddling the
// boundary is still caught).
func dedupKeys(bind string, d DeliverSM, p Part, now time.Time) []string {
	if id, ok := d.TLVs[TagReceiptedMessageID]; ok && len(id) > 1 {
		return []string{"id:" + bind + ":" + string(trimNUL(id))}
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d|%d|%d|%d|%d|", d.Source, d.Dest, d.DataCoding, p.Ref, p.Seq, p.Total, len(p.Body))
	h.Write(p.Body)
	sum := hex.EncodeToString(h.Sum(nil))[:32]
	w := now.Unix() / int64(dedupWindow/time.Second)
	return []string{"h:" + sum + ":" + strconv.FormatInt(w, 10), "h:" + sum + ":" + strconv.FormatInt(w-1, 10)}
}

// repeatKey names a text by what its SMSC repeats when it delivers it
// again: its own id when it gives one, else the sender, recipient, bytes
// and concatenation data. Whether a later text with the same key is that
// redelivery is decided where the first copy's fate is known (the store).
func repeatKey(bind string, d DeliverSM, p Part) string {
	if id, ok := d.TLVs[TagReceiptedMessageID]; ok && len(id) > 1 {
		return "id:" + bind + ":" + string(trimNUL(id))
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%d|%d|%d|%d|%d|", d.Source, d.Dest, d.DataCoding, p.Ref, p.Seq, p.Total, len(p.Body))
	h.Write(p.Body)
	return "h:" + hex.EncodeToString(h.Sum(nil))[:32]
}

// randomID is 12 hex digits, unique enough to name a process's sessions.
func randomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func trimNUL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}

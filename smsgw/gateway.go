package smsgw

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

// MO is a received mobile-originated message or one part of a long one, as
// the gateway hands it to the Inbox. Body is still encoded: parts must be
// joined as bytes before decoding (Join), since a handset may cut a UTF-16
// surrogate pair between parts.
type MO struct {
	DedupKeys  []string // the first is stored; any match means "seen already"
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

// Inbox stores received texts. Deliver must return only after the MO is
// committed: the gateway acknowledges the SMSC after it returns nil, and asks
// the SMSC to redeliver when it returns an error.
type Inbox interface {
	Deliver(ctx context.Context, mo MO) error
}

// ReceiptSink records delivery receipts.
type ReceiptSink interface {
	Receipt(ctx context.Context, r Receipt) error
}

// Limiter spaces submits on a bind to its TPS, across every process sharing
// the bind. Wait blocks until parts may be sent.
type Limiter interface {
	Wait(ctx context.Context, bind string, tps, parts int) error
}

// Options configure a Gateway.
type Options struct {
	Binds     []BindConfig
	Inbox     Inbox
	Receipts  ReceiptSink
	Limiter   Limiter // nil: no rate limit beyond the window
	Signature string  // prefixed to every MT that is not plain GSM text, e.g. 【花木通】
	Log       *slog.Logger
	Metrics   *Metrics // nil: not exported
	Now       func() time.Time
}

// Gateway holds the SMPP binds: it receives MOs and receipts and submits MTs.
type Gateway struct {
	opts    Options
	log     *slog.Logger
	metrics *Metrics
	binds   []*bind
	ref     atomic.Uint32
	cancel  context.CancelFunc
	ctx     context.Context
	wg      sync.WaitGroup
	stop    sync.Once
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
	g := &Gateway{opts: o, log: o.Log, metrics: o.Metrics}
	g.ref.Store(uint32(time.Now().UnixNano()))
	for _, c := range o.Binds {
		g.binds = append(g.binds, newBind(c, g))
	}
	return g
}

// Start binds every configured SMSC in the background.
func (g *Gateway) Start(ctx context.Context) {
	g.ctx, g.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, b := range g.binds {
		g.wg.Add(1)
		go func() { defer g.wg.Done(); b.run(g.ctx) }()
	}
}

// Stop unbinds and closes every bind and waits for them. It is idempotent.
func (g *Gateway) Stop() {
	g.stop.Do(func() {
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

// SentPart is one accepted part of an MT.
type SentPart struct {
	Seq       int
	MessageID string
}

// Send submits text to one number: routed to a bind of the number's carrier
// (carrier overrides the prefix table when a clerk or experience says the
// number was ported), split into parts that share one reference, each part
// waiting for its submit_sm_resp. skip names parts already accepted by an
// earlier attempt, which are not sent again. It returns the bind used and the
// parts the SMSC accepted, which may be some of them when err is not nil.
func (g *Gateway) Send(ctx context.Context, to, text string, carrier Carrier, skip map[int]bool) (string, []SentPart, error) {
	r, err := g.Submit(ctx, MT{To: to, Text: text, Carrier: carrier, Skip: skip})
	return r.Bind, r.Parts, err
}

// MT is one text to submit.
type MT struct {
	To      string
	Text    string
	Carrier Carrier // the number's carrier when known better than its prefix; "" otherwise
	// Ref is the concatenation reference. A caller that may send the rest
	// of a long text in a later attempt passes the same Ref each time, so
	// that the handset joins parts from both; 0 lets the gateway pick one.
	Ref  uint16
	Skip map[int]bool // parts an earlier attempt got accepted
	Log  PartLog      // told each part's fate as it happens; may be nil
}

// PartLog learns each part's fate while Submit runs, so that a process
// killed mid-text leaves behind which parts the SMSC had.
type PartLog interface {
	// Submitting is called before part seq goes out; an error stops the
	// text before that part is sent.
	Submitting(ctx context.Context, seq int) error
	// Accepted is called as soon as the SMSC accepts a part.
	Accepted(ctx context.Context, p SentPart) error
	// Refused is called when the SMSC certainly did not take part seq.
	// When neither Accepted nor Refused follows Submitting, its fate is
	// unknown (no answer before the link dropped or the wait ended).
	Refused(ctx context.Context, seq int) error
}

// Submitted is what Submit achieved.
type Submitted struct {
	Bind    string
	Carrier Carrier    // of the bind
	Parts   []SentPart // parts the SMSC accepted, possibly some of them on error
}

// Submit sends m (see Send).
func (g *Gateway) Submit(ctx context.Context, m MT) (Submitted, error) {
	text := m.Text
	if !IsGSM7(text) {
		text = g.opts.Signature + text
	}
	b, err := g.route(m.To, m.Carrier)
	if err != nil {
		return Submitted{}, err
	}
	res := Submitted{Bind: b.cfg.Name, Carrier: b.cfg.Carrier}
	ref := m.Ref
	if ref == 0 {
		ref = uint16(g.ref.Add(1))
	}
	dc, segs, err := Split(text, ref, false)
	if err != nil {
		return res, fmt.Errorf("%w: %v", ErrRejected, err)
	}
	enc := data.FromDataCoding(dc)
	for _, seg := range segs {
		if m.Skip[seg.Seq] {
			continue
		}
		sm := pdu.NewSubmitSM().(*pdu.SubmitSM)
		if b.cfg.Source != "" {
			_ = sm.SourceAddr.SetAddress(b.cfg.Source)
		}
		sm.DestAddr.SetTon(1)
		sm.DestAddr.SetNpi(1)
		if err := sm.DestAddr.SetAddress(m.To); err != nil {
			return res, fmt.Errorf("%w: %v", ErrRejected, err)
		}
		sm.RegisteredDelivery = 1
		if seg.UDHI {
			sm.EsmClass |= EsmUDHI
		}
		// Only enc's data_coding byte is used; the bytes go out as encoded here.
		if err := sm.Message.SetMessageDataWithEncoding(seg.ShortMessage, enc); err != nil {
			return res, fmt.Errorf("%w: %v", ErrRejected, err)
		}
		if m.Log != nil {
			if err := m.Log.Submitting(ctx, seg.Seq); err != nil {
				return res, fmt.Errorf("%w: record part %d before submit: %v", ErrBindDown, seg.Seq, err)
			}
		}
		id, sent, err := g.submitPart(ctx, b, sm)
		if err != nil {
			if !sent && m.Log != nil {
				if lerr := m.Log.Refused(context.WithoutCancel(ctx), seg.Seq); lerr != nil {
					g.log.Warn("record refused part", slog.Any("err", lerr))
				}
			}
			return res, fmt.Errorf("submit part %d/%d on %s: %w", seg.Seq, seg.Total, b.cfg.Name, err)
		}
		p := SentPart{Seq: seg.Seq, MessageID: id}
		res.Parts = append(res.Parts, p)
		if m.Log != nil {
			if err := m.Log.Accepted(context.WithoutCancel(ctx), p); err != nil {
				g.log.Warn("record accepted part", slog.Any("err", err))
			}
		}
	}
	return res, nil
}

// throttleRetries is how often one part is offered again after the SMSC
// throttled it, each time after the bind's backoff pause, before the MT goes
// back to the outbox to wait its turn.
const throttleRetries = 4

// submitPart submits one part within the bind's rate (counted in parts,
// shared by every process through the Limiter) and answers throttling with
// the bind's backoff pause and another try.
// mayHave reports that the SMSC may have accepted the part although no
// answer said so. The result is only meaningful with a non-nil err.
func (g *Gateway) submitPart(ctx context.Context, b *bind, sm *pdu.SubmitSM) (id string, mayHave bool, err error) {
	for try := 0; ; try++ {
		if g.opts.Limiter != nil && b.cfg.TPS > 0 {
			if err := g.opts.Limiter.Wait(ctx, b.cfg.Name, b.cfg.TPS, 1); err != nil {
				return "", false, err
			}
		}
		id, mayHave, err = b.submit(ctx, sm)
		g.metrics.submitted(b.cfg, err)
		if err == nil || !errors.Is(err, ErrThrottled) || try >= throttleRetries {
			return id, mayHave, err
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
		if b.cfg.Carrier == want || b.cfg.Carrier == "" {
			if best == nil || len(b.window) < len(best.window) {
				best = b
			}
		} else if fallback == nil || len(b.window) < len(fallback.window) {
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

// receive handles a deliver_sm: a receipt is recorded, an MO is handed to
// the Inbox, and only then is the response built. A failure answers
// ESME_RX_T_APPN so the SMSC delivers it again later.
func (g *Gateway) receive(b *bind, req *pdu.DeliverSM) pdu.PDU {
	resp := req.GetResponse().(*pdu.DeliverSMResp)
	ctx, cancel := context.WithTimeout(g.ctx, 15*time.Second)
	defer cancel()
	raw, d, err := g.rawDeliver(b, req)
	if err != nil {
		if raw == nil {
			g.log.Error("deliver_sm bytes not captured, acknowledged and dropped", slog.Any("err", err))
			return resp
		}
		// Keep the bytes for a clerk rather than lose them or loop on them.
		g.log.Warn("malformed deliver_sm, stored for a clerk", slog.Any("err", err))
		sum := sha256.Sum256(raw)
		mo := MO{DedupKeys: []string{"raw:" + b.cfg.Name + ":" + hex.EncodeToString(sum[:16])}, Bind: b.cfg.Name,
			Carrier: b.cfg.Carrier, Sender: "unknown", Hold: HoldMalformed, ReceivedAt: g.opts.Now(),
			Part: Part{DataCoding: CodingUCS2, Body: encodeUCS2(nil, fmt.Sprintf("[无法解析的短信] %x", raw))}}
		if err := g.opts.Inbox.Deliver(ctx, mo); err != nil {
			resp.CommandStatus = data.ESME_RX_T_APPN
		}
		return resp
	}
	if IsReceipt(d.EsmClass) {
		r, err := ParseReceipt(d.ShortMessage, d.TLVs)
		if err != nil {
			g.log.Warn("unreadable delivery receipt", slog.Any("err", err))
			return resp
		}
		g.metrics.receipt(b.cfg, r.State)
		if g.opts.Receipts != nil {
			if err := g.opts.Receipts.Receipt(ctx, r); err != nil {
				g.log.Error("record receipt", slog.Any("err", err))
				resp.CommandStatus = data.ESME_RX_T_APPN
			}
		}
		return resp
	}
	if g.draining.Load() {
		resp.CommandStatus = data.ESME_RX_T_APPN
		return resp
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
	mo := MO{DedupKeys: dedupKeys(b.cfg.Name, d, part, g.opts.Now()), Bind: b.cfg.Name, Carrier: carrier,
		Sender: sender, Recipient: d.Dest, Part: part, ReceivedAt: g.opts.Now()}
	if err := g.opts.Inbox.Deliver(ctx, mo); err != nil {
		g.log.Error("store MO, asking SMSC to redeliver", slog.Any("err", err), slog.String("from", MaskNumber(sender)))
		resp.CommandStatus = data.ESME_RX_T_APPN
		return resp
	}
	g.metrics.mo(b.cfg, carrier)
	return resp
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

func trimNUL(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}

// MaskNumber hides the middle of a phone number for logs: 138****0001.
func MaskNumber(n string) string {
	if len(n) < 7 {
		return "***"
	}
	return n[:3] + "****" + n[len(n)-4:]
}

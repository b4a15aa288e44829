package smsgw

import (
	"errors"
	"fmt"
	"sync"

	"github.com/linxGnu/gosmpp/data"
	"github.com/linxGnu/gosmpp/pdu"
)

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
}

// SentPart is one accepted part of an MT.
type SentPart struct {
	Seq       int
	MessageID string
}

// Submitted is what submitting an MT achieved.
type Submitted struct {
	Bind    string
	Carrier Carrier    // of the bind
	Total   int        // parts the text has
	Parts   []SentPart // parts the SMSC accepted, possibly some of them on error
	// Unknown reports parts that went out without an answer (the link
	// dropped, or no submit_sm_resp in time): the SMSC may have them.
	Unknown bool
}

// Enqueue queues m on a bind of the recipient's carrier (carrier overrides
// the prefix table when a clerk or experience says the number was ported),
// split into parts that share one reference, and returns at once. The
// bind's sender submits the parts through its window, many in flight at
// once, within the bind's rate; done is called once, from another
// goroutine or from Enqueue itself, when every part has its answer. Parts
// in m.Skip are not sent again.
func (g *Gateway) Enqueue(m MT, done func(Submitted, error)) {
	text := m.Text
	if !IsGSM7(text) {
		text = g.opts.Signature + text
	}
	b, err := g.route(m.To, m.Carrier)
	if err != nil {
		done(Submitted{}, err)
		return
	}
	res := Submitted{Bind: b.cfg.Name, Carrier: b.cfg.Carrier}
	ref := m.Ref
	if ref == 0 {
		ref = uint16(g.ref.Add(1))
	}
	dc, segs, err := Split(text, ref, false)
	if err != nil {
		done(res, fmt.Errorf("%w: %v", ErrRejected, err))
		return
	}
	res.Total = len(segs)
	enc := data.FromDataCoding(dc)
	mt := &mtSend{res: res, done: done, to: m.To}
	var parts []*outPart
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
			done(res, fmt.Errorf("%w: %v", ErrRejected, err))
			return
		}
		sm.RegisteredDelivery = 1
		if seg.UDHI {
			sm.EsmClass |= EsmUDHI
		}
		// Only enc's data_coding byte is used; the bytes go out as encoded here.
		if err := sm.Message.SetMessageDataWithEncoding(seg.ShortMessage, enc); err != nil {
			done(res, fmt.Errorf("%w: %v", ErrRejected, err))
			return
		}
		parts = append(parts, &outPart{mt: mt, b: b, seq: seg.Seq, sm: sm})
	}
	if len(parts) == 0 {
		done(res, nil)
		return
	}
	mt.left = len(parts)
	b.enqueue(parts)
}

// mtSend gathers the answers to one MT's parts.
type mtSend struct {
	mu   sync.Mutex
	res  Submitted
	err  error
	left int
	to   string
	done func(Submitted, error)
}

// outPart is one part of an MT on its way through a bind.
type outPart struct {
	mt     *mtSend
	b      *bind // the bind it goes out on
	seq    int
	sm     *pdu.SubmitSM
	tries  int   // times the SMSC throttled it
	sentAt int64 // unix ns when it went out
}

// finish records part p's answer: accepted with id, or err (sent says
// whether it went out, so the SMSC may have it). The MT's done runs after
// its last part's answer.
func (p *outPart) finish(id string, sent bool, err error) {
	m := p.mt
	m.mu.Lock()
	if err == nil {
		m.res.Parts = append(m.res.Parts, SentPart{Seq: p.seq, MessageID: id})
	} else {
		if sent {
			m.res.Unknown = true
		}
		if m.err == nil || severity(err) > severity(m.err) {
			m.err = err
		}
	}
	m.left--
	last := m.left == 0
	m.mu.Unlock()
	p.b.partDone(p, last)
	if last {
		m.done(m.res, m.err)
	}
}

// severity orders errors so that an MT reports its worst: a rejection
// (retrying cannot help) over a part of unknown fate over one that was
// certainly not taken.
func severity(err error) int {
	switch {
	case errors.Is(err, ErrRejected):
		return 3
	case errors.Is(err, ErrTimeout), errors.Is(err, ErrSystem):
		return 2
	case errors.Is(err, ErrThrottled):
		return 1
	}
	return 0
}

// Package intake brings texts in: it stores what the gateway receives
// (before the SMSC is acknowledged) and runs the workers that claim each
// stored text and apply it to the exchange.
package intake

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"huamu/internal/store"
	"huamu/smsgw"
)

// Inbox stores MOs for the gateway. It implements smsgw.Inbox.
type Inbox struct {
	Store *store.Store
	Wake  func(ctx context.Context) // tells the workers a text is waiting; may be nil
	Flood FloodLimit                // per-sender flood limit; nil: none
	Log   *slog.Logger              // may be nil
	// Duplicates counts redeliveries stored as duplicates; may be nil.
	Duplicates prometheus.Counter
	// Sessions, when set, has the SMPP sessions' ends written before each
	// batch is stored (Sessions.Flush).
	Sessions *Sessions
}

// FloodLimit counts texts per sender across processes (redisx.Flood).
type FloodLimit interface {
	// HitMany counts counts[i] texts from senders[i] (0 only asks), a
	// batch in one go, and reports for each whether the sender floods.
	HitMany(ctx context.Context, senders []string, counts []int) ([]bool, error)
}

// ReasonFlood marks texts from a number that sends too many: stored, held
// for a clerk, not answered.
const ReasonFlood = "flood"

const floodNote = "发送过于频繁，已暂停自动回复，转人工查看"

var _ smsgw.Inbox = (*Inbox)(nil)

// Deliver commits a batch of MOs in one transaction (store.Receive): whole
// texts as inbound rows, parts of long texts joined in the transaction of
// the part that completes them. It returns once the commit is done, one
// error per MO. When the batch cannot commit because of one row the
// database refuses, each MO is tried alone, so that the others are stored
// and only that one is redelivered by the SMSC.
func (b *Inbox) Deliver(ctx context.Context, mos []smsgw.MO) []error {
	start := time.Now()
	defer func() {
		if d := time.Since(start); d > slowBatch && b.Log != nil {
			b.Log.Warn("slow MO batch", slog.Int("mos", len(mos)), slog.Duration("took", d))
		}
	}()
	if b.Sessions != nil {
		b.Sessions.Flush(ctx)
	}
	flood := b.flooding(ctx, mos)
	errs := make([]error, len(mos))
	waiting, err := b.store(ctx, mos, flood)
	switch {
	case err == nil:
	case len(mos) == 1 || store.IsConnectionError(err) || ctx.Err() != nil:
		for i := range errs {
			errs[i] = err
		}
	default:
		if b.Log != nil {
			b.Log.Warn("batch of MOs refused, storing them one by one", slog.Int("mos", len(mos)), slog.Any("err", err))
		}
		waiting = 0
		for i := range mos {
			n, err := b.store(ctx, mos[i:i+1], flood[i:i+1])
			errs[i] = err
			waiting += n
		}
	}
	if waiting > 0 && b.Wake != nil {
		b.Wake(ctx)
	}
	return errs
}

// flooding counts the batch's texts against each sender's flood limit, in
// one round trip: every part counts, so that parts that never make a whole
// text (a fresh reference each time) are limited too; whichever part
// completes a long text decides whether it is held. Without Redis every
// text goes through: a lost limit must never cost a text.
func (b *Inbox) flooding(ctx context.Context, mos []smsgw.MO) []bool {
	flags := make([]bool, len(mos))
	if b.Flood == nil {
		return flags
	}
	var senders []string
	var counts, at []int
	for i, mo := range mos {
		if mo.Hold != "" {
			continue
		}
		senders, counts, at = append(senders, mo.Sender), append(counts, 1), append(at, i)
	}
	got, err := b.Flood.HitMany(ctx, senders, counts)
	if err != nil {
		return flags
	}
	for k, i := range at {
		flags[i] = got[k]
		if got[k] && b.Log != nil {
			b.Log.Warn("sender flooding, text held for a clerk", slog.String("from", smsgw.MaskNumber(mos[i].Sender)))
		}
	}
	return flags
}

// store commits mos (with their flood flags) in one transaction and
// returns how many new texts wait for a worker.
func (b *Inbox) store(ctx context.Context, mos []smsgw.MO, flood []bool) (int, error) {
	var texts []store.MO
	var parts []store.Part
	for i, mo := range mos {
		if mo.Part.Concat {
			p := store.Part{DedupKey: mo.DedupKeys[0], Bind: mo.Bind, Carrier: string(mo.Carrier), Sender: mo.Sender,
				Recipient: mo.Recipient, Ref: int(mo.Part.Ref), Total: mo.Part.Total, Seq: mo.Part.Seq,
				DataCoding: mo.Part.DataCoding, Body: mo.Part.Body, ReceivedAt: mo.ReceivedAt}
			if flood[i] {
				p.Hold, p.HoldNote = ReasonFlood, floodNote
			}
			parts = append(parts, p)
			continue
		}
		text, err := mo.Text()
		if err != nil {
			text = undecodable(mo.Part.DataCoding, mo.Part.Body)
		}
		in := store.MO{DedupKey: mo.RepeatKey, Session: mo.Session, Redelivery: mo.Redelivery,
			Bind: mo.Bind, Carrier: string(mo.Carrier), Sender: mo.Sender, Recipient: mo.Recipient,
			Body: text, ReceivedAt: mo.ReceivedAt}
		if in.DedupKey == "" && len(mo.DedupKeys) > 0 {
			in.DedupKey = mo.DedupKeys[0] // a malformed PDU's key: its bytes
		}
		switch {
		case mo.Hold == smsgw.HoldMalformed:
			in.Hold, in.HoldNote = mo.Hold, "短信中心发来的数据无法解析，原始字节已保存"
		case flood[i]:
			in.Hold, in.HoldNote = ReasonFlood, floodNote
		}
		texts = append(texts, in)
	}
	r, err := b.Store.Receive(ctx, texts, parts, Join)
	if err != nil {
		return 0, fmt.Errorf("store %d MOs: %w", len(mos), err)
	}
	if r.Duplicates > 0 {
		if b.Duplicates != nil {
			b.Duplicates.Add(float64(r.Duplicates))
		}
		if b.Log != nil {
			b.Log.Info("redelivered texts stored as duplicates", slog.Int("count", r.Duplicates))
		}
	}
	return r.Waiting, nil
}

// undecodable is what is stored for a text in an alphabet we cannot decode
// (binary, or a data_coding no handset should send): its bytes, for a
// clerk, rather than a refusal the SMSC would answer by redelivering it.
func undecodable(dc byte, body []byte) string {
	return fmt.Sprintf("[无法解码 data_coding=%#02x] %x", dc, body)
}

// Join decodes the parts of a long text, joined as bytes in seq order. When
// parts are missing (a timeout hands on what came), each run of consecutive
// parts is decoded on its own and a gap is shown as "…". A long text in an
// alphabet we cannot decode is kept as its bytes, as a single one is: it
// never fails, so its parts are acknowledged at once.
func Join(parts []store.Part) (string, error) {
	if len(parts) > 0 && len(parts) == parts[0].Total {
		ps := make([]smsgw.Part, len(parts))
		var body []byte
		for i, p := range parts {
			ps[i] = smsgw.Part{Concat: true, Ref: uint16(p.Ref), Total: p.Total, Seq: p.Seq, DataCoding: p.DataCoding, Body: p.Body}
			body = append(body, p.Body...)
		}
		s, _, err := smsgw.Join(ps)
		if err != nil {
			return undecodable(parts[0].DataCoding, body), nil
		}
		return s, nil
	}
	var (
		out  strings.Builder
		body []byte
		next = 1
	)
	flush := func(dc byte) {
		if len(body) > 0 {
			s, _, _ := smsgw.Decode(dc, body)
			out.WriteString(s)
			body = nil
		}
	}
	for _, p := range parts {
		if p.Seq != next {
			flush(p.DataCoding)
			out.WriteString("…")
		}
		body = append(body, p.Body...)
		next = p.Seq + 1
	}
	if len(parts) > 0 {
		flush(parts[len(parts)-1].DataCoding)
		if next <= parts[0].Total {
			out.WriteString("…")
		}
	}
	return out.String(), nil
}

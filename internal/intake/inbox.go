// Package intake brings texts in: it stores what the gateway receives
// (before the SMSC is acknowledged) and runs the workers that claim each
// stored text and apply it to the exchange.
package intake

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"huamu/internal/store"
	"huamu/smsgw"
)

// Inbox stores MOs for the gateway. It implements smsgw.Inbox.
type Inbox struct {
	Store *store.Store
	Wake  func(ctx context.Context) // tells the workers a text is waiting; may be nil
	Flood FloodLimit                // per-sender flood limit; nil: none
	Log   *slog.Logger              // may be nil
}

// FloodLimit counts texts per sender across processes (redisx.Flood).
type FloodLimit interface {
	// Hit counts n texts from sender (0 only asks) and reports whether the
	// sender is flooding.
	Hit(ctx context.Context, sender string, n int) (bool, error)
}

// ReasonFlood marks texts from a number that sends too many: stored, held
// for a clerk, not answered.
const ReasonFlood = "flood"

const floodNote = "发送过于频繁，已暂停自动回复，转人工查看"

// flooding counts one text (or looks, for the later parts of a long one)
// against the sender's flood limit. Without Redis the text goes through:
// a lost limit must never cost a text.
func (b *Inbox) flooding(ctx context.Context, sender string, count int) bool {
	if b.Flood == nil {
		return false
	}
	f, err := b.Flood.Hit(ctx, sender, count)
	if err != nil {
		return false
	}
	if f && b.Log != nil {
		b.Log.Warn("sender flooding, text held for a clerk", slog.String("from", smsgw.MaskNumber(sender)))
	}
	return f
}

var _ smsgw.Inbox = (*Inbox)(nil)

// Deliver commits one MO: a whole text as an inbound row, or one part of a
// long text (joined into an inbound row in the transaction of its last
// part). It returns only once the commit is done.
func (b *Inbox) Deliver(ctx context.Context, mo smsgw.MO) error {
	if mo.Part.Concat {
		p := store.Part{DedupKey: mo.DedupKeys[0], Bind: mo.Bind, Carrier: string(mo.Carrier), Sender: mo.Sender,
			Recipient: mo.Recipient, Ref: int(mo.Part.Ref), Total: mo.Part.Total, Seq: mo.Part.Seq,
			DataCoding: mo.Part.DataCoding, Body: mo.Part.Body, ReceivedAt: mo.ReceivedAt}
		// A long text counts once, by its first part; whichever part
		// completes it decides whether the whole is held.
		count := 0
		if mo.Part.Seq == 1 {
			count = 1
		}
		if b.flooding(ctx, mo.Sender, count) {
			p.Hold, p.HoldNote = ReasonFlood, floodNote
		}
		_, complete, err := b.Store.AddPart(ctx, p, Join)
		if err != nil {
			return fmt.Errorf("store part %d/%d: %w", mo.Part.Seq, mo.Part.Total, err)
		}
		if complete {
			b.wake(ctx)
		}
		return nil
	}
	text, err := mo.Text()
	if err != nil {
		// An alphabet we cannot decode: keep what the bytes were, for a clerk.
		text = fmt.Sprintf("[无法解码 data_coding=%#02x] %x", mo.Part.DataCoding, mo.Part.Body)
	}
	in := store.MO{DedupKey: mo.DedupKeys[0], AltKeys: mo.DedupKeys[1:],
		Bind: mo.Bind, Carrier: string(mo.Carrier), Sender: mo.Sender, Recipient: mo.Recipient,
		Body: text, ReceivedAt: mo.ReceivedAt}
	switch {
	case mo.Hold == smsgw.HoldMalformed:
		in.Hold, in.HoldNote = mo.Hold, "短信中心发来的数据无法解析，原始字节已保存"
	case b.flooding(ctx, mo.Sender, 1):
		in.Hold, in.HoldNote = ReasonFlood, floodNote
	}
	_, _, err = b.Store.InsertInbound(ctx, in)
	if err != nil {
		return fmt.Errorf("store MO: %w", err)
	}
	b.wake(ctx)
	return nil
}

func (b *Inbox) wake(ctx context.Context) {
	if b.Wake != nil {
		b.Wake(ctx)
	}
}

// Join decodes the parts of a long text, joined as bytes in seq order. When
// parts are missing (a timeout hands on what came), each run of consecutive
// parts is decoded on its own and a gap is shown as "…".
func Join(parts []store.Part) (string, error) {
	if len(parts) > 0 && len(parts) == parts[0].Total {
		ps := make([]smsgw.Part, len(parts))
		for i, p := range parts {
			ps[i] = smsgw.Part{Concat: true, Ref: uint16(p.Ref), Total: p.Total, Seq: p.Seq, DataCoding: p.DataCoding, Body: p.Body}
		}
		s, _, err := smsgw.Join(ps)
		return s, err
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

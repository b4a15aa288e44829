// Package intake brings texts in: it stores what the gateway receives
// (before the SMSC is acknowledged) and runs the workers that claim each
// stored text and apply it to the exchange.
package intake

import (
	"context"
	"fmt"
	"strings"

	"huamu/internal/store"
	"huamu/smsgw"
)

// Inbox stores MOs for the gateway. It implements smsgw.Inbox.
type Inbox struct {
	Store *store.Store
	Wake  func(ctx context.Context) // tells the workers a text is waiting; may be nil
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
	_, _, err = b.Store.InsertInbound(ctx, store.MO{DedupKey: mo.DedupKeys[0], AltKeys: mo.DedupKeys[1:],
		Bind: mo.Bind, Carrier: string(mo.Carrier), Sender: mo.Sender, Recipient: mo.Recipient,
		Body: text, ReceivedAt: mo.ReceivedAt})
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

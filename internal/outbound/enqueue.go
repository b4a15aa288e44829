package outbound

import (
	"context"

	"huamu/internal/store"
)

// wakeKey asks for one wake-up per transaction however many texts it wrote.
const wakeKey = "outbound.wake"

// Msg is one text to send.
type Msg struct {
	To        string
	Body      string
	Kind      Kind
	InboundID int64 // the text it answers; 0 for none (a clerk's action, a notice)
}

// Outbox writes texts: the one way a text is sent.
type Outbox struct {
	Budget
	// Wake tells the senders there is a text to send; it runs after the
	// transaction that wrote one commits, once per transaction. Nil: the
	// senders find the texts when they next poll.
	Wake func(ctx context.Context)
}

// Enqueue writes msg in tx, so it commits with the change that causes it,
// under its kind's rules: an unsolicited text is not written for a number
// that opted out, and the row records that it was unsolicited (so it is
// never resent to a number that opts out later) and what it will cost.
// Nothing is written for a recipient that is not a mobile number. queued
// reports whether the text was written.
func (o *Outbox) Enqueue(ctx context.Context, tx *store.Tx, msg Msg) (queued bool, err error) {
	if msg.Kind.Unsolicited() {
		stopped, err := tx.Stopped(ctx, msg.To)
		if err != nil || stopped {
			return false, err
		}
	}
	queued, err = tx.Enqueue(ctx, o.Row(msg))
	if queued && err == nil && o.Wake != nil {
		tx.AfterCommit(wakeKey, o.Wake)
	}
	return queued, err
}

// Row is msg as the store keeps it, with its kind's rules and its cost
// decided: what Enqueue writes, and what a bulletin writes once per
// recipient (Recipient aside).
func (o *Outbox) Row(msg Msg) store.NewMT {
	var cause *int64
	if msg.InboundID != 0 {
		id := msg.InboundID
		cause = &id
	}
	return store.NewMT{InboundID: cause, Recipient: msg.To, Body: msg.Body, Kind: string(msg.Kind),
		Unsolicited: msg.Kind.Unsolicited(), Parts: o.Parts(msg.Body)}
}

// SendBulletin writes a clerk's bulletin body in tx, once per member of
// the audience (store.Tx.SendBulletin leaves out stopped numbers), and
// wakes the senders after the commit. It returns the bulletin's id and
// how many members it goes to.
func (o *Outbox) SendBulletin(ctx context.Context, tx *store.Tx, userID int64, a store.Audience, body string) (id, n int64, err error) {
	id, n, err = tx.SendBulletin(ctx, userID, a, o.Row(Msg{Body: body, Kind: KindBulletin}))
	if err == nil && n > 0 && o.Wake != nil {
		tx.AfterCommit(wakeKey, o.Wake)
	}
	return id, n, err
}

package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// SMSFilter narrows the SMS log; zero fields do not filter.
type SMSFilter struct {
	Phone   string
	Carrier string // inbound: carrier; outbound: bind name prefix
	State   string
	From    time.Time
	To      time.Time // exclusive
	Limit   int
}

func (f SMSFilter) bounds() (*time.Time, *time.Time) {
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		to = &f.To
	}
	return from, to
}

// SearchInbound returns inbound texts newest first.
func (s *Store) SearchInbound(ctx context.Context, f SMSFilter) ([]Inbound, error) {
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 200
	}
	from, to := f.bounds()
	rows, err := s.pool.Query(ctx, `
		SELECT id, sender, recipient, carrier, body, received_at, state, outcome, reason, parse, processed_at
		FROM inbound
		WHERE ($1 = '' OR sender = $1) AND ($2 = '' OR carrier = $2) AND ($3 = '' OR state = $3)
		  AND ($4::timestamptz IS NULL OR received_at >= $4) AND ($5::timestamptz IS NULL OR received_at < $5)
		ORDER BY id DESC LIMIT $6`, f.Phone, f.Carrier, f.State, from, to, f.Limit)
	if err != nil {
		return nil, interpret(err, "短信")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Inbound, error) {
		var in Inbound
		err := r.Scan(&in.ID, &in.Sender, &in.Recipient, &in.Carrier, &in.Body, &in.ReceivedAt,
			&in.State, &in.Outcome, &in.Reason, &in.Parse, &in.ProcessedAt)
		return in, err
	})
}

// SearchOutbox returns outbound texts newest first.
func (s *Store) SearchOutbox(ctx context.Context, f SMSFilter) ([]MT, error) {
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 200
	}
	from, to := f.bounds()
	rows, err := s.pool.Query(ctx, `SELECT id, inbound_id, recipient, body, kind, state, attempts, bind,
		parts, last_error, created_at FROM outbox
		WHERE ($1 = '' OR recipient = $1) AND ($2 = '' OR bind LIKE $2 || '%') AND ($3 = '' OR state = $3)
		  AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at < $5)
		ORDER BY id DESC LIMIT $6`, f.Phone, f.Carrier, f.State, from, to, f.Limit)
	if err != nil {
		return nil, interpret(err, "短信")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (MT, error) {
		var m MT
		err := r.Scan(&m.ID, &m.InboundID, &m.Recipient, &m.Body, &m.Kind, &m.State, &m.Attempts,
			&m.Bind, &m.Parts, &m.LastError, &m.CreatedAt)
		return m, err
	})
}

// PartReceipt is one submitted part of an MT and its delivery receipt.
type PartReceipt struct {
	Seq         int
	MessageID   string
	State       string
	ErrorCode   string
	SubmittedAt time.Time
	ReceiptAt   *time.Time
}

// OutboxByID returns one MT with its parts.
func (s *Store) OutboxByID(ctx context.Context, id int64) (MT, []PartReceipt, error) {
	var m MT
	err := s.pool.QueryRow(ctx, `SELECT id, inbound_id, recipient, body, kind, state, attempts, bind,
		parts, last_error, created_at FROM outbox WHERE id = $1`, id).
		Scan(&m.ID, &m.InboundID, &m.Recipient, &m.Body, &m.Kind, &m.State, &m.Attempts,
			&m.Bind, &m.Parts, &m.LastError, &m.CreatedAt)
	if err != nil {
		return m, nil, interpret(err, "短信")
	}
	rows, err := s.pool.Query(ctx, `SELECT seq, smsc_message_id, state, error_code, submitted_at, receipt_at
		FROM outbox_parts WHERE outbox_id = $1 ORDER BY seq`, id)
	if err != nil {
		return m, nil, interpret(err, "短信")
	}
	parts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PartReceipt, error) {
		var p PartReceipt
		err := r.Scan(&p.Seq, &p.MessageID, &p.State, &p.ErrorCode, &p.SubmittedAt, &p.ReceiptAt)
		return p, err
	})
	return m, parts, interpret(err, "短信")
}

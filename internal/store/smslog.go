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

// InboundFilter narrows ListInbound.
type InboundFilter struct {
	Sender string
	State  string
	Limit  int
}

// OutboxFilter narrows ListOutbox.
type OutboxFilter struct {
	Recipient string
	State     string
	Limit     int
}

// inboundWhere is the one filter of texts in, for their list, search and count.
func inboundWhere(f SMSFilter) *where {
	var w where
	if f.Phone != "" {
		w.and("sender = " + w.arg(f.Phone))
	}
	if f.Carrier != "" {
		w.and("carrier = " + w.arg(f.Carrier))
	}
	if f.State != "" {
		w.and("state = " + w.arg(f.State))
	}
	if !f.From.IsZero() {
		w.and("received_at >= " + w.arg(f.From))
	}
	if !f.To.IsZero() {
		w.and("received_at < " + w.arg(f.To))
	}
	return &w
}

// outboxWhere is the one filter of texts out, for their list and search.
func outboxWhere(f SMSFilter) *where {
	var w where
	if f.Phone != "" {
		w.and("recipient = " + w.arg(f.Phone))
	}
	if f.Carrier != "" {
		w.and("bind LIKE " + w.arg(f.Carrier) + " || '%'")
	}
	if f.State != "" {
		w.and("state = " + w.arg(f.State))
	}
	if !f.From.IsZero() {
		w.and("created_at >= " + w.arg(f.From))
	}
	if !f.To.IsZero() {
		w.and("created_at < " + w.arg(f.To))
	}
	return &w
}

const inboundCols = `id, sender, recipient, carrier, body, received_at, state, outcome, reason, parse, processed_at`

func scanInbound(r pgx.CollectableRow) (Inbound, error) {
	var in Inbound
	err := r.Scan(&in.ID, &in.Sender, &in.Recipient, &in.Carrier, &in.Body, &in.ReceivedAt,
		&in.State, &in.Outcome, &in.Reason, &in.Parse, &in.ProcessedAt)
	return in, err
}

const mtCols = `id, inbound_id, recipient, body, kind, state, attempts, bind, parts, last_error, created_at`

func scanMT(r pgx.Row) (MT, error) {
	var m MT
	err := r.Scan(&m.ID, &m.InboundID, &m.Recipient, &m.Body, &m.Kind, &m.State, &m.Attempts,
		&m.Bind, &m.Parts, &m.LastError, &m.CreatedAt)
	return m, err
}

// SearchInbound returns inbound texts newest first.
func (s *Store) SearchInbound(ctx context.Context, f SMSFilter) ([]Inbound, error) {
	return s.inbound(ctx, f, limit(f.Limit, 200, 10000))
}

// ListInbound returns recent inbound texts, newest first.
func (s *Store) ListInbound(ctx context.Context, f InboundFilter) ([]Inbound, error) {
	return s.inbound(ctx, SMSFilter{Phone: f.Sender, State: f.State}, limit(f.Limit, 100, 500))
}

func (s *Store) inbound(ctx context.Context, f SMSFilter, n int) ([]Inbound, error) {
	w := inboundWhere(f)
	rows, err := s.pool.Query(ctx, `SELECT `+inboundCols+` FROM inbound`+w.sql()+
		` ORDER BY id DESC LIMIT `+w.arg(n), w.args...)
	if err != nil {
		return nil, interpret(err, "短信")
	}
	return pgx.CollectRows(rows, scanInbound)
}

// CountInbound counts texts in a state ("" for all).
func (s *Store) CountInbound(ctx context.Context, state string) (int64, error) {
	w := inboundWhere(SMSFilter{State: state})
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM inbound`+w.sql(), w.args...).Scan(&n)
	return n, interpret(err, "短信")
}

// SearchOutbox returns outbound texts newest first.
func (s *Store) SearchOutbox(ctx context.Context, f SMSFilter) ([]MT, error) {
	return s.outbox(ctx, f, limit(f.Limit, 200, 10000))
}

// ListOutbox returns recent outbound texts, newest first.
func (s *Store) ListOutbox(ctx context.Context, f OutboxFilter) ([]MT, error) {
	return s.outbox(ctx, SMSFilter{Phone: f.Recipient, State: f.State}, limit(f.Limit, 100, 500))
}

func (s *Store) outbox(ctx context.Context, f SMSFilter, n int) ([]MT, error) {
	w := outboxWhere(f)
	rows, err := s.pool.Query(ctx, `SELECT `+mtCols+` FROM outbox`+w.sql()+
		` ORDER BY id DESC LIMIT `+w.arg(n), w.args...)
	if err != nil {
		return nil, interpret(err, "短信")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (MT, error) { return scanMT(r) })
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
	m, err := scanMT(s.pool.QueryRow(ctx, `SELECT `+mtCols+` FROM outbox WHERE id = $1`, id))
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

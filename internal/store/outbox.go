package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MT is an outbound text waiting in the outbox.
type MT struct {
	ID        int64
	InboundID *int64
	Recipient string
	Body      string
	Kind      string
	State     string
	Attempts  int
	Bind      string
	Parts     int
	LastError string
	CreatedAt time.Time

	SentSeqs        []int  // parts an earlier attempt already got accepted
	CarrierOverride string // the recipient's carrier when a clerk or experience set it
}

// Unsolicited kinds are never sent to a number that opted out (退订).
var unsolicited = map[string]bool{"match": true, "digest": true, "bulletin": true, "invite": true}

// Enqueue writes an outbound text in tx, so it commits with the change that
// causes it. Unsolicited texts to a stopped number are not written; queued
// reports whether the text was.
func (tx *Tx) Enqueue(ctx context.Context, inboundID *int64, recipient, body, kind string) (queued bool, err error) {
	if unsolicited[kind] {
		var stopped bool
		err := tx.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM members WHERE phone = $1 AND stopped_at IS NOT NULL)`,
			recipient).Scan(&stopped)
		if err != nil {
			return false, interpret(err, "短信")
		}
		if stopped {
			return false, nil
		}
	}
	_, err = tx.tx.Exec(ctx, `INSERT INTO outbox (inbound_id, recipient, body, kind, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $5)`, inboundID, recipient, body, kind, tx.Now)
	return err == nil, interpret(err, "短信")
}

// SentPart is one submitted part of an MT and the SMSC's id for it.
type SentPart struct {
	Seq       int
	MessageID string
}

// SendResult is what a send attempt achieved.
type SendResult struct {
	Bind  string
	Parts []SentPart // parts the SMSC accepted
}

// ErrPermanent marks a send error that retrying cannot fix (a rejected
// number, a text the SMSC refuses); the MT is marked failed.
var ErrPermanent = errors.New("permanent send failure")

// ErrRetrySoon marks a send error that is not the text's fault (throttled,
// no bind up): the MT is due again in a second and no attempt is spent.
var ErrRetrySoon = errors.New("retry soon")

// SendDue claims the next due MT, locked for the whole attempt, calls send,
// and records the outcome in the same transaction: submitted with each
// part's message id, or back to the queue with a backoff, or failed when
// the error wraps ErrPermanent or the attempts run out. When the process dies
// mid-attempt the lock is released with its connection and the row is due
// again at once. claimed is false when nothing was due.
func (s *Store) SendDue(ctx context.Context, send func(context.Context, MT) (SendResult, error)) (claimed bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		var m MT
		err := tx.tx.QueryRow(ctx, `
			SELECT o.id, o.inbound_id, o.recipient, o.body, o.kind, o.state, o.attempts, o.created_at,
				coalesce((SELECT array_agg(p.seq) FROM outbox_parts p WHERE p.outbox_id = o.id), '{}'),
				coalesce((SELECT carrier_override FROM members WHERE phone = o.recipient), '')
			FROM outbox o WHERE o.state = 'queued' AND o.next_attempt_at <= $1
			ORDER BY o.next_attempt_at, o.id LIMIT 1 FOR UPDATE OF o SKIP LOCKED`, tx.Now).
			Scan(&m.ID, &m.InboundID, &m.Recipient, &m.Body, &m.Kind, &m.State, &m.Attempts, &m.CreatedAt,
				&m.SentSeqs, &m.CarrierOverride)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		claimed = true
		res, sendErr := send(ctx, m)
		now := s.now()
		for _, p := range res.Parts {
			if _, err := tx.tx.Exec(ctx, `INSERT INTO outbox_parts (outbox_id, seq, smsc_message_id, submitted_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (outbox_id, seq) DO NOTHING`, m.ID, p.Seq, p.MessageID, now); err != nil {
				return fmt.Errorf("record part of MT %d: %w", m.ID, err)
			}
		}
		if sendErr == nil {
			_, err = tx.tx.Exec(ctx, `UPDATE outbox SET state = 'submitted', attempts = attempts + 1,
				bind = $2, parts = $3, submitted_at = $4, last_error = '' WHERE id = $1`,
				m.ID, res.Bind, len(res.Parts)+len(m.SentSeqs), now)
			return interpret(err, "短信")
		}
		if errors.Is(sendErr, ErrRetrySoon) {
			_, err = tx.tx.Exec(ctx, `UPDATE outbox SET bind = $2, last_error = $3, next_attempt_at = $4
				WHERE id = $1`, m.ID, res.Bind, sendErr.Error(), now.Add(time.Second))
			return interpret(err, "短信")
		}
		attempts := m.Attempts + 1
		if errors.Is(sendErr, ErrPermanent) || attempts >= maxAttempts {
			_, err = tx.tx.Exec(ctx, `UPDATE outbox SET state = 'failed', attempts = $2, bind = $3,
				last_error = $4, final_at = $5 WHERE id = $1`, m.ID, attempts, res.Bind, sendErr.Error(), now)
			return interpret(err, "短信")
		}
		_, err = tx.tx.Exec(ctx, `UPDATE outbox SET attempts = $2, bind = $3, last_error = $4,
			next_attempt_at = $5 WHERE id = $1`, m.ID, attempts, res.Bind, sendErr.Error(), now.Add(Backoff(attempts)))
		return interpret(err, "短信")
	})
	return claimed, err
}

const maxAttempts = 12

// Backoff is the wait before attempt n+1: 2 s doubling to a ceiling of 10 min.
func Backoff(attempt int) time.Duration {
	d := 2 * time.Second
	for i := 1; i < attempt && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// RecordReceipt stores a delivery receipt for the part with this SMSC message
// id and, once every part has a final state, the MT's own state. It reports
// whether any part matched.
func (s *Store) RecordReceipt(ctx context.Context, messageIDs []string, state, errCode string, final bool) (bool, error) {
	var matched bool
	err := s.InTx(ctx, func(tx *Tx) error {
		var outboxID int64
		err := tx.tx.QueryRow(ctx, `UPDATE outbox_parts SET state = $2, error_code = $3, receipt_at = $4
			WHERE smsc_message_id = ANY($1) RETURNING outbox_id`, messageIDs, state, errCode, tx.Now).Scan(&outboxID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return interpret(err, "回执")
		}
		matched = true
		if !final {
			return nil
		}
		// The MT is delivered when every part is; failed when any part failed.
		_, err = tx.tx.Exec(ctx, `
			UPDATE outbox o SET
				state = CASE WHEN agg.all_delivered THEN 'delivered' ELSE 'failed' END,
				final_at = $2
			FROM (SELECT outbox_id, count(*) AS n,
					bool_and(state = 'delivered') AS all_delivered,
					bool_and(state IN ('delivered', 'expired', 'deleted', 'undeliverable', 'rejected', 'unknown')) AS all_final
				FROM outbox_parts WHERE outbox_id = $1 GROUP BY outbox_id) agg
			WHERE o.id = agg.outbox_id AND o.state = 'submitted' AND agg.all_final AND agg.n = o.parts`,
			outboxID, tx.Now)
		return interpret(err, "回执")
	})
	return matched, err
}

// OutboxFilter narrows ListOutbox.
type OutboxFilter struct {
	Recipient string
	State     string
	Limit     int
}

// ListOutbox returns recent outbound texts, newest first.
func (s *Store) ListOutbox(ctx context.Context, f OutboxFilter) ([]MT, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := s.pool.Query(ctx, `SELECT id, inbound_id, recipient, body, kind, state, attempts, bind,
		parts, last_error, created_at FROM outbox
		WHERE ($1 = '' OR recipient = $1) AND ($2 = '' OR state = $2)
		ORDER BY id DESC LIMIT $3`, f.Recipient, f.State, f.Limit)
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

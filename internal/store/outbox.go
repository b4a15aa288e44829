package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"huamu/smsgw"
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
	Ambiguous       []int  // parts an attempt killed mid-way sent without learning their fate
	CarrierOverride string // the recipient's carrier when a clerk or experience set it
}

// Unsolicited kinds are never sent to a number that opted out (退订).
var unsolicited = map[string]bool{"match": true, "digest": true, "bulletin": true, "invite": true}

// Enqueue writes an outbound text in tx, so it commits with the change that
// causes it. Unsolicited texts to a stopped number, and any text to what is
// not a mobile number, are not written; queued reports whether the text was.
func (tx *Tx) Enqueue(ctx context.Context, inboundID *int64, recipient, body, kind string) (queued bool, err error) {
	if !mobileNumber.MatchString(recipient) {
		return false, nil // the association itself, or a service number: nobody to text
	}
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
	Bind    string
	Carrier string     // of the bind, for learning which carrier reaches a number
	Parts   []SentPart // parts the SMSC accepted
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
//
// While send runs, PartSubmitting, PartAccepted and PartRefused record each
// part's fate on other connections as it happens (the claim's lock does not
// block them), so that what a killed process knew survives it: parts with an
// SMSC id are never sent again, and parts left "submitting" are resent and
// counted in ambiguous_parts, since the SMSC may have had them.
func (s *Store) SendDue(ctx context.Context, send func(context.Context, MT) (SendResult, error)) (claimed bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		var m MT
		err := tx.tx.QueryRow(ctx, `
			SELECT o.id, o.inbound_id, o.recipient, o.body, o.kind, o.state, o.attempts, o.created_at,
				coalesce((SELECT array_agg(p.seq) FROM outbox_parts p WHERE p.outbox_id = o.id AND p.smsc_message_id <> ''), '{}'),
				coalesce((SELECT array_agg(p.seq) FROM outbox_parts p WHERE p.outbox_id = o.id AND p.smsc_message_id = ''), '{}'),
				coalesce((SELECT carrier_override FROM members WHERE phone = o.recipient), '')
			FROM outbox o WHERE o.state = 'queued' AND o.next_attempt_at <= $1
			ORDER BY o.next_attempt_at, o.id LIMIT 1 FOR NO KEY UPDATE OF o SKIP LOCKED`, tx.Now).
			Scan(&m.ID, &m.InboundID, &m.Recipient, &m.Body, &m.Kind, &m.State, &m.Attempts, &m.CreatedAt,
				&m.SentSeqs, &m.Ambiguous, &m.CarrierOverride)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		claimed = true
		res, sendErr := send(ctx, m)
		now := s.now()
		resent := 0
		for _, p := range res.Parts {
			if slices.Contains(m.Ambiguous, p.Seq) {
				resent++
			}
			if _, err := tx.tx.Exec(ctx, `INSERT INTO outbox_parts (outbox_id, seq, smsc_message_id, state, submitted_at)
				VALUES ($1, $2, $3, 'submitted', $4) ON CONFLICT (outbox_id, seq) DO UPDATE
				SET smsc_message_id = EXCLUDED.smsc_message_id, state = 'submitted', submitted_at = EXCLUDED.submitted_at
				WHERE outbox_parts.smsc_message_id = ''`, m.ID, p.Seq, p.MessageID, now); err != nil {
				return fmt.Errorf("record part of MT %d: %w", m.ID, err)
			}
			if err := tx.applyEarlyReceipt(ctx, m.ID, p.Seq, p.MessageID); err != nil {
				return err
			}
		}
		if sendErr == nil {
			_, err = tx.tx.Exec(ctx, `UPDATE outbox SET state = 'submitted', attempts = attempts + 1,
				bind = $2, carrier = $3, parts = $4, submitted_at = $5, last_error = '',
				ambiguous_parts = ambiguous_parts + $6 WHERE id = $1`,
				m.ID, res.Bind, res.Carrier, len(res.Parts)+len(m.SentSeqs), now, resent)
			if err != nil {
				return interpret(err, "短信")
			}
			// Receipts for early parts may have come while later ones were sent.
			return tx.settle(ctx, m.ID)
		}
		if errors.Is(sendErr, ErrRetrySoon) {
			_, err = tx.tx.Exec(ctx, `UPDATE outbox SET bind = $2, last_error = $3, next_attempt_at = $4,
				ambiguous_parts = ambiguous_parts + $5 WHERE id = $1`, m.ID, res.Bind, sendErr.Error(), now.Add(time.Second), resent)
			return interpret(err, "短信")
		}
		attempts := m.Attempts + 1
		if errors.Is(sendErr, ErrPermanent) || attempts >= maxAttempts {
			_, err = tx.tx.Exec(ctx, `UPDATE outbox SET state = 'failed', attempts = $2, bind = $3,
				last_error = $4, final_at = $5, ambiguous_parts = ambiguous_parts + $6 WHERE id = $1`,
				m.ID, attempts, res.Bind, sendErr.Error(), now, resent)
			return interpret(err, "短信")
		}
		_, err = tx.tx.Exec(ctx, `UPDATE outbox SET attempts = $2, bind = $3, last_error = $4,
			next_attempt_at = $5, ambiguous_parts = ambiguous_parts + $6 WHERE id = $1`,
			m.ID, attempts, res.Bind, sendErr.Error(), now.Add(Backoff(attempts)), resent)
		return interpret(err, "短信")
	})
	return claimed, err
}

// PartSubmitting records, before part seq of MT outboxID goes to the SMSC,
// that it is about to: if the process dies before the SMSC answers, the
// next attempt knows the part's fate is unknown. It commits at once, on its
// own connection, without waiting for the durability of a flush (the
// record only has to outlive this process, not the database).
func (s *Store) PartSubmitting(ctx context.Context, outboxID int64, seq int) error {
	return s.partNote(ctx, `INSERT INTO outbox_parts (outbox_id, seq, smsc_message_id, state, submitted_at)
		VALUES ($1, $2, '', 'submitting', $3) ON CONFLICT (outbox_id, seq) DO NOTHING`, outboxID, seq, s.now())
}

// PartAccepted records the SMSC's id for a part the moment it answers, so
// that neither a crash nor a receipt racing the sender's commit loses it.
func (s *Store) PartAccepted(ctx context.Context, outboxID int64, seq int, messageID string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return interpret(err, "短信分段")
		}
		// Serialised with RecordReceipt for the same id, so that one of the
		// two always sees the other.
		if _, err := tx.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, messageID); err != nil {
			return interpret(err, "短信分段")
		}
		_, err := tx.tx.Exec(ctx, `UPDATE outbox_parts SET smsc_message_id = $3, state = 'submitted', submitted_at = $4
			WHERE outbox_id = $1 AND seq = $2 AND smsc_message_id = ''`, outboxID, seq, messageID, tx.Now)
		if err != nil {
			return interpret(err, "短信分段")
		}
		return tx.applyEarlyReceipt(ctx, outboxID, seq, messageID)
	})
}

// applyEarlyReceipt gives a just-recorded part the receipt that overtook it.
func (tx *Tx) applyEarlyReceipt(ctx context.Context, outboxID int64, seq int, messageID string) error {
	_, err := tx.tx.Exec(ctx, `WITH r AS (
			DELETE FROM early_receipts WHERE candidates @> ARRAY[$3::text] RETURNING state, error_code, received_at)
		UPDATE outbox_parts p SET state = r.state, error_code = r.error_code, receipt_at = r.received_at
		FROM (SELECT * FROM r LIMIT 1) r WHERE p.outbox_id = $1 AND p.seq = $2`, outboxID, seq, messageID)
	return interpret(err, "回执")
}

// PartRefused forgets the record of a part the SMSC certainly did not take.
func (s *Store) PartRefused(ctx context.Context, outboxID int64, seq int) error {
	return s.partNote(ctx, `DELETE FROM outbox_parts WHERE outbox_id = $1 AND seq = $2 AND smsc_message_id = ''`,
		outboxID, seq)
}

func (s *Store) partNote(ctx context.Context, sql string, args ...any) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			return interpret(err, "短信分段")
		}
		_, err := tx.tx.Exec(ctx, sql, args...)
		return interpret(err, "短信分段")
	})
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

// finalStates are receipt states after which a part's fate cannot change.
var finalStates = []string{"delivered", "expired", "deleted", "undeliverable", "accepted", "rejected", "skipped"}

// Receipted is what RecordReceipt did with a receipt.
type Receipted struct {
	Matched  bool  // a part with this SMSC id exists
	OutboxID int64 // its MT
	Settled  bool  // the MT's own state was brought up to date; false: its sender still holds it (call SettleMT)
}

// RecordReceipt stores a delivery receipt for the part with this SMSC
// message id and, when the MT is not being sent at this moment, settles the
// MT's own state (see SettleMT). It never waits for a sender's lock: it is
// called on the bind's read loop, which that sender may be waiting on.
func (s *Store) RecordReceipt(ctx context.Context, messageIDs []string, state, errCode string) (Receipted, error) {
	var r Receipted
	err := s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(c)) FROM (SELECT DISTINCT unnest($1::text[]) AS c ORDER BY 1) x`,
			messageIDs); err != nil {
			return interpret(err, "回执")
		}
		err := tx.tx.QueryRow(ctx, `UPDATE outbox_parts SET state = $2, error_code = $3, receipt_at = $4
			WHERE smsc_message_id = ANY($1) AND smsc_message_id <> '' RETURNING outbox_id`,
			messageIDs, state, errCode, tx.Now).Scan(&r.OutboxID)
		if errors.Is(err, pgx.ErrNoRows) {
			// Perhaps the part's record is a moment behind: keep it for then.
			_, err := tx.tx.Exec(ctx, `INSERT INTO early_receipts (candidates, state, error_code, received_at)
				VALUES ($1, $2, $3, $4)`, messageIDs, state, errCode, tx.Now)
			return interpret(err, "回执")
		}
		if err != nil {
			return interpret(err, "回执")
		}
		r.Matched = true
		var id int64
		err = tx.tx.QueryRow(ctx, `SELECT id FROM outbox WHERE id = $1 FOR NO KEY UPDATE SKIP LOCKED`, r.OutboxID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // a sender holds it and settles it when it commits, or SettleMT does
		}
		if err != nil {
			return interpret(err, "回执")
		}
		r.Settled = true
		return tx.settle(ctx, r.OutboxID)
	})
	return r, err
}

// SettleMT brings an MT's state up to date with its parts' receipts,
// waiting for any sender that holds it.
func (s *Store) SettleMT(ctx context.Context, outboxID int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		var id int64
		err := tx.tx.QueryRow(ctx, `SELECT id FROM outbox WHERE id = $1 FOR NO KEY UPDATE`, outboxID).Scan(&id)
		if err != nil {
			return interpret(err, "短信")
		}
		return tx.settle(ctx, outboxID)
	})
}

// settle decides a submitted MT once every part has a final receipt:
// delivered when all were; otherwise failed, and then what the exchange does
// about it — an MT that expired is sent once more (as a new row, retry_of
// naming this one), and a number that keeps coming back undeliverable on one
// carrier is tried on another (see noteCarrier). last_error says which, in
// Chinese, for clerks. The caller holds the MT's row lock.
func (tx *Tx) settle(ctx context.Context, id int64) error {
	var (
		m                            MT
		n                            int
		allDelivered, allFinal       bool
		anyExpired, anyUndeliverable bool
		carrier, kind                string
		retryOf                      *int64
		states                       []string
	)
	err := tx.tx.QueryRow(ctx, `
		SELECT o.recipient, o.body, o.kind, o.inbound_id, o.state, o.parts, o.carrier, o.retry_of,
			count(p.seq), coalesce(bool_and(p.state = 'delivered'), false), coalesce(bool_and(p.state = ANY($2)), false),
			coalesce(bool_or(p.state = 'expired'), false), coalesce(bool_or(p.state = 'undeliverable'), false),
			coalesce(array_agg(DISTINCT p.state) FILTER (WHERE p.state <> 'delivered'), '{}')
		FROM outbox o LEFT JOIN outbox_parts p ON p.outbox_id = o.id
		WHERE o.id = $1 GROUP BY o.id`, id, finalStates).
		Scan(&m.Recipient, &m.Body, &kind, &m.InboundID, &m.State, &m.Parts, &carrier, &retryOf,
			&n, &allDelivered, &allFinal, &anyExpired, &anyUndeliverable, &states)
	if err != nil {
		return interpret(err, "短信")
	}
	if m.State != "submitted" || !allFinal || n != m.Parts || n == 0 {
		return nil
	}
	if allDelivered {
		if err := tx.noteCarrier(ctx, m.Recipient, carrier, true); err != nil {
			return err
		}
		_, err := tx.tx.Exec(ctx, `UPDATE outbox SET state = 'delivered', final_at = $2 WHERE id = $1`, id, tx.Now)
		return interpret(err, "短信")
	}
	note := "回执: " + strings.Join(states, ",")
	if anyExpired && retryOf == nil {
		retry, err := tx.resend(ctx, id, m, kind)
		if err != nil {
			return err
		}
		if retry != 0 {
			note += fmt.Sprintf("；已过期，重发一次 (#%d)", retry)
		}
	}
	if anyUndeliverable {
		if err := tx.noteCarrier(ctx, m.Recipient, carrier, false); err != nil {
			return err
		}
		if learned, err := tx.learnCarrier(ctx, m.Recipient, carrier); err != nil {
			return err
		} else if learned != "" {
			note += "；该号码在" + smsgw.Carrier(carrier).Chinese() + "屡次无法送达，疑似携号转网，今后改走" + smsgw.Carrier(learned).Chinese()
		}
	}
	_, err = tx.tx.Exec(ctx, `UPDATE outbox SET state = 'failed', final_at = $2, last_error = $3 WHERE id = $1`,
		id, tx.Now, note)
	return interpret(err, "短信")
}

// resend queues an expired MT once more, unless it is unsolicited and the
// number has opted out since. It returns the new row's id, or 0.
func (tx *Tx) resend(ctx context.Context, id int64, m MT, kind string) (int64, error) {
	var retry int64
	err := tx.tx.QueryRow(ctx, `INSERT INTO outbox (inbound_id, recipient, body, kind, next_attempt_at, created_at, retry_of)
		SELECT $2, $3, $4, $5, $6, $6, $1
		WHERE NOT ($7 AND EXISTS (SELECT 1 FROM members WHERE phone = $3 AND stopped_at IS NOT NULL))
		ON CONFLICT (retry_of) WHERE retry_of IS NOT NULL DO NOTHING RETURNING id`,
		id, m.InboundID, m.Recipient, m.Body, kind, tx.Now, unsolicited[kind]).Scan(&retry)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return retry, interpret(err, "短信")
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

// CountOutbox counts outbound texts in a state ("" for all).
func (s *Store) CountOutbox(ctx context.Context, state string) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE $1 = '' OR state = $1`, state).Scan(&n)
	return n, interpret(err, "短信")
}

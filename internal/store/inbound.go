package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MO is a complete mobile-originated text as the gateway hands it over.
type MO struct {
	DedupKey   string   // same key ⇒ same text redelivered
	AltKeys    []string // earlier keys of the same text (a previous dedup window)
	Bind       string
	Carrier    string
	Sender     string
	Recipient  string
	Body       string
	ReceivedAt time.Time
	// Hold, when set, stores the text straight for a clerk with this reason
	// (e.g. "flood") and HoldNote as its outcome: no worker answers it.
	Hold     string
	HoldNote string
}

// Inbound is a stored MO and what became of it.
type Inbound struct {
	ID          int64
	Sender      string
	Recipient   string
	Carrier     string
	Body        string
	ReceivedAt  time.Time
	State       string // new, done, needs_clerk, resolved
	Outcome     string
	Reason      string
	Parse       json.RawMessage
	ProcessedAt *time.Time
}

// InsertInbound commits an MO. A redelivery (its DedupKey or one of its
// AltKeys already stored) is stored once: dup is true and id names the first
// copy.
func (s *Store) InsertInbound(ctx context.Context, mo MO) (id int64, dup bool, err error) {
	if mo.ReceivedAt.IsZero() {
		mo.ReceivedAt = s.now()
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		keys := append([]string{mo.DedupKey}, mo.AltKeys...)
		err := tx.tx.QueryRow(ctx, `SELECT id FROM inbound WHERE dedup_key = ANY($1) ORDER BY id LIMIT 1`, keys).Scan(&id)
		if err == nil {
			dup = true
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return interpret(err, "短信")
		}
		var inserted bool
		id, inserted, err = tx.insertInbound(ctx, mo)
		dup = !inserted // a racing copy committed first
		return err
	})
	return id, dup, err
}

// ClaimInbound takes the oldest unprocessed text, locked so no other worker
// sees it, and runs fn on it in the same transaction. fn must settle the row
// (tx.FinishInbound); its effects commit together with it. When the process
// dies before commit, the lock goes with its connection and another worker
// takes the row at once. id is 0 when nothing was waiting; on an error it
// names the row whose handling failed.
func (s *Store) ClaimInbound(ctx context.Context, fn func(*Tx, Inbound) error) (id int64, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		var in Inbound
		err := tx.tx.QueryRow(ctx, `
			SELECT id, sender, recipient, carrier, body, received_at, state, reason
			FROM inbound WHERE state = 'new'
			ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`).
			Scan(&in.ID, &in.Sender, &in.Recipient, &in.Carrier, &in.Body, &in.ReceivedAt, &in.State, &in.Reason)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim inbound: %w", err)
		}
		id = in.ID
		return fn(tx, in)
	})
	return id, err
}

// FailInbound hands a text whose handling failed to a clerk, so that one
// bad text never blocks the queue or loops. It leaves a row that was
// settled meanwhile alone.
func (s *Store) FailInbound(ctx context.Context, id int64, cause error) error {
	_, err := s.pool.Exec(ctx, `UPDATE inbound SET state = 'needs_clerk', reason = 'internal_error',
		outcome = $2, processed_at = $3 WHERE id = $1 AND state = 'new'`, id, "处理出错: "+cause.Error(), s.now())
	return interpret(err, "短信")
}

// FinishInbound records what became of an inbound text.
func (tx *Tx) FinishInbound(ctx context.Context, id int64, state, outcome, reason string, parse any) error {
	var raw []byte
	if parse != nil {
		var err error
		if raw, err = json.Marshal(parse); err != nil {
			return fmt.Errorf("finish inbound %d: %w", id, err)
		}
	}
	_, err := tx.tx.Exec(ctx, `
		UPDATE inbound SET state = $2, outcome = $3, reason = $4, parse = $5, processed_at = $6
		WHERE id = $1`, id, state, outcome, reason, raw, tx.Now)
	return interpret(err, "短信")
}

// InboundFilter narrows ListInbound.
type InboundFilter struct {
	Sender string
	State  string
	Limit  int
}

// ListInbound returns recent inbound texts, newest first.
func (s *Store) ListInbound(ctx context.Context, f InboundFilter) ([]Inbound, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := s.pool.Query(ctx, `
		SELECT id, sender, recipient, carrier, body, received_at, state, outcome, reason, parse, processed_at
		FROM inbound
		WHERE ($1 = '' OR sender = $1) AND ($2 = '' OR state = $2)
		ORDER BY id DESC LIMIT $3`, f.Sender, f.State, f.Limit)
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

// CountInbound counts texts in a state ("" for all).
func (s *Store) CountInbound(ctx context.Context, state string) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM inbound WHERE $1 = '' OR state = $1`, state).Scan(&n)
	return n, interpret(err, "短信")
}

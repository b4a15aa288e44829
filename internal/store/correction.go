package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"huamu/matching"
)

// InboundByID returns one inbound text.
func (s *Store) InboundByID(ctx context.Context, id int64) (Inbound, error) {
	var in Inbound
	err := s.pool.QueryRow(ctx, `SELECT id, sender, recipient, carrier, body, received_at, state, outcome,
		reason, parse, processed_at FROM inbound WHERE id = $1`, id).
		Scan(&in.ID, &in.Sender, &in.Recipient, &in.Carrier, &in.Body, &in.ReceivedAt, &in.State,
			&in.Outcome, &in.Reason, &in.Parse, &in.ProcessedAt)
	return in, interpret(err, fmt.Sprintf("短信#%d", id))
}

// LockNeedsClerk locks a text waiting for a clerk, or says it no longer
// is (CodeConflict).
func (tx *Tx) LockNeedsClerk(ctx context.Context, id int64) (Inbound, error) {
	var in Inbound
	err := tx.tx.QueryRow(ctx, `SELECT id, sender, body, state FROM inbound WHERE id = $1 FOR UPDATE`, id).
		Scan(&in.ID, &in.Sender, &in.Body, &in.State)
	if errors.Is(err, pgx.ErrNoRows) {
		return in, matching.Errorf(matching.CodeNotFound, "找不到短信#%d", id)
	}
	if err != nil {
		return in, interpret(err, "短信")
	}
	if in.State != "needs_clerk" {
		return in, matching.Errorf(matching.CodeConflict, "短信#%d已被处理（%s），请刷新", id, in.State)
	}
	return in, nil
}

// CorrectionRow is one correction to keep: who made it, the text or
// listing it is about, and what was before and after (any value that
// encodes to JSON; nil is none).
type CorrectionRow struct {
	By        Actor
	InboundID *int64
	ListingID *int64
	Action    string // listing, handled, reparse, edit, cancel, on_behalf
	Before    any
	After     any
	Alias     string // a word the grammar did not know, added to the lexicon
}

// AddCorrection keeps c in tx.
func (tx *Tx) AddCorrection(ctx context.Context, c CorrectionRow) error {
	enc := func(v any) ([]byte, error) {
		if v == nil {
			return nil, nil
		}
		return json.Marshal(v)
	}
	b, err := enc(c.Before)
	if err != nil {
		return err
	}
	a, err := enc(c.After)
	if err != nil {
		return err
	}
	_, err = tx.tx.Exec(ctx, `INSERT INTO corrections (inbound_id, listing_id, user_id, api_client_id, action, before, after, alias, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.InboundID, c.ListingID, c.By.user(), c.By.client(), c.Action, b, a, c.Alias, tx.Now)
	return interpret(err, "更正记录")
}

// ResolveInbound marks a text that waited for a clerk resolved, with what
// became of it.
func (tx *Tx) ResolveInbound(ctx context.Context, inboundID int64, outcome string) error {
	_, err := tx.tx.Exec(ctx, `UPDATE inbound SET state = 'resolved', outcome = $2, processed_at = $3 WHERE id = $1`,
		inboundID, outcome, tx.Now)
	return interpret(err, "短信")
}

// Requeue hands a text back to the intake workers, to be parsed again.
func (tx *Tx) Requeue(ctx context.Context, inboundID int64) error {
	_, err := tx.tx.Exec(ctx, `UPDATE inbound SET state = 'new', outcome = '', reason = '' WHERE id = $1`, inboundID)
	return interpret(err, "短信")
}

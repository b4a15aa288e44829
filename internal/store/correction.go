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

// lockNeedsClerk locks a text waiting for a clerk, or says it no longer is.
func (tx *Tx) lockNeedsClerk(ctx context.Context, id int64) (Inbound, error) {
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

func (tx *Tx) correction(ctx context.Context, userID int64, inboundID, listingID *int64, action string, before, after any, alias string) error {
	enc := func(v any) ([]byte, error) {
		if v == nil {
			return nil, nil
		}
		return json.Marshal(v)
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	_, err = tx.tx.Exec(ctx, `INSERT INTO corrections (inbound_id, listing_id, user_id, action, before, after, alias, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, inboundID, listingID, userID, action, b, a, alias, tx.Now)
	return interpret(err, "更正记录")
}

// ResolveAsListing turns a text waiting for a clerk into the listing it
// meant: the listing is stored for the sender, the sender gets receipt, and
// the text is marked resolved with the correction kept — all in one
// transaction, with then (when given) — the exchange matching the new
// listing. alias is the word the grammar did not know ("" for none).
func (s *Store) ResolveAsListing(ctx context.Context, userID, inboundID int64, l matching.Listing, alias string, receipt func(matching.Listing) string, then func(*Tx, matching.Listing) error) (matching.Listing, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		in, err := tx.lockNeedsClerk(ctx, inboundID)
		if err != nil {
			return err
		}
		m, err := tx.EnsureMember(ctx, in.Sender)
		if err != nil {
			return err
		}
		l.MemberID, l.Phone = m.ID, m.Phone
		if l, err = tx.InsertListing(ctx, &inboundID, l); err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctx, &inboundID, m.Phone, receipt(l), "receipt"); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx, l); err != nil {
				return err
			}
		}
		if _, err := tx.tx.Exec(ctx, `UPDATE inbound SET state = 'resolved', outcome = $2, processed_at = $3 WHERE id = $1`,
			inboundID, fmt.Sprintf("人工登记#%d", l.ID), tx.Now); err != nil {
			return interpret(err, "短信")
		}
		if err := tx.correction(ctx, userID, &inboundID, &l.ID, "listing", json.RawMessage(nil), l, alias); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "inbound.listing", fmt.Sprintf("inbound:%d", inboundID), fmt.Sprintf("登记#%d %s", l.ID, alias))
	})
	return l, err
}

// MarkHandled closes a text waiting for a clerk without a listing (chit-chat,
// a phone call made, a command done by hand), with the clerk's note.
func (s *Store) MarkHandled(ctx context.Context, userID, inboundID int64, note string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.lockNeedsClerk(ctx, inboundID); err != nil {
			return err
		}
		if _, err := tx.tx.Exec(ctx, `UPDATE inbound SET state = 'resolved', outcome = $2, processed_at = $3 WHERE id = $1`,
			inboundID, "人工处理: "+note, tx.Now); err != nil {
			return interpret(err, "短信")
		}
		if err := tx.correction(ctx, userID, &inboundID, nil, "handled", nil, map[string]string{"note": note}, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "inbound.handled", fmt.Sprintf("inbound:%d", inboundID), note)
	})
}

// Reparse hands a text waiting for a clerk back to the intake workers, to
// be parsed again with the current lexicon (after a clerk added its word).
func (s *Store) Reparse(ctx context.Context, userID, inboundID int64, alias string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.lockNeedsClerk(ctx, inboundID); err != nil {
			return err
		}
		if _, err := tx.tx.Exec(ctx, `UPDATE inbound SET state = 'new', outcome = '', reason = '' WHERE id = $1`, inboundID); err != nil {
			return interpret(err, "短信")
		}
		if err := tx.correction(ctx, userID, &inboundID, nil, "reparse", nil, nil, alias); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "inbound.reparse", fmt.Sprintf("inbound:%d", inboundID), alias)
	})
}

// Correction is one clerk correction, for a text's or listing's history.
type Correction struct {
	Action string
	Alias  string
	User   string
	After  json.RawMessage
	At     string
}

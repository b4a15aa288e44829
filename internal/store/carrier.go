package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"huamu/smsgw"
)

// noteCarrier records one final receipt for phone on carrier: a delivery
// clears the count of failures in a row, an undeliverable adds one.
func (tx *Tx) noteCarrier(ctx context.Context, phone, carrier string, delivered bool) error {
	if carrier == "" {
		return nil
	}
	var err error
	if delivered {
		// Only a count to clear is written: a row per number delivered to
		// would cost a write for every text and teach nothing.
		_, err = tx.tx.Exec(ctx, `UPDATE carrier_evidence SET undeliverable = 0, delivered_at = $3
			WHERE phone = $1 AND carrier = $2 AND undeliverable > 0`, phone, carrier, tx.Now)
	} else {
		_, err = tx.tx.Exec(ctx, `INSERT INTO carrier_evidence (phone, carrier, undeliverable, failed_at) VALUES ($1, $2, 1, $3)
			ON CONFLICT (phone, carrier) DO UPDATE SET undeliverable = carrier_evidence.undeliverable + 1, failed_at = $3`,
			phone, carrier, tx.Now)
	}
	return interpret(err, "运营商记录")
}

// learnCarrier moves phone to another carrier when smsgw.NextCarrier says
// so, given the evidence on record and the number's routing. It returns the
// carrier learned, or "".
func (tx *Tx) learnCarrier(ctx context.Context, phone, failing string) (string, error) {
	if failing == "" || !smsgw.IsMobile(phone) {
		return "", nil
	}
	rows, err := tx.tx.Query(ctx, `SELECT carrier, undeliverable FROM carrier_evidence WHERE phone = $1`, phone)
	if err != nil {
		return "", interpret(err, "运营商记录")
	}
	failures := map[smsgw.Carrier]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			rows.Close()
			return "", err
		}
		failures[smsgw.Carrier(c)] = n
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if failures[smsgw.Carrier(failing)] < smsgw.LearnAfter {
		return "", nil // the common case: no need to read the routing
	}
	var override string
	err = tx.tx.QueryRow(ctx, `SELECT coalesce(carrier_override, '') FROM members WHERE phone = $1`, phone).Scan(&override)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", interpret(err, "会员")
	}
	c := smsgw.NextCarrier(failures, smsgw.Carrier(failing), smsgw.Carrier(override))
	if c == "" {
		return "", nil
	}
	_, err = tx.tx.Exec(ctx, `INSERT INTO members (phone, carrier_override, carrier_learned_at, created_at)
		VALUES ($1, $2, $3, $3) ON CONFLICT (phone) DO UPDATE SET carrier_override = $2, carrier_learned_at = $3`,
		phone, string(c), tx.Now)
	if err != nil {
		return "", interpret(err, "会员")
	}
	// The count starts again on the new carrier's evidence.
	return string(c), nil
}

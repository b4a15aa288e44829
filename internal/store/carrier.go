package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"huamu/smsgw"
)

// LearnAfter is how many undeliverable receipts in a row on one carrier
// make the exchange try a number on another: since 2019 any number may have
// been ported away from the carrier its prefix names.
const LearnAfter = 3

// learnOrder is the order in which other carriers are tried for a number
// that fails on its own.
var learnOrder = []string{"mobile", "unicom", "telecom", "broadnet"}

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

// learnCarrier moves phone to another carrier once it has failed LearnAfter
// times in a row on failing, unless it is already routed elsewhere. The
// carrier tried is the first in learnOrder that has not failed it as often.
// It returns the carrier learned, or "".
func (tx *Tx) learnCarrier(ctx context.Context, phone, failing string) (string, error) {
	if failing == "" || !smsgw.IsMobile(phone) {
		return "", nil
	}
	rows, err := tx.tx.Query(ctx, `SELECT carrier, undeliverable FROM carrier_evidence WHERE phone = $1`, phone)
	if err != nil {
		return "", interpret(err, "运营商记录")
	}
	failures := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			rows.Close()
			return "", err
		}
		failures[c] = n
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if failures[failing] < LearnAfter {
		return "", nil
	}
	var override string
	err = tx.tx.QueryRow(ctx, `SELECT coalesce(carrier_override, '') FROM members WHERE phone = $1`, phone).Scan(&override)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", interpret(err, "会员")
	}
	if override != "" && override != failing {
		return "", nil
	}
	for _, c := range learnOrder {
		if c == failing || failures[c] >= LearnAfter {
			continue
		}
		_, err := tx.tx.Exec(ctx, `INSERT INTO members (phone, carrier_override, carrier_learned_at, created_at)
			VALUES ($1, $2, $3, $3) ON CONFLICT (phone) DO UPDATE SET carrier_override = $2, carrier_learned_at = $3`,
			phone, c, tx.Now)
		if err != nil {
			return "", interpret(err, "会员")
		}
		// The count starts again on the new carrier's evidence.
		return c, nil
	}
	return "", nil
}

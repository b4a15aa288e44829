package store

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"huamu/matching"
)

// Match notices and what texting costs. The daily cap counts the match
// and digest texts a number was sent since the start of its China day;
// notices over the cap wait in notify_held for the number's digest.

// LockNotify serialises match notices to phones across transactions and
// processes until tx ends, so two new offers cannot both see a number one
// under its cap. Phones are locked in sorted order: no deadlocks.
func (tx *Tx) LockNotify(ctx context.Context, phones []string) error {
	ps := slices.Clone(phones)
	slices.Sort(ps)
	ps = slices.Compact(ps)
	for _, p := range ps {
		if _, err := tx.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('notify:' || $1, 0))`, p); err != nil {
			return interpret(err, "通知")
		}
	}
	return nil
}

// TextsSince counts, per phone, the texts of kinds written for it since
// since.
func (tx *Tx) TextsSince(ctx context.Context, phones []string, kinds []string, since time.Time) (map[string]int, error) {
	rows, err := tx.tx.Query(ctx, `SELECT recipient, count(*)::int FROM outbox
		WHERE kind = ANY($3) AND recipient = ANY($1) AND created_at >= $2
		GROUP BY recipient`, phones, since, kinds)
	if err != nil {
		return nil, interpret(err, "短信")
	}
	out := map[string]int{}
	var (
		p string
		n int
	)
	_, err = pgx.ForEachRow(rows, []any{&p, &n}, func() error { out[p] = n; return nil })
	return out, interpret(err, "短信")
}

// SentSince reports whether a text of kind was written to phone since
// since (in this transaction too).
func (tx *Tx) SentSince(ctx context.Context, phone, kind string, since time.Time) (bool, error) {
	var sent bool
	err := tx.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE recipient = $1 AND kind = $2 AND created_at >= $3)`,
		phone, kind, since).Scan(&sent)
	return sent, interpret(err, "短信")
}

// HoldNotice keeps offer listingID for phone's next digest (once per pair).
func (tx *Tx) HoldNotice(ctx context.Context, phone string, listingID int64) error {
	_, err := tx.tx.Exec(ctx, `INSERT INTO notify_held (phone, listing_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (phone, listing_id) DO NOTHING`, phone, listingID, tx.Now)
	return interpret(err, "通知")
}

// HeldPhones returns up to limit numbers with notices waiting for a digest.
func (s *Store) HeldPhones(ctx context.Context, limit int) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT phone FROM notify_held WHERE sent_at IS NULL
		GROUP BY phone ORDER BY min(id) LIMIT $1`, limit)
	if err != nil {
		return nil, interpret(err, "通知")
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// HeldNotice is an offer waiting in a number's digest.
type HeldNotice struct {
	ID    int64
	Offer matching.Listing
}

// HeldNotices returns phone's waiting notices, oldest first, locked
// (skipping any another process is sending).
func (tx *Tx) HeldNotices(ctx context.Context, phone string) ([]HeldNotice, error) {
	rows, err := tx.tx.Query(ctx, `SELECT h.id, `+listingCols+listingFrom+`
		JOIN notify_held h ON h.listing_id = l.id
		WHERE h.phone = $1 AND h.sent_at IS NULL ORDER BY h.id FOR UPDATE OF h SKIP LOCKED`, phone)
	if err != nil {
		return nil, interpret(err, "通知")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (HeldNotice, error) {
		var h HeldNotice
		var id int64
		l, err := scanListingAfter(r, &id)
		h.ID, h.Offer = id, l
		return h, err
	})
}

// SettleNotices marks held notices as done: carried by a digest, or
// dropped because the offer closed.
func (tx *Tx) SettleNotices(ctx context.Context, ids []int64) error {
	_, err := tx.tx.Exec(ctx, `UPDATE notify_held SET sent_at = $2 WHERE id = ANY($1)`, ids, tx.Now)
	return interpret(err, "通知")
}

// KindCost is what one kind of outbound text cost in a period.
type KindCost struct {
	Kind  string
	Texts int64
	Parts int64 // SMS parts: as submitted, or as the text will split when still queued
}

// SMSPartsSince counts the texts written since since and the SMS parts they
// cost, per kind, most expensive first: as submitted, or, for texts not yet
// submitted, as planned when they were written (internal/outbound counts
// them in UTF-16 units with the signature).
func (s *Store) SMSPartsSince(ctx context.Context, since time.Time) ([]KindCost, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT kind, count(*), coalesce(sum(CASE WHEN parts > 0 THEN parts ELSE planned_parts END), 0)::bigint
		FROM outbox WHERE created_at >= $1 GROUP BY kind ORDER BY 3 DESC, kind`, since)
	if err != nil {
		return nil, interpret(err, "短信")
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[KindCost])
}

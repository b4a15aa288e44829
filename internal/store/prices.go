package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"huamu/matching"
)

// The price index's rows: the deals, asks and bids of a species (the rules
// that make an index of them are matching's), subscriptions to the weekly
// bulletin, and the bulletin's one row per week.

// PriceObservations returns the prices of species that count in [from, to):
// deals (confirmed or delivered orders, a group-buy's purchases included)
// confirmed then, and the asks and bids with a unit price that stood then.
// A deal's time is its confirmation's ledger entry.
func (tx *Tx) PriceObservations(ctx context.Context, species string, from, to time.Time) ([]matching.PriceObs, error) {
	// An order is confirmed before it expires, and proposals live a day
	// (HUAMU_ORDER_TTL): orders made two months before from cannot count.
	rows, err := tx.tx.Query(ctx, `SELECT o.id, o.seller_id, o.variety, o.qty, o.unit, o.unit_price, o.state,
			o.created_at, o.expires_at, o.updated_at, coalesce(e.at, o.updated_at), m.name, `+listingCols+`
		FROM orders o JOIN listings l ON l.id = o.listing_id JOIN members m ON m.id = l.member_id
		LEFT JOIN ledger_entries e ON e.kind = 'order_confirmed' AND e.ref = 'order:' || o.id
		WHERE o.species = $1 AND o.state IN ('confirmed', 'delivered')
		  AND o.created_at < $3 AND o.created_at > $2::timestamptz - interval '60 days' AND o.expires_at >= $2
		  AND coalesce(e.at, o.updated_at) >= $2 AND coalesce(e.at, o.updated_at) < $3
		ORDER BY o.id`, species, from, to)
	if err != nil {
		return nil, interpret(err, "行情")
	}
	deals, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (matching.PriceObs, error) {
		var o matching.Order
		var state string
		var at time.Time
		var name string
		l, err := scanListingAfter(r, &o.ID, &o.SellerID, &o.Variety, &o.Qty, &o.Unit, &o.UnitPrice, &state,
			&o.CreatedAt, &o.ExpiresAt, &o.UpdatedAt, &at, &name)
		o.Species, o.ListingID, o.State = l.Species, l.ID, matching.OrderState(state)
		d := matching.DealObs(o, l, at)
		d.Name = name
		return d, err
	})
	if err != nil {
		return nil, interpret(err, "行情")
	}
	rows, err = tx.tx.Query(ctx, `SELECT `+listingCols+listingFrom+`
		WHERE l.species = $1 AND l.expires_at > $2 AND l.created_at < $3
		  AND (l.price_min IS NOT NULL OR l.price_max IS NOT NULL)
		ORDER BY l.id`, species, from, to)
	if err != nil {
		return nil, interpret(err, "行情")
	}
	ls, err := pgx.CollectRows(rows, scanListing)
	if err != nil {
		return nil, interpret(err, "行情")
	}
	for _, l := range ls {
		if o, ok := matching.ListingObs(l); ok {
			deals = append(deals, o)
		}
	}
	return deals, nil
}

// PricedSpecies lists the species with deals since from, or with priced
// offers or demands open now, most deals first: the choices of the price
// page and the species of the weekly sheet.
func (tx *Tx) PricedSpecies(ctx context.Context, from time.Time) ([]string, error) {
	rows, err := tx.tx.Query(ctx, `SELECT species FROM (
			SELECT species, count(*) AS deals FROM orders
			WHERE state IN ('confirmed', 'delivered') AND created_at >= $1 GROUP BY species
			UNION ALL
			SELECT species, 0 FROM listings
			WHERE state = 'open' AND expires_at > $2 AND (price_min IS NOT NULL OR price_max IS NOT NULL) GROUP BY species
		) s GROUP BY species ORDER BY sum(deals) DESC, species`, from, tx.Now)
	if err != nil {
		return nil, interpret(err, "行情")
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// PriceSubscriptions returns member's subscribed species, oldest first,
// and locks the member's row (FOR NO KEY UPDATE) so that two texts from
// one number change the subscriptions in turn and the limit holds.
func (tx *Tx) PriceSubscriptions(ctx context.Context, memberID int64) ([]string, error) {
	if _, err := tx.tx.Exec(ctx, `SELECT 1 FROM members WHERE id = $1 FOR NO KEY UPDATE`, memberID); err != nil {
		return nil, interpret(err, "会员")
	}
	rows, err := tx.tx.Query(ctx, `SELECT species FROM price_subscriptions WHERE member_id = $1
		ORDER BY seq`, memberID)
	if err != nil {
		return nil, interpret(err, "行情订阅")
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// AddPriceSubscriptions subscribes member to species (those it has stay).
func (tx *Tx) AddPriceSubscriptions(ctx context.Context, memberID int64, species []string) error {
	_, err := tx.tx.Exec(ctx, `INSERT INTO price_subscriptions (member_id, species, created_at)
		SELECT $1, s, $3 FROM unnest($2::text[]) WITH ORDINALITY AS u(s, n) ORDER BY n ON CONFLICT DO NOTHING`, memberID, species, tx.Now)
	return interpret(err, "行情订阅")
}

// RemovePriceSubscriptions ends member's subscriptions to species, or to
// every species when none is named, and returns how many ended.
func (tx *Tx) RemovePriceSubscriptions(ctx context.Context, memberID int64, species []string) (int64, error) {
	tag, err := tx.tx.Exec(ctx, `DELETE FROM price_subscriptions WHERE member_id = $1
		AND (coalesce(cardinality($2::text[]), 0) = 0 OR species = ANY($2))`, memberID, species)
	return tag.RowsAffected(), interpret(err, "行情订阅")
}

// PriceSubscriber is one number the weekly bulletin goes to.
type PriceSubscriber struct {
	MemberID int64
	Phone    string
	Species  []string // in the order subscribed
}

// PriceSubscribers returns every member with a price subscription whose
// number is not stopped, in member order.
func (tx *Tx) PriceSubscribers(ctx context.Context) ([]PriceSubscriber, error) {
	rows, err := tx.tx.Query(ctx, `SELECT m.id, m.phone, array_agg(s.species ORDER BY s.seq)
		FROM price_subscriptions s JOIN members m ON m.id = s.member_id
		WHERE m.stopped_at IS NULL AND NOT m.association
		GROUP BY m.id ORDER BY m.id`)
	if err != nil {
		return nil, interpret(err, "行情订阅")
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PriceSubscriber])
}

// CountPriceSubscribers counts the numbers subscribed to species (any
// species when ""), stopped ones left out.
func (s *Store) CountPriceSubscribers(ctx context.Context, species string) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT count(DISTINCT s.member_id) FROM price_subscriptions s
		JOIN members m ON m.id = s.member_id WHERE m.stopped_at IS NULL AND ($1 = '' OR s.species = $1)`, species).Scan(&n)
	return n, interpret(err, "行情订阅")
}

// ClaimPriceBulletin returns whether this transaction holds the weekly
// bulletin due on monday (at due, which the caller checked has come) to
// send: its row is created at the first claim, and locked while still due; a process that finds it locked or no longer
// due gets false. The caller sends it and calls FinishPriceBulletin in the
// same transaction, so it goes out once across processes and restarts.
func (tx *Tx) ClaimPriceBulletin(ctx context.Context, monday, due time.Time) (bool, error) {
	day := monday.Format(time.DateOnly)
	if _, err := tx.tx.Exec(ctx, `INSERT INTO price_bulletins (monday, due_at) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, day, due); err != nil {
		return false, interpret(err, "行情周报")
	}
	rows, err := tx.tx.Query(ctx, `SELECT 1 FROM price_bulletins WHERE monday = $1 AND state = 'due'
		FOR UPDATE SKIP LOCKED`, day)
	if err != nil {
		return false, interpret(err, "行情周报")
	}
	held, err := pgx.CollectRows(rows, pgx.RowTo[int])
	return len(held) == 1, interpret(err, "行情周报")
}

// PriceBulletinSent is what the weekly bulletin of one Monday sent.
type PriceBulletinSent struct {
	Body       string   // the bulletin's description on the bulletins page
	Parts      int      // the most SMS parts one recipient got
	Recipients []string // the numbers its texts were queued for (Enqueue'd in this transaction)
	Kind       string   // the kind its texts were queued with
}

// FinishPriceBulletin records the claimed bulletin of monday as sent, with
// its texts (queued in this transaction with sent.Kind) as a bulletin
// of the bulletins page, counted like any other. It returns its id.
func (tx *Tx) FinishPriceBulletin(ctx context.Context, monday time.Time, sent PriceBulletinSent) (int64, error) {
	day := monday.Format(time.DateOnly)
	var id int64
	if err := tx.tx.QueryRow(ctx, `INSERT INTO bulletins (body, audience, audience_value, parts, created_by, created_at)
		VALUES ($1, 'price_subscribers', $2, $3, NULL, $4) RETURNING id`, sent.Body, day, sent.Parts, tx.Now).Scan(&id); err != nil {
		return 0, interpret(err, "行情周报")
	}
	// The texts were queued in this transaction, so they carry its time; a
	// clerk's bulletin at that very microsecond would be another statement's
	// rows, already linked to its own bulletin.
	tag, err := tx.tx.Exec(ctx, `INSERT INTO bulletin_messages (bulletin_id, outbox_id)
		SELECT $1, o.id FROM outbox o
		WHERE o.created_at = $2 AND o.kind = $4 AND o.inbound_id IS NULL AND o.recipient = ANY($3)
		  AND NOT EXISTS (SELECT 1 FROM bulletin_messages b WHERE b.outbox_id = o.id)`, id, tx.Now, sent.Recipients, sent.Kind)
	if err != nil {
		return 0, interpret(err, "行情周报")
	}
	if _, err := tx.tx.Exec(ctx, `UPDATE bulletins SET recipients = $2 WHERE id = $1`, id, tag.RowsAffected()); err != nil {
		return 0, interpret(err, "行情周报")
	}
	_, err = tx.tx.Exec(ctx, `UPDATE price_bulletins SET state = 'sent', fired_at = $2, bulletin_id = $3 WHERE monday = $1`,
		day, tx.Now, id)
	return id, interpret(err, "行情周报")
}

// PriceBulletinWeek is one week's bulletin as the price page lists it.
type PriceBulletinWeek struct {
	Monday     time.Time
	State      string
	BulletinID *int64
	FiredAt    *time.Time
}

// PriceBulletins returns the latest weekly bulletins, newest first.
func (s *Store) PriceBulletins(ctx context.Context, limit int) ([]PriceBulletinWeek, error) {
	rows, err := s.pool.Query(ctx, `SELECT monday::timestamp, state, bulletin_id, fired_at FROM price_bulletins
		ORDER BY monday DESC LIMIT $1`, limit)
	if err != nil {
		return nil, interpret(err, "行情周报")
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PriceBulletinWeek])
}

// ReadTx runs fn in a transaction that only reads (the back office's price
// pages compute the index in one snapshot).
func (s *Store) ReadTx(ctx context.Context, fn func(*Tx) error) error {
	return s.inTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly}, fn)
}

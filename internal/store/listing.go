package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"huamu/matching"
)

const listingCols = `l.id, l.member_id, m.phone, l.side, l.species, l.variety, l.attrs, l.spec,
	l.qty_min, l.qty_max, l.unit, l.remaining, l.price_min, l.price_max, l.price_per,
	l.price_total, l.price_terms, l.negotiable, l.city, l.district, l.town, l.village,
	l.contact, l.urgent, l.state, l.created_at, l.expires_at`

const listingFrom = ` FROM listings l JOIN members m ON m.id = l.member_id `

// InsertListing stores a new open listing and returns it with its id.
// Remaining starts at the quantity's definite amount.
func (tx *Tx) InsertListing(ctx context.Context, inboundID *int64, l matching.Listing) (matching.Listing, error) {
	spec, err := json.Marshal(l.Spec)
	if err != nil {
		return l, fmt.Errorf("insert listing: %w", err)
	}
	if l.Spec == nil {
		spec = []byte("{}")
	}
	p, loc := priceAndPlace(l)
	if l.Attrs == nil {
		l.Attrs = []string{}
	}
	l.Remaining = l.Qty.Amount()
	l.State = matching.ListingOpen
	if l.CreatedAt.IsZero() {
		l.CreatedAt = tx.Now
	}
	err = tx.tx.QueryRow(ctx, `
		INSERT INTO listings (inbound_id, member_id, side, species, variety, attrs, spec,
			qty_min, qty_max, unit, remaining, price_min, price_max, price_per, price_total,
			price_terms, negotiable, city, district, town, village, contact, urgent, state,
			created_at, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26)
		RETURNING id`,
		inboundID, l.MemberID, string(l.Side), l.Species, l.Variety, l.Attrs, spec,
		l.Qty.Min, l.Qty.Max, l.Qty.Unit, l.Remaining, p.Min, p.Max, p.Per, p.Total,
		p.Terms, l.Negotiable, loc.City, loc.District, loc.Town, loc.Village, l.Contact, l.Urgent,
		string(l.State), l.CreatedAt, l.ExpiresAt).Scan(&l.ID)
	return l, interpret(err, "信息")
}

// priceAndPlace are l's price and location as their columns hold them:
// zero values when it has none.
func priceAndPlace(l matching.Listing) (matching.Price, matching.Location) {
	var p matching.Price
	if l.Price != nil {
		p = *l.Price
	}
	var loc matching.Location
	if l.Location != nil {
		loc = *l.Location
	}
	return p, loc
}

// OpenListings returns open, unexpired listings of one side and species,
// oldest first: the candidates the matching rules rank.
func (tx *Tx) OpenListings(ctx context.Context, side matching.Side, species string) ([]matching.Listing, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+listingCols+listingFrom+`
		WHERE l.state = 'open' AND l.side = $1 AND l.species = $2 AND l.expires_at > $3
		ORDER BY l.id`, string(side), species, tx.Now)
	if err != nil {
		return nil, interpret(err, "信息")
	}
	return pgx.CollectRows(rows, scanListing)
}

// Listing returns one listing by id.
func (s *Store) Listing(ctx context.Context, id int64) (matching.Listing, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+listingCols+listingFrom+` WHERE l.id = $1`, id)
	if err != nil {
		return matching.Listing{}, interpret(err, "信息")
	}
	l, err := pgx.CollectExactlyOneRow(rows, scanListing)
	return l, interpret(err, fmt.Sprintf("信息#%d", id))
}

func scanListing(r pgx.CollectableRow) (matching.Listing, error) { return scanListingAfter(r) }

// scanListingAfter scans a row of listingCols that starts with the extra
// columns lead.
func scanListingAfter(r pgx.CollectableRow, lead ...any) (matching.Listing, error) {
	var (
		l                     matching.Listing
		side, state           string
		spec                  []byte
		pmin, pmax, ptotal    *decimal.Decimal
		per, terms            string
		city, dist, town, vil string
		created, expires      time.Time
	)
	err := r.Scan(append(lead, &l.ID, &l.MemberID, &l.Phone, &side, &l.Species, &l.Variety, &l.Attrs, &spec,
		&l.Qty.Min, &l.Qty.Max, &l.Qty.Unit, &l.Remaining, &pmin, &pmax, &per,
		&ptotal, &terms, &l.Negotiable, &city, &dist, &town, &vil,
		&l.Contact, &l.Urgent, &state, &created, &expires)...)
	if err != nil {
		return l, err
	}
	l.Side, l.State = matching.Side(side), matching.ListingState(state)
	l.CreatedAt, l.ExpiresAt = created, expires
	if err := json.Unmarshal(spec, &l.Spec); err != nil {
		return l, fmt.Errorf("listing %d spec: %w", l.ID, err)
	}
	if pmin != nil || pmax != nil || ptotal != nil {
		l.Price = &matching.Price{Min: pmin, Max: pmax, Per: per, Total: ptotal, Terms: terms}
	}
	if city != "" || dist != "" || town != "" || vil != "" {
		l.Location = &matching.Location{City: city, District: dist, Town: town, Village: vil}
	}
	return l, nil
}

// MemberListings returns member's listings in state (any state when ""),
// newest first, at most limit.
func (tx *Tx) MemberListings(ctx context.Context, memberID int64, state matching.ListingState, limit int) ([]matching.Listing, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+listingCols+listingFrom+`
		WHERE l.member_id = $1 AND ($2 = '' OR l.state = $2) AND ($2 <> 'open' OR l.expires_at > $4)
		ORDER BY l.id DESC LIMIT $3`, memberID, string(state), limit, tx.Now)
	if err != nil {
		return nil, interpret(err, "信息")
	}
	return pgx.CollectRows(rows, scanListing)
}

// CloseListing moves an open listing to state: cancelled by its
// owner or a clerk. Orders it holds stock for are not touched.
func (tx *Tx) CloseListing(ctx context.Context, id int64, state matching.ListingState) error {
	tag, err := tx.tx.Exec(ctx, `UPDATE listings SET state = $2 WHERE id = $1 AND state = 'open'`, id, string(state))
	if err != nil {
		return interpret(err, "信息")
	}
	if tag.RowsAffected() != 1 {
		return matching.Errorf(matching.CodeConflict, "%d号信息已关闭", id)
	}
	return nil
}

// ExpireListings closes up to limit open listings whose validity ran out at
// tx.Now, skipping rows another process holds, and returns how many.
func (tx *Tx) ExpireListings(ctx context.Context, limit int) (int64, error) {
	tag, err := tx.tx.Exec(ctx, `UPDATE listings SET state = 'expired' WHERE id IN (
		SELECT id FROM listings WHERE state = 'open' AND expires_at <= $1
		ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`, tx.Now, limit)
	return tag.RowsAffected(), interpret(err, "信息")
}

// OpenListingsFromText returns the open listings member posted by a text
// with the same body as inbound row except, received since since: what a
// text sent again would post twice.
func (tx *Tx) OpenListingsFromText(ctx context.Context, memberID, except int64, body string, since time.Time) ([]int64, error) {
	rows, err := tx.tx.Query(ctx, `SELECT l.id FROM listings l JOIN inbound i ON i.id = l.inbound_id
		WHERE l.member_id = $1 AND l.state = 'open' AND i.id <> $2 AND i.body = $3 AND i.received_at >= $4
		ORDER BY l.id`, memberID, except, storable(body), since)
	if err != nil {
		return nil, interpret(err, "供求信息")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return ids, interpret(err, "供求信息")
}

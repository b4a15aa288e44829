package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"huamu/matching"
)

// ListingSearch is the back office's listing search; zero fields do not filter.
type ListingSearch struct {
	Side     string
	Species  string
	State    string
	Town     string
	Phone    string
	MemberID int64
	SpecKey  string   // e.g. "dbh_cm"; with SpecMin/SpecMax: listings whose range overlaps
	SpecMin  *float64 // cm
	SpecMax  *float64
	Limit    int
}

// ListingFilter narrows ListListings.
type ListingFilter struct {
	Side    string
	Species string
	State   string
	Phone   string
	Limit   int
}

// listingWhere is the one filter of the back office's listings, for their
// list and search.
func listingWhere(f ListingSearch) *where {
	var w where
	for _, c := range []struct{ col, v string }{
		{"l.side", f.Side}, {"l.species", f.Species}, {"l.state", f.State}, {"l.town", f.Town}, {"m.phone", f.Phone},
	} {
		if c.v != "" {
			w.and(c.col + " = " + w.arg(c.v))
		}
	}
	if f.MemberID != 0 {
		w.and("l.member_id = " + w.arg(f.MemberID))
	}
	if f.SpecKey != "" {
		key := w.arg(f.SpecKey)
		w.and("l.spec ? " + key)
		if f.SpecMin != nil {
			w.and("coalesce((l.spec -> " + key + " ->> 'max')::float8, 'Infinity') >= " + w.arg(*f.SpecMin))
		}
		if f.SpecMax != nil {
			w.and("coalesce((l.spec -> " + key + " ->> 'min')::float8, 0) <= " + w.arg(*f.SpecMax))
		}
	}
	return &w
}

// SearchListings returns listings newest first.
func (s *Store) SearchListings(ctx context.Context, f ListingSearch) ([]matching.Listing, error) {
	return s.listings(ctx, f, limit(f.Limit, 200, 5000))
}

// ListListings returns listings for the back office, newest first.
func (s *Store) ListListings(ctx context.Context, f ListingFilter) ([]matching.Listing, error) {
	return s.listings(ctx, ListingSearch{Side: f.Side, Species: f.Species, State: f.State, Phone: f.Phone},
		limit(f.Limit, 100, 500))
}

func (s *Store) listings(ctx context.Context, f ListingSearch, n int) ([]matching.Listing, error) {
	w := listingWhere(f)
	rows, err := s.pool.Query(ctx, `SELECT `+listingCols+listingFrom+w.sql()+` ORDER BY l.id DESC LIMIT `+w.arg(n), w.args...)
	if err != nil {
		return nil, interpret(err, "信息")
	}
	return pgx.CollectRows(rows, scanListing)
}

// held is how much of listing id its orders hold (proposed, confirmed or
// delivered): stock that is no longer in remaining.
func held(ctx context.Context, q querier, id int64) (int64, error) {
	rows, err := q.Query(ctx, `SELECT coalesce(sum(qty), 0)::bigint FROM orders
		WHERE listing_id = $1 AND state IN ('proposed', 'confirmed', 'delivered')`, id)
	if err != nil {
		return 0, interpret(err, "订单")
	}
	n, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[int64])
	return n, interpret(err, "订单")
}

// ListingHeld is how much of listing id its orders hold.
func (s *Store) ListingHeld(ctx context.Context, id int64) (int64, error) {
	return held(ctx, s.pool, id)
}

// ListingHeld is how much of listing id its orders hold, in tx.
func (tx *Tx) ListingHeld(ctx context.Context, id int64) (int64, error) {
	return held(ctx, tx.tx, id)
}

// UpdateListing writes what a clerk may correct of listing l (see
// matching.Listing.Edit): remaining, quantity, unit price, negotiable,
// town, village and state. Its other columns stay as they are.
func (tx *Tx) UpdateListing(ctx context.Context, l matching.Listing) error {
	p, loc := priceAndPlace(l)
	_, err := tx.tx.Exec(ctx, `UPDATE listings SET remaining = $2, price_min = $3, price_max = $4,
		price_per = $5, negotiable = $6, town = $7, village = $8, qty_min = $9, qty_max = $10, state = $11
		WHERE id = $1`,
		l.ID, l.Remaining, p.Min, p.Max, p.Per, l.Negotiable, loc.Town, loc.Village, l.Qty.Min, l.Qty.Max, string(l.State))
	return interpret(err, "信息")
}

// Actor is who made a change: a clerk (UserID) or an API client.
type Actor struct {
	UserID      int64
	APIClientID int64
}

func (a Actor) user() *int64 {
	if a.UserID == 0 {
		return nil
	}
	return &a.UserID
}

func (a Actor) client() *int64 {
	if a.APIClientID == 0 {
		return nil
	}
	return &a.APIClientID
}

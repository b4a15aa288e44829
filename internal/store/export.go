package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
)

// OrderRow is an order as the export and the API show it.
type OrderRow struct {
	ID        int64
	ListingID int64
	Buyer     string
	Seller    string
	Species   string
	Variety   string
	Qty       int64
	Unit      string
	UnitPrice decimal.Decimal
	Total     decimal.Decimal
	State     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ListOrders returns orders created in [from, to) (zero for open ends),
// newest first, at most limit.
func (s *Store) ListOrders(ctx context.Context, from, to time.Time, state string, limit int) ([]OrderRow, error) {
	if limit <= 0 || limit > 10000 {
		limit = 200
	}
	f := SMSFilter{From: from, To: to}
	lo, hi := f.bounds()
	rows, err := s.pool.Query(ctx, `SELECT o.id, o.listing_id, b.phone, g.phone, o.species, o.variety, o.qty, o.unit,
		o.unit_price, o.total, o.state, o.created_at, o.updated_at
		FROM orders o JOIN members b ON b.id = o.buyer_id JOIN members g ON g.id = o.seller_id
		WHERE ($1::timestamptz IS NULL OR o.created_at >= $1) AND ($2::timestamptz IS NULL OR o.created_at < $2)
		  AND ($3 = '' OR o.state = $3)
		ORDER BY o.id DESC LIMIT $4`, lo, hi, state, limit)
	if err != nil {
		return nil, interpret(err, "订单")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (OrderRow, error) {
		var o OrderRow
		err := r.Scan(&o.ID, &o.ListingID, &o.Buyer, &o.Seller, &o.Species, &o.Variety, &o.Qty, &o.Unit,
			&o.UnitPrice, &o.Total, &o.State, &o.CreatedAt, &o.UpdatedAt)
		return o, err
	})
}

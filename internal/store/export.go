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
// newest first, at most n.
func (s *Store) ListOrders(ctx context.Context, from, to time.Time, state string, n int) ([]OrderRow, error) {
	var w where
	if !from.IsZero() {
		w.and("o.created_at >= " + w.arg(from))
	}
	if !to.IsZero() {
		w.and("o.created_at < " + w.arg(to))
	}
	if state != "" {
		w.and("o.state = " + w.arg(state))
	}
	rows, err := s.pool.Query(ctx, `SELECT o.id, o.listing_id, b.phone, g.phone, o.species, o.variety, o.qty, o.unit,
		o.unit_price, o.total, o.state, o.created_at, o.updated_at
		FROM orders o JOIN members b ON b.id = o.buyer_id JOIN members g ON g.id = o.seller_id`+w.sql()+`
		ORDER BY o.id DESC LIMIT `+w.arg(limit(n, 200, 10000)), w.args...)
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

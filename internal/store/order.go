package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"huamu/matching"
)

// Orders: the store keeps them and the stock they hold exact. The rules of
// the order lifecycle live in matching (Order.Apply, NewOrder); this file
// only reads and writes rows, and its stock updates are conditional so that
// a listing's remaining can never go below zero whatever the callers do
// (and the listings.remaining CHECK is the last line of defence).

const orderCols = `o.id, o.listing_id, o.buyer_id, o.seller_id, o.species, o.variety, o.qty, o.unit,
	o.unit_price, o.state, o.created_at, o.expires_at, o.updated_at, o.note, o.inbound_id,
	b.phone, b.name, s.phone, s.name`

const orderFrom = ` FROM orders o JOIN members b ON b.id = o.buyer_id JOIN members s ON s.id = o.seller_id `

// OrderInfo is an order with what the back office and the texts show about
// its parties.
type OrderInfo struct {
	matching.Order
	Note        string
	InboundID   *int64
	BuyerPhone  string
	BuyerName   string
	SellerPhone string
	SellerName  string
}

func scanOrder(r pgx.CollectableRow) (OrderInfo, error) {
	var o OrderInfo
	var state string
	err := r.Scan(&o.ID, &o.ListingID, &o.BuyerID, &o.SellerID, &o.Species, &o.Variety, &o.Qty, &o.Unit,
		&o.UnitPrice, &state, &o.CreatedAt, &o.ExpiresAt, &o.UpdatedAt, &o.Note, &o.InboundID,
		&o.BuyerPhone, &o.BuyerName, &o.SellerPhone, &o.SellerName)
	o.State = matching.OrderState(state)
	return o, err
}

// ListingForUpdate returns listing id locked until the end of tx, so the
// remaining it shows is the one the caller's update will change.
func (tx *Tx) ListingForUpdate(ctx context.Context, id int64) (matching.Listing, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+listingCols+listingFrom+` WHERE l.id = $1 FOR UPDATE OF l`, id)
	if err != nil {
		return matching.Listing{}, interpret(err, "信息")
	}
	l, err := pgx.CollectExactlyOneRow(rows, scanListing)
	return l, interpret(err, fmt.Sprintf("%d号信息", id))
}

// InsertOrder stores a new proposal and takes its quantity off the
// listing's remaining in one conditional update: when less remains than the
// order wants (another buyer got there first) nothing changes and the
// error is CodeInsufficientStock carrying what remains. A listing whose
// remaining reaches zero becomes filled. inboundID, when given, makes the
// order unique to the text that asked for it (CodeConflict on a replay).
func (tx *Tx) InsertOrder(ctx context.Context, inboundID *int64, o matching.Order) (matching.Order, error) {
	var remaining int64
	err := tx.tx.QueryRow(ctx, `
		UPDATE listings SET remaining = remaining - $2,
			state = CASE WHEN remaining - $2 = 0 THEN 'filled' ELSE state END
		WHERE id = $1 AND state = 'open' AND side = 'supply' AND remaining >= $2
		RETURNING remaining`, o.ListingID, o.Qty).Scan(&remaining)
	if errors.Is(err, pgx.ErrNoRows) {
		var left int64
		if err := tx.tx.QueryRow(ctx, `SELECT remaining FROM listings WHERE id = $1`, o.ListingID).Scan(&left); err != nil {
			return o, interpret(err, fmt.Sprintf("%d号信息", o.ListingID))
		}
		return o, matching.Wrapf(&matching.Shortage{Want: o.Qty, Remaining: left}, matching.CodeInsufficientStock,
			"仅剩%d%s，回\"订 %d %d\"", left, o.Unit, o.ListingID, left)
	}
	if err != nil {
		return o, interpret(err, "订单")
	}
	err = tx.tx.QueryRow(ctx, `
		INSERT INTO orders (inbound_id, listing_id, buyer_id, seller_id, species, variety, qty, unit,
			unit_price, total, state, created_at, expires_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id`,
		inboundID, o.ListingID, o.BuyerID, o.SellerID, o.Species, o.Variety, o.Qty, o.Unit,
		o.UnitPrice, o.Total(), string(o.State), o.CreatedAt, o.ExpiresAt, o.UpdatedAt).Scan(&o.ID)
	return o, interpret(err, "订单")
}

// OrderForUpdate returns order id locked until the end of tx.
func (tx *Tx) OrderForUpdate(ctx context.Context, id int64) (OrderInfo, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+orderCols+orderFrom+` WHERE o.id = $1 FOR UPDATE OF o`, id)
	if err != nil {
		return OrderInfo{}, interpret(err, "订单")
	}
	o, err := pgx.CollectExactlyOneRow(rows, scanOrder)
	return o, interpret(err, fmt.Sprintf("订单%d", id))
}

// OrderByInbound returns the order a text made, if it made one.
func (tx *Tx) OrderByInbound(ctx context.Context, inboundID int64) (OrderInfo, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+orderCols+orderFrom+` WHERE o.inbound_id = $1`, inboundID)
	if err != nil {
		return OrderInfo{}, interpret(err, "订单")
	}
	o, err := pgx.CollectExactlyOneRow(rows, scanOrder)
	return o, interpret(err, "订单")
}

// BuyerProposals returns the proposals member waits on as a buyer, oldest
// first. It first locks the member's row (FOR NO KEY UPDATE, which orders'
// foreign keys do not wait for), so that two texts from one buyer handled
// at once take turns: a cap on open proposals holds under concurrency.
func (tx *Tx) BuyerProposals(ctx context.Context, memberID int64) ([]matching.Order, error) {
	if _, err := tx.tx.Exec(ctx, `SELECT 1 FROM members WHERE id = $1 FOR NO KEY UPDATE`, memberID); err != nil {
		return nil, interpret(err, "会员")
	}
	rows, err := tx.tx.Query(ctx, `SELECT `+orderCols+orderFrom+`
		WHERE o.buyer_id = $1 AND o.state = 'proposed' ORDER BY o.id`, memberID)
	if err != nil {
		return nil, interpret(err, "订单")
	}
	infos, err := pgx.CollectRows(rows, scanOrder)
	if err != nil {
		return nil, interpret(err, "订单")
	}
	out := make([]matching.Order, len(infos))
	for i, o := range infos {
		out[i] = o.Order
	}
	return out, nil
}

// PendingOrdersForSeller returns the proposals waiting for member's answer,
// oldest first, locked: what a bare 确认 or 拒绝 may mean.
func (tx *Tx) PendingOrdersForSeller(ctx context.Context, memberID int64) ([]OrderInfo, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+orderCols+orderFrom+`
		WHERE o.seller_id = $1 AND o.state = 'proposed' ORDER BY o.id FOR UPDATE OF o`, memberID)
	if err != nil {
		return nil, interpret(err, "订单")
	}
	return pgx.CollectRows(rows, scanOrder)
}

// UpdateOrderState records the state o.Apply moved o to, when the row is
// still in state from (a racing change makes this CodeConflict). An order
// that stops holding stock (declined, cancelled, expired) gives its
// quantity back to the listing, and a filled listing opens again.
func (tx *Tx) UpdateOrderState(ctx context.Context, o matching.Order, from matching.OrderState, note string) error {
	tag, err := tx.tx.Exec(ctx, `UPDATE orders SET state = $2, updated_at = $3,
		note = CASE WHEN $5 = '' THEN note ELSE $5 END
		WHERE id = $1 AND state = $4`, o.ID, string(o.State), o.UpdatedAt, string(from), note)
	if err != nil {
		return interpret(err, "订单")
	}
	if tag.RowsAffected() != 1 {
		return matching.Errorf(matching.CodeConflict, "订单%d状态已变，请刷新", o.ID)
	}
	releases := (matching.Order{Qty: o.Qty, State: from}).Holds() > 0 && o.Holds() == 0
	if !releases {
		return nil
	}
	_, err = tx.tx.Exec(ctx, `UPDATE listings SET remaining = remaining + $2,
		state = CASE WHEN state = 'filled' THEN 'open' ELSE state END
		WHERE id = $1`, o.ListingID, o.Qty)
	return interpret(err, "信息")
}

// DueOrders returns up to limit proposals whose time ran out at tx.Now,
// locked, skipping those another process is settling.
func (tx *Tx) DueOrders(ctx context.Context, limit int) ([]OrderInfo, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+orderCols+orderFrom+`
		WHERE o.state = 'proposed' AND o.expires_at <= $1
		ORDER BY o.expires_at, o.id LIMIT $2 FOR UPDATE OF o SKIP LOCKED`, tx.Now, limit)
	if err != nil {
		return nil, interpret(err, "订单")
	}
	return pgx.CollectRows(rows, scanOrder)
}

// OrderFilter narrows SearchOrders.
type OrderFilter struct {
	State    string
	MemberID int64 // buyer or seller
	Limit    int
}

// SearchOrders returns orders for the back office, newest first.
func (s *Store) SearchOrders(ctx context.Context, f OrderFilter) ([]OrderInfo, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := s.pool.Query(ctx, `SELECT `+orderCols+orderFrom+`
		WHERE ($1 = '' OR o.state = $1) AND ($2 = 0 OR o.buyer_id = $2 OR o.seller_id = $2)
		ORDER BY o.id DESC LIMIT $3`, f.State, f.MemberID, f.Limit)
	if err != nil {
		return nil, interpret(err, "订单")
	}
	return pgx.CollectRows(rows, scanOrder)
}

// Order returns one order.
func (s *Store) Order(ctx context.Context, id int64) (OrderInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+orderCols+orderFrom+` WHERE o.id = $1`, id)
	if err != nil {
		return OrderInfo{}, interpret(err, "订单")
	}
	o, err := pgx.CollectExactlyOneRow(rows, scanOrder)
	return o, interpret(err, fmt.Sprintf("订单%d", id))
}

// StockCheck is one listing whose stock does not add up: remaining plus
// what its orders hold differs from what it offered, or is negative.
type StockCheck struct {
	ListingID int64
	Offered   int64
	Remaining int64
	Held      int64
}

// StockMismatches returns every supply listing with orders whose remaining
// plus held quantity is not its offered amount: empty when the books are
// right. Tests and a health page use it.
func (s *Store) StockMismatches(ctx context.Context) ([]StockCheck, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT l.id, coalesce(l.qty_min, l.qty_max, 0), l.remaining,
			coalesce(sum(o.qty) FILTER (WHERE o.state IN ('proposed', 'confirmed', 'delivered')), 0)::bigint
		FROM listings l JOIN orders o ON o.listing_id = l.id
		GROUP BY l.id
		HAVING l.remaining < 0 OR l.remaining + coalesce(sum(o.qty) FILTER (WHERE o.state IN ('proposed', 'confirmed', 'delivered')), 0)
			<> coalesce(l.qty_min, l.qty_max, 0)`)
	if err != nil {
		return nil, interpret(err, "库存")
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[StockCheck])
}

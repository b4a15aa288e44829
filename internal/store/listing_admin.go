package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

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

// SearchListings returns listings newest first.
func (s *Store) SearchListings(ctx context.Context, f ListingSearch) ([]matching.Listing, error) {
	if f.Limit <= 0 || f.Limit > 5000 {
		f.Limit = 200
	}
	rows, err := s.pool.Query(ctx, `SELECT `+listingCols+listingFrom+`
		WHERE ($1 = '' OR l.side = $1) AND ($2 = '' OR l.species = $2)
		  AND ($3 = '' OR l.state = $3) AND ($4 = '' OR l.town = $4) AND ($5 = '' OR m.phone = $5)
		  AND ($6 = 0 OR l.member_id = $6)
		  AND ($7 = '' OR (l.spec ? $7
		       AND ($8::float8 IS NULL OR coalesce((l.spec -> $7 ->> 'max')::float8, 'Infinity') >= $8)
		       AND ($9::float8 IS NULL OR coalesce((l.spec -> $7 ->> 'min')::float8, 0) <= $9)))
		ORDER BY l.id DESC LIMIT $10`,
		f.Side, f.Species, f.State, f.Town, f.Phone, f.MemberID, f.SpecKey, f.SpecMin, f.SpecMax, f.Limit)
	if err != nil {
		return nil, interpret(err, "信息")
	}
	return pgx.CollectRows(rows, scanListing)
}

// ListingEdit is a clerk's correction of a listing, relative to the page
// the clerk saw: SeenRemaining is the remaining quantity that page showed.
type ListingEdit struct {
	Remaining     int64
	SeenRemaining int64
	PriceMin      *decimal.Decimal
	PriceMax      *decimal.Decimal
	Negotiable    bool
	Town          string
	Village       string
}

func (tx *Tx) lockListing(ctx context.Context, id int64) (matching.Listing, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+listingCols+listingFrom+` WHERE l.id = $1 FOR UPDATE OF l`, id)
	if err != nil {
		return matching.Listing{}, interpret(err, "信息")
	}
	l, err := pgx.CollectExactlyOneRow(rows, scanListing)
	return l, interpret(err, fmt.Sprintf("信息#%d", id))
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

// EditListing saves a clerk's correction of an open listing, keeps the
// before and after, and texts the member what changed — in one transaction.
//
// The edit is relative to what the clerk saw. Remaining is written only
// when the clerk changed it (Remaining ≠ SeenRemaining), and then only when
// it still is what the clerk saw: an order or a cancellation in between is
// CodeConflict, so a page opened before a buyer ordered can never put the
// ordered stock on offer again. Remaining counts only what is not reserved
// (orders hold the rest), so it can never go below what open orders
// reserve; the listing's quantity becomes remaining plus what orders hold,
// and a listing with nothing left is filled.
func (s *Store) EditListing(ctx context.Context, userID, id int64, e ListingEdit, notice func(before, after matching.Listing) string) (matching.Listing, error) {
	var after matching.Listing
	err := s.InTx(ctx, func(tx *Tx) error {
		before, err := tx.lockListing(ctx, id)
		if err != nil {
			return err
		}
		if before.State != matching.ListingOpen {
			return matching.Errorf(matching.CodeConflict, "%d号信息已关闭，不能修改", id)
		}
		if e.Remaining < 0 {
			return matching.Errorf(matching.CodeInvalid, "数量不能是负数")
		}
		remaining, qtyMin, qtyMax := before.Remaining, before.Qty.Min, before.Qty.Max
		if e.Remaining != e.SeenRemaining {
			if before.Remaining != e.SeenRemaining {
				return matching.Errorf(matching.CodeConflict,
					"您打开页面后剩余数量已由%d变为%d(有人下单或取消)，请核对后重新填写", e.SeenRemaining, before.Remaining)
			}
			h, err := held(ctx, tx.tx, id)
			if err != nil {
				return err
			}
			offered := e.Remaining + h
			remaining, qtyMin, qtyMax = e.Remaining, &offered, &offered
		}
		per := ""
		if before.Price != nil {
			per = before.Price.Per
		}
		if per == "" && (e.PriceMin != nil || e.PriceMax != nil) {
			per = before.Qty.Unit
		}
		candidate := before
		candidate.Qty.Min, candidate.Qty.Max = qtyMin, qtyMax
		candidate.Price = &matching.Price{Min: e.PriceMin, Max: e.PriceMax, Per: per}
		if err := candidate.CheckBounds(); err != nil {
			return err
		}
		if _, err := tx.tx.Exec(ctx, `UPDATE listings SET remaining = $2, price_min = $3, price_max = $4,
			price_per = $5, negotiable = $6, town = $7, village = $8, qty_min = $9, qty_max = $10,
			state = CASE WHEN $2::bigint = 0 AND coalesce($9::bigint, 0) > 0 THEN 'filled' ELSE state END WHERE id = $1`,
			id, remaining, e.PriceMin, e.PriceMax, per, e.Negotiable, e.Town, e.Village, qtyMin, qtyMax); err != nil {
			return interpret(err, "信息")
		}
		if after, err = tx.lockListing(ctx, id); err != nil {
			return err
		}
		if err := tx.correction(ctx, userID, nil, &id, "edit", before, after, ""); err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctx, nil, before.Phone, notice(before, after), "notice"); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "listing.edit", fmt.Sprintf("listing:%d", id), matching.OfferLine(after))
	})
	return after, err
}

// CancelListing closes an open listing on a clerk's word and texts the member.
func (s *Store) CancelListing(ctx context.Context, userID, id int64, reason string, notice func(matching.Listing) string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		l, err := tx.lockListing(ctx, id)
		if err != nil {
			return err
		}
		if l.State != matching.ListingOpen {
			return matching.Errorf(matching.CodeConflict, "%d号信息已关闭", id)
		}
		if _, err := tx.tx.Exec(ctx, `UPDATE listings SET state = 'cancelled' WHERE id = $1`, id); err != nil {
			return interpret(err, "信息")
		}
		if err := tx.correction(ctx, userID, nil, &id, "cancel", l, map[string]string{"reason": reason}, ""); err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctx, nil, l.Phone, notice(l), "notice"); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "listing.cancel", fmt.Sprintf("listing:%d", id), reason)
	})
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

// PostOnBehalf stores a listing a clerk (or an API client) enters for a
// member who phoned in (代发布), creating the member if needed, and texts
// them its receipt; then, when given, runs in the same transaction (the
// exchange matches the new listing there).
func (s *Store) PostOnBehalf(ctx context.Context, by Actor, phone string, l matching.Listing, receipt func(matching.Listing) string, then func(*Tx, matching.Listing) error) (matching.Listing, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		l, err = tx.PostOnBehalf(ctx, by, phone, l, receipt, then)
		return err
	})
	return l, err
}

// PostOnBehalf is Store.PostOnBehalf within tx (under an idempotency key,
// for one: Store.Once).
func (tx *Tx) PostOnBehalf(ctx context.Context, by Actor, phone string, l matching.Listing, receipt func(matching.Listing) string, then func(*Tx, matching.Listing) error) (matching.Listing, error) {
	m, err := tx.EnsureMember(ctx, phone)
	if err != nil {
		return l, err
	}
	l.MemberID, l.Phone = m.ID, m.Phone
	if l, err = tx.InsertListing(ctx, nil, l); err != nil {
		return l, err
	}
	after, _ := json.Marshal(l)
	if _, err := tx.tx.Exec(ctx, `INSERT INTO corrections (listing_id, user_id, api_client_id, action, after, created_at)
		VALUES ($1, $2, $3, 'on_behalf', $4, $5)`, l.ID, by.user(), by.client(), after, tx.Now); err != nil {
		return l, interpret(err, "更正记录")
	}
	if _, err := tx.Enqueue(ctx, nil, m.Phone, receipt(l), "receipt"); err != nil {
		return l, err
	}
	if then != nil {
		if err := then(tx, l); err != nil {
			return l, err
		}
	}
	detail := matching.OfferLine(l)
	if by.APIClientID != 0 {
		detail = fmt.Sprintf("接口客户#%d %s", by.APIClientID, detail)
	}
	_, err = tx.tx.Exec(ctx, `INSERT INTO audit_log (at, user_id, action, object, detail) VALUES ($1, $2, $3, $4, $5)`,
		tx.Now, by.user(), "listing.on_behalf", fmt.Sprintf("listing:%d", l.ID), detail)
	return l, interpret(err, "操作记录")
}

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

const groupBuyCols = `id, species, variety, spec, attrs, unit, price, min_total, cap, min_each, step,
	deadline, city, district, town, village, state`

func scanGroupBuy(r pgx.CollectableRow) (matching.GroupBuy, error) {
	var (
		g                     matching.GroupBuy
		spec                  []byte
		state                 string
		city, dist, town, vil string
	)
	err := r.Scan(&g.ID, &g.Species, &g.Variety, &spec, &g.Attrs, &g.Unit, &g.Price, &g.MinTotal, &g.Cap,
		&g.MinEach, &g.Step, &g.Deadline, &city, &dist, &town, &vil, &state)
	if err != nil {
		return g, err
	}
	g.State = matching.GroupBuyState(state)
	if err := json.Unmarshal(spec, &g.Spec); err != nil {
		return g, fmt.Errorf("group-buy %d spec: %w", g.ID, err)
	}
	if city != "" || dist != "" || town != "" || vil != "" {
		g.Location = &matching.Location{City: city, District: dist, Town: town, Village: vil}
	}
	return g, nil
}

// CreateGroupBuy stores a new open group-buy for a clerk.
func (s *Store) CreateGroupBuy(ctx context.Context, g matching.GroupBuy, userID int64) (matching.GroupBuy, error) {
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		g, err = tx.CreateGroupBuy(ctx, g, userID)
		return err
	})
	return g, err
}

// CreateGroupBuy is Store.CreateGroupBuy within tx (under an idempotency
// key, for one: Store.Once).
func (tx *Tx) CreateGroupBuy(ctx context.Context, g matching.GroupBuy, userID int64) (matching.GroupBuy, error) {
	spec, err := json.Marshal(g.Spec)
	if err != nil || g.Spec == nil {
		spec = []byte("{}")
	}
	if g.Attrs == nil {
		g.Attrs = []string{}
	}
	var loc matching.Location
	if g.Location != nil {
		loc = *g.Location
	}
	var uid *int64
	if userID != 0 {
		uid = &userID
	}
	g.State = matching.GroupOpen
	err = tx.tx.QueryRow(ctx, `INSERT INTO group_buys (species, variety, spec, attrs, unit, price, min_total, cap,
		min_each, step, deadline, city, district, town, village, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING id`,
		g.Species, g.Variety, spec, g.Attrs, g.Unit, g.Price, g.MinTotal, g.Cap, g.MinEach, max(g.Step, 1),
		g.Deadline, loc.City, loc.District, loc.Town, loc.Village, uid, tx.Now).Scan(&g.ID)
	return g, interpret(err, "团购")
}

// GroupBuy returns one group-buy.
func (s *Store) GroupBuy(ctx context.Context, id int64) (matching.GroupBuy, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+groupBuyCols+` FROM group_buys WHERE id = $1`, id)
	if err != nil {
		return matching.GroupBuy{}, interpret(err, "团购")
	}
	g, err := pgx.CollectExactlyOneRow(rows, scanGroupBuy)
	return g, interpret(err, fmt.Sprintf("团购%d", id))
}

// GroupBuySummary is a group-buy with where it stands.
type GroupBuySummary struct {
	matching.GroupBuy
	Committed    int64
	Participants int
	Reason       string
}

// ListGroupBuys returns group-buys, newest first, with their totals.
func (s *Store) ListGroupBuys(ctx context.Context, state string, limit int) ([]GroupBuySummary, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.pool.Query(ctx, `SELECT `+groupBuyCols+`, reason,
		coalesce((SELECT sum(qty) FROM group_buy_commitments c WHERE c.group_buy_id = g.id), 0),
		(SELECT count(*) FROM group_buy_commitments c WHERE c.group_buy_id = g.id)
		FROM group_buys g WHERE ($1 = '' OR state = $1) ORDER BY id DESC LIMIT $2`, state, limit)
	if err != nil {
		return nil, interpret(err, "团购")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (GroupBuySummary, error) {
		var (
			s                     GroupBuySummary
			spec                  []byte
			st                    string
			city, dist, town, vil string
		)
		g := &s.GroupBuy
		err := r.Scan(&g.ID, &g.Species, &g.Variety, &spec, &g.Attrs, &g.Unit, &g.Price, &g.MinTotal, &g.Cap,
			&g.MinEach, &g.Step, &g.Deadline, &city, &dist, &town, &vil, &st, &s.Reason, &s.Committed, &s.Participants)
		g.State = matching.GroupBuyState(st)
		if err == nil {
			err = json.Unmarshal(spec, &g.Spec)
		}
		if town != "" || city != "" || dist != "" || vil != "" {
			g.Location = &matching.Location{City: city, District: dist, Town: town, Village: vil}
		}
		return s, err
	})
}

// GroupBuyForUpdate locks a group-buy for the rest of tx: joins, closing
// and allocation of one group-buy never interleave.
func (tx *Tx) GroupBuyForUpdate(ctx context.Context, id int64) (matching.GroupBuy, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+groupBuyCols+` FROM group_buys WHERE id = $1 FOR UPDATE`, id)
	if err != nil {
		return matching.GroupBuy{}, interpret(err, "团购")
	}
	g, err := pgx.CollectExactlyOneRow(rows, scanGroupBuy)
	return g, interpret(err, fmt.Sprintf("团购%d", id))
}

// Participant is a commitment with the participant's number.
type Participant struct {
	matching.Commitment
	Phone     string
	Name      string
	Allocated *int64
}

// Participants returns a group-buy's commitments in join order.
func (tx *Tx) Participants(ctx context.Context, id int64) ([]Participant, error) {
	return participants(ctx, tx.tx, id)
}

// Participants returns a group-buy's commitments in join order.
func (s *Store) Participants(ctx context.Context, id int64) ([]Participant, error) {
	return participants(ctx, s.pool, id)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func participants(ctx context.Context, q querier, id int64) ([]Participant, error) {
	rows, err := q.Query(ctx, `SELECT c.member_id, c.qty, c.joined_at, m.phone, m.name, c.allocated
		FROM group_buy_commitments c JOIN members m ON m.id = c.member_id
		WHERE c.group_buy_id = $1 ORDER BY c.joined_at, c.member_id`, id)
	if err != nil {
		return nil, interpret(err, "参团")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Participant, error) {
		var p Participant
		err := r.Scan(&p.MemberID, &p.Qty, &p.JoinedAt, &p.Phone, &p.Name, &p.Allocated)
		return p, err
	})
}

// SetCommitment records member's commitment to a group-buy locked in tx:
// qty 0 withdraws it; a change keeps the original join time.
func (tx *Tx) SetCommitment(ctx context.Context, id, memberID, qty int64) error {
	if qty == 0 {
		_, err := tx.tx.Exec(ctx, `DELETE FROM group_buy_commitments WHERE group_buy_id = $1 AND member_id = $2`, id, memberID)
		return interpret(err, "参团")
	}
	_, err := tx.tx.Exec(ctx, `INSERT INTO group_buy_commitments (group_buy_id, member_id, qty, joined_at, updated_at)
		VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (group_buy_id, member_id) DO UPDATE SET qty = EXCLUDED.qty, updated_at = EXCLUDED.updated_at`,
		id, memberID, qty, tx.Now)
	return interpret(err, "参团")
}

// SetGroupBuyState moves a locked group-buy to state, with a reason when it
// failed or was cancelled.
func (tx *Tx) SetGroupBuyState(ctx context.Context, id int64, state matching.GroupBuyState, reason string) error {
	_, err := tx.tx.Exec(ctx, `UPDATE group_buys SET state = $2, reason = $3,
		closed_at = CASE WHEN $2 <> 'open' THEN coalesce(closed_at, $4) END WHERE id = $1`,
		id, string(state), reason, tx.Now)
	return interpret(err, "团购")
}

// ExtendGroupBuy moves an open group-buy's deadline.
func (tx *Tx) ExtendGroupBuy(ctx context.Context, id int64, deadline time.Time) error {
	tag, err := tx.tx.Exec(ctx, `UPDATE group_buys SET deadline = $2 WHERE id = $1 AND state = 'open'`, id, deadline)
	if err == nil && tag.RowsAffected() == 0 {
		return matching.Errorf(matching.CodeConflict, "团购%d已结束，不能延期", id)
	}
	return interpret(err, "团购")
}

// DueGroupBuys locks the open group-buys whose deadline has passed, skipping
// any another process is already deciding: each deadline fires once.
func (tx *Tx) DueGroupBuys(ctx context.Context, limit int) ([]int64, error) {
	rows, err := tx.tx.Query(ctx, `SELECT id FROM group_buys WHERE state = 'open' AND deadline <= $1
		ORDER BY deadline, id LIMIT $2 FOR UPDATE SKIP LOCKED`, tx.Now, limit)
	if err != nil {
		return nil, interpret(err, "团购")
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// MarkInvited records that member was invited to a group-buy; false when
// they had been already.
func (tx *Tx) MarkInvited(ctx context.Context, id, memberID int64) (bool, error) {
	tag, err := tx.tx.Exec(ctx, `INSERT INTO group_buy_invites (group_buy_id, member_id, invited_at)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, id, memberID, tx.Now)
	return err == nil && tag.RowsAffected() == 1, interpret(err, "团购邀请")
}

// GroupBuyLine is one stored allocation line.
type GroupBuyLine struct {
	MemberID    int64
	MemberPhone string
	MemberName  string
	ListingID   int64
	GrowerID    int64
	GrowerPhone string
	GrowerName  string
	Qty         int64
	UnitCost    decimal.Decimal
}

// SaveAllocation stores the confirmed lines and each participant's
// allocation.
func (tx *Tx) SaveAllocation(ctx context.Context, id int64, lines []GroupBuyLine, alloc map[int64]int64) error {
	for _, l := range lines {
		if _, err := tx.tx.Exec(ctx, `INSERT INTO group_buy_lines (group_buy_id, member_id, listing_id, grower_id, qty, unit_cost)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, l.MemberID, l.ListingID, l.GrowerID, l.Qty, l.UnitCost); err != nil {
			return interpret(err, "团购分配")
		}
	}
	for member, q := range alloc {
		if _, err := tx.tx.Exec(ctx, `UPDATE group_buy_commitments SET allocated = $3 WHERE group_buy_id = $1 AND member_id = $2`,
			id, member, q); err != nil {
			return interpret(err, "团购分配")
		}
	}
	return nil
}

// GroupBuyLines returns the confirmed allocation lines, by grower then member.
func (s *Store) GroupBuyLines(ctx context.Context, id int64) ([]GroupBuyLine, error) {
	rows, err := s.pool.Query(ctx, `SELECT l.member_id, m.phone, m.name, l.listing_id, l.grower_id, g.phone, g.name, l.qty, l.unit_cost
		FROM group_buy_lines l JOIN members m ON m.id = l.member_id JOIN members g ON g.id = l.grower_id
		WHERE l.group_buy_id = $1 ORDER BY l.grower_id, l.listing_id, l.id`, id)
	if err != nil {
		return nil, interpret(err, "团购分配")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (GroupBuyLine, error) {
		var l GroupBuyLine
		err := r.Scan(&l.MemberID, &l.MemberPhone, &l.MemberName, &l.ListingID, &l.GrowerID, &l.GrowerPhone, &l.GrowerName, &l.Qty, &l.UnitCost)
		return l, err
	})
}

// OpenListingsAll returns every open, unexpired listing of one side, for
// proposing group-buys across species.
func (tx *Tx) OpenListingsAll(ctx context.Context, side matching.Side, limit int) ([]matching.Listing, error) {
	rows, err := tx.tx.Query(ctx, `SELECT `+listingCols+listingFrom+`
		WHERE l.state = 'open' AND l.side = $1 AND l.expires_at > $2 ORDER BY l.id LIMIT $3`, string(side), tx.Now, limit)
	if err != nil {
		return nil, interpret(err, "信息")
	}
	return pgx.CollectRows(rows, scanListing)
}

// GroupBuyRole says how a member takes part in a group-buy.
type GroupBuyRole struct {
	Participant bool // received an allocation
	Grower      bool // supplies one of its lines
}

// GroupBuyParty reports member's part in an allocated group-buy.
func (tx *Tx) GroupBuyParty(ctx context.Context, id, memberID int64) (GroupBuyRole, error) {
	var r GroupBuyRole
	err := tx.tx.QueryRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM group_buy_commitments WHERE group_buy_id = $1 AND member_id = $2 AND allocated > 0),
		EXISTS (SELECT 1 FROM group_buy_lines WHERE group_buy_id = $1 AND grower_id = $2)`, id, memberID).
		Scan(&r.Participant, &r.Grower)
	return r, interpret(err, "团购")
}

// AssociationID is the member row that stands for the association: the
// buyer of record of every group-buy's purchase orders.
func (tx *Tx) AssociationID(ctx context.Context) (int64, error) {
	var id int64
	err := tx.tx.QueryRow(ctx, `SELECT id FROM members WHERE association`).Scan(&id)
	return id, interpret(err, "协会账户")
}

// TagGroupBuyOrder marks an order as one of a group-buy's purchases.
func (tx *Tx) TagGroupBuyOrder(ctx context.Context, orderID, groupBuyID int64) error {
	_, err := tx.tx.Exec(ctx, `UPDATE orders SET group_buy_id = $2 WHERE id = $1`, orderID, groupBuyID)
	return interpret(err, "订单")
}

// GroupBuyOrders returns a group-buy's purchase orders, oldest first.
func (tx *Tx) GroupBuyOrders(ctx context.Context, id int64) ([]OrderInfo, error) {
	return groupBuyOrders(ctx, tx.tx, id)
}

// GroupBuyOrders returns a group-buy's purchase orders, oldest first.
func (s *Store) GroupBuyOrders(ctx context.Context, id int64) ([]OrderInfo, error) {
	return groupBuyOrders(ctx, s.pool, id)
}

func groupBuyOrders(ctx context.Context, q querier, id int64) ([]OrderInfo, error) {
	rows, err := q.Query(ctx, `SELECT `+orderCols+orderFrom+` WHERE o.group_buy_id = $1 ORDER BY o.id`, id)
	if err != nil {
		return nil, interpret(err, "订单")
	}
	return pgx.CollectRows(rows, scanOrder)
}

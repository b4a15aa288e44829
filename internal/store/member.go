package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Member is someone who texts the exchange.
type Member struct {
	ID              int64
	Phone           string
	Name            string
	Town            string
	Village         string
	CarrierOverride string
	StoppedAt       *time.Time
	CreatedAt       time.Time
}

// EnsureMember returns the member with this phone, creating one the first
// time a number texts in.
func (tx *Tx) EnsureMember(ctx context.Context, phone string) (Member, error) {
	_, err := tx.tx.Exec(ctx, `INSERT INTO members (phone, created_at) VALUES ($1, $2)
		ON CONFLICT (phone) DO NOTHING`, phone, tx.Now)
	if err != nil {
		return Member{}, interpret(err, "会员")
	}
	return tx.memberByPhone(ctx, phone)
}

func (tx *Tx) memberByPhone(ctx context.Context, phone string) (Member, error) {
	rows, err := tx.tx.Query(ctx, `SELECT id, phone, name, town, village, coalesce(carrier_override, ''),
		stopped_at, created_at FROM members WHERE phone = $1`, phone)
	if err != nil {
		return Member{}, interpret(err, "会员")
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMember)
	return m, interpret(err, "会员")
}

func scanMember(r pgx.CollectableRow) (Member, error) {
	var m Member
	err := r.Scan(&m.ID, &m.Phone, &m.Name, &m.Town, &m.Village, &m.CarrierOverride, &m.StoppedAt, &m.CreatedAt)
	return m, err
}

// MemberByID returns one member.
func (s *Store) MemberByID(ctx context.Context, id int64) (Member, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, phone, name, town, village, coalesce(carrier_override, ''),
		stopped_at, created_at FROM members WHERE id = $1`, id)
	if err != nil {
		return Member{}, interpret(err, "会员")
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMember)
	return m, interpret(err, "会员")
}

// MemberByPhone returns the member with this number.
func (s *Store) MemberByPhone(ctx context.Context, phone string) (Member, error) {
	var m Member
	err := s.InTx(ctx, func(tx *Tx) (err error) {
		m, err = tx.memberByPhone(ctx, phone)
		return err
	})
	return m, err
}

// StopMember puts phone on the stoplist (退订): nothing unsolicited is sent
// to it until it texts again.
func (tx *Tx) StopMember(ctx context.Context, phone string) error {
	delete(tx.wb.notStopped, phone)
	_, err := tx.tx.Exec(ctx, `UPDATE members SET stopped_at = $2 WHERE phone = $1`, phone, tx.Now)
	return interpret(err, "会员")
}

// UnstopMember takes phone off the stoplist; any text from a stopped number
// does. It reports whether the number was stopped.
func (tx *Tx) UnstopMember(ctx context.Context, phone string) (bool, error) {
	if tx.wb.notStopped[phone] {
		return false, nil
	}
	tag, err := tx.tx.Exec(ctx, `UPDATE members SET stopped_at = NULL WHERE phone = $1 AND stopped_at IS NOT NULL`, phone)
	return tag.RowsAffected() > 0, interpret(err, "会员")
}

// knowStopped reads, in one statement, which of phones are on the
// stoplist and which carrier each is routed to, so that UnstopMember needs
// no statement for the others in this transaction, and MTs to them can go
// to a sender directly (see Lease).
func (tx *Tx) knowStopped(ctx context.Context, phones []string) error {
	rows, err := tx.tx.Query(ctx, `SELECT phone, stopped_at IS NOT NULL, coalesce(carrier_override, '')
		FROM members WHERE phone = ANY($1)`, phones)
	if err != nil {
		return interpret(err, "会员")
	}
	stopped := map[string]bool{}
	carriers := map[string]string{}
	var phone, carrier string
	var stop bool
	_, err = pgx.ForEachRow(rows, []any{&phone, &stop, &carrier}, func() error {
		stopped[phone], carriers[phone] = stop, carrier
		return nil
	})
	if err != nil {
		return interpret(err, "会员")
	}
	if tx.wb.notStopped == nil {
		tx.wb.notStopped, tx.wb.carriers = map[string]bool{}, map[string]string{}
	}
	for _, p := range phones {
		if !stopped[p] {
			tx.wb.notStopped[p] = true
		}
		tx.wb.carriers[p] = carriers[p]
	}
	return nil
}

// RegisterMember records the name, town and village a member texted (注册);
// empty fields keep what was there.
func (tx *Tx) RegisterMember(ctx context.Context, id int64, name, town, village string) (Member, error) {
	rows, err := tx.tx.Query(ctx, `UPDATE members SET
		name = CASE WHEN $2 = '' THEN name ELSE $2 END,
		town = CASE WHEN $3 = '' THEN town ELSE $3 END,
		village = CASE WHEN $4 = '' THEN village ELSE $4 END
		WHERE id = $1
		RETURNING id, phone, name, town, village, coalesce(carrier_override, ''), stopped_at, created_at`,
		id, name, town, village)
	if err != nil {
		return Member{}, interpret(err, "会员")
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMember)
	return m, interpret(err, "会员")
}

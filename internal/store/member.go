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

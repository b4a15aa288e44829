package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"huamu/matching"
)

// MemberRecord is a member as the back office shows it.
type MemberRecord struct {
	Member
	VerifiedAt *time.Time
	VerifiedBy string
	Notes      string
	Listings   int64 // open listings
}

// MemberFilter narrows ListMembers; zero fields do not filter.
type MemberFilter struct {
	Q        string // phone prefix or part of the name
	Town     string
	Verified string // "yes", "no"
	Stopped  string // "yes", "no"
	Limit    int
}

const memberRecordCols = `m.id, m.phone, m.name, m.town, m.village, coalesce(m.carrier_override, ''),
	m.stopped_at, m.created_at, m.verified_at, coalesce(u.name, ''), m.notes,
	(SELECT count(*) FROM listings l WHERE l.member_id = m.id AND l.state = 'open')`

const memberRecordFrom = ` FROM members m LEFT JOIN users u ON u.id = m.verified_by `

func scanMemberRecord(r pgx.CollectableRow) (MemberRecord, error) {
	var m MemberRecord
	err := r.Scan(&m.ID, &m.Phone, &m.Name, &m.Town, &m.Village, &m.CarrierOverride, &m.StoppedAt,
		&m.CreatedAt, &m.VerifiedAt, &m.VerifiedBy, &m.Notes, &m.Listings)
	return m, err
}

// ListMembers returns members, newest first.
func (s *Store) ListMembers(ctx context.Context, f MemberFilter) ([]MemberRecord, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	rows, err := s.pool.Query(ctx, `SELECT `+memberRecordCols+memberRecordFrom+`
		WHERE ($1 = '' OR m.phone LIKE $1 || '%' OR m.name LIKE '%' || $1 || '%')
		  AND ($2 = '' OR m.town = $2)
		  AND ($3 = '' OR ($3 = 'yes') = (m.verified_at IS NOT NULL))
		  AND ($4 = '' OR ($4 = 'yes') = (m.stopped_at IS NOT NULL))
		ORDER BY m.id DESC LIMIT $5`, f.Q, f.Town, f.Verified, f.Stopped, f.Limit)
	if err != nil {
		return nil, interpret(err, "会员")
	}
	return pgx.CollectRows(rows, scanMemberRecord)
}

// MemberRecordByID returns one member with what the back office keeps about them.
func (s *Store) MemberRecordByID(ctx context.Context, id int64) (MemberRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+memberRecordCols+memberRecordFrom+` WHERE m.id = $1`, id)
	if err != nil {
		return MemberRecord{}, interpret(err, "会员")
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMemberRecord)
	return m, interpret(err, fmt.Sprintf("会员#%d", id))
}

// MemberRecordByPhone returns the member with this number, as the back office shows them.
func (s *Store) MemberRecordByPhone(ctx context.Context, phone string) (MemberRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+memberRecordCols+memberRecordFrom+` WHERE m.phone = $1`, phone)
	if err != nil {
		return MemberRecord{}, interpret(err, "会员")
	}
	m, err := pgx.CollectExactlyOneRow(rows, scanMemberRecord)
	return m, interpret(err, "会员"+phone)
}

// MemberUpdate is what a clerk can change about a member.
type MemberUpdate struct {
	Name, Town, Village, Notes string
	Carrier                    string // "" for by number prefix
	Verified                   bool
	Stopped                    bool
}

// UpdateMember saves a clerk's changes and records them in the audit log.
func (s *Store) UpdateMember(ctx context.Context, userID, id int64, u MemberUpdate) error {
	var carrier *string
	if u.Carrier != "" {
		carrier = &u.Carrier
	}
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.tx.Exec(ctx, `UPDATE members SET name = $2, town = $3, village = $4, notes = $5,
			carrier_override = $6,
			verified_at = CASE WHEN $7 THEN coalesce(verified_at, $9) END,
			verified_by = CASE WHEN $7 THEN coalesce(verified_by, $10) END,
			stopped_at = CASE WHEN $8 THEN coalesce(stopped_at, $9) END
			WHERE id = $1`, id, u.Name, u.Town, u.Village, u.Notes, carrier, u.Verified, u.Stopped, tx.Now, userID)
		if err != nil {
			return interpret(err, "会员")
		}
		if tag.RowsAffected() == 0 {
			return matching.Errorf(matching.CodeNotFound, "找不到会员#%d", id)
		}
		return tx.Audit(ctx, userID, "member.update", fmt.Sprintf("member:%d", id),
			fmt.Sprintf("姓名=%s 镇=%s 村=%s 运营商=%s 已核实=%t 退订=%t", u.Name, u.Town, u.Village, u.Carrier, u.Verified, u.Stopped))
	})
}

// AddMember registers a number a clerk enters (a grower who phoned in).
func (s *Store) AddMember(ctx context.Context, userID int64, phone, name, town, village string) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		m, err := tx.EnsureMember(ctx, phone)
		if err != nil {
			return err
		}
		id = m.ID
		if _, err := tx.tx.Exec(ctx, `UPDATE members SET name = CASE WHEN $2 = '' THEN name ELSE $2 END,
			town = CASE WHEN $3 = '' THEN town ELSE $3 END, village = CASE WHEN $4 = '' THEN village ELSE $4 END
			WHERE id = $1`, id, name, town, village); err != nil {
			return interpret(err, "会员")
		}
		return tx.Audit(ctx, userID, "member.add", fmt.Sprintf("member:%d", id), phone)
	})
	return id, err
}

// ThreadLine is one text of a member's conversation with the exchange.
type ThreadLine struct {
	At    time.Time
	In    bool // from the member
	ID    int64
	Body  string
	State string
	Note  string // reason or error
}

// Thread returns the latest texts to and from a number, newest first.
func (s *Store) Thread(ctx context.Context, phone string, limit int) ([]ThreadLine, error) {
	rows, err := s.pool.Query(ctx, `
		(SELECT received_at, true, id, body, state, reason FROM inbound WHERE sender = $1 ORDER BY id DESC LIMIT $2)
		UNION ALL
		(SELECT created_at, false, id, body, state, last_error FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT $2)
		ORDER BY 1 DESC, 3 DESC LIMIT $2`, phone, limit)
	if err != nil {
		return nil, interpret(err, "短信")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ThreadLine, error) {
		var t ThreadLine
		err := r.Scan(&t.At, &t.In, &t.ID, &t.Body, &t.State, &t.Note)
		return t, err
	})
}

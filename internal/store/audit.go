package store

import (
	"context"
	"time"
)

// Audit records, inside tx, who did what to what; it commits with the
// change. userID 0 is the system itself (or a program: an API client).
func (tx *Tx) Audit(ctx context.Context, userID int64, action, object, detail string) error {
	var uid *int64
	if userID != 0 {
		uid = &userID
	}
	_, err := tx.tx.Exec(ctx, `INSERT INTO audit_log (at, user_id, action, object, detail) VALUES ($1, $2, $3, $4, $5)`,
		tx.Now, uid, action, object, detail)
	return interpret(err, "操作记录")
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID     int64
	At     time.Time
	User   string
	Action string
	Object string
	Detail string
}

// AuditFilter narrows ListAudit; zero fields do not filter.
type AuditFilter struct {
	User   string // login
	Action string // prefix, e.g. "listing"
	Object string // exact, e.g. "listing:12"
	From   time.Time
	To     time.Time
	Limit  int
}

// ListAudit returns audit entries, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		to = &f.To
	}
	rows, err := s.pool.Query(ctx, `SELECT a.id, a.at, coalesce(u.login, ''), a.action, a.object, a.detail
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
		WHERE ($1 = '' OR u.login = $1) AND ($2 = '' OR a.action LIKE $2 || '%')
		  AND ($3 = '' OR a.object = $3)
		  AND ($4::timestamptz IS NULL OR a.at >= $4) AND ($5::timestamptz IS NULL OR a.at < $5)
		ORDER BY a.id DESC LIMIT $6`, f.User, f.Action, f.Object, from, to, f.Limit)
	if err != nil {
		return nil, interpret(err, "操作记录")
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.User, &e.Action, &e.Object, &e.Detail); err != nil {
			return nil, interpret(err, "操作记录")
		}
		out = append(out, e)
	}
	return out, interpret(rows.Err(), "操作记录")
}

// ListUsers returns every back-office account.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, login, name, role FROM users ORDER BY login`)
	if err != nil {
		return nil, interpret(err, "账号")
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Login, &u.Name, &u.Role); err != nil {
			return nil, interpret(err, "账号")
		}
		out = append(out, u)
	}
	return out, interpret(rows.Err(), "账号")
}

// EndSessions logs a user out everywhere (after a role or password change).
func (s *Store) EndSessions(ctx context.Context, userID int64) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return interpret(err, "登录")
}

// DeleteExpiredSessions deletes up to limit sessions that expired before
// now and returns how many: a session past its expiry no longer logs anyone
// in, and without this its row would stay for ever.
func (s *Store) DeleteExpiredSessions(ctx context.Context, limit int) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash IN (
		SELECT token_hash FROM sessions WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)`, s.now(), limit)
	return tag.RowsAffected(), interpret(err, "登录")
}

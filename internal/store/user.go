package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/crypto/bcrypt"

	"huamu/matching"
)

// Roles a back-office account can hold.
const (
	RoleAdmin    = "admin"
	RoleClerk    = "clerk"
	RoleReadonly = "readonly"
)

// User is a back-office account.
type User struct {
	ID    int64
	Login string
	Name  string
	Role  string
}

// Session is a logged-in browser.
type Session struct {
	User      User
	CSRFToken string
	ExpiresAt time.Time
}

// SessionTTL is how long a login lasts without logging in again.
const SessionTTL = 12 * time.Hour

// UpsertUser creates the account, or resets its password, name and role.
func (s *Store) UpsertUser(ctx context.Context, login, name, role, password string) (User, error) {
	hash, err := passwordHash(role, password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.InTx(ctx, func(tx *Tx) error {
		u, err = tx.upsertUser(ctx, login, name, role, hash)
		return err
	})
	return u, err
}

// SaveUser is an admin's save of an account in the back office: the
// account, the end of its sessions (its password is new; the admin's own
// session stays) and the audit row commit together.
func (s *Store) SaveUser(ctx context.Context, adminID int64, login, name, role, password string) (User, error) {
	hash, err := passwordHash(role, password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.InTx(ctx, func(tx *Tx) error {
		if u, err = tx.upsertUser(ctx, login, name, role, hash); err != nil {
			return err
		}
		if u.ID != adminID {
			if _, err := tx.tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
				return interpret(err, "登录")
			}
		}
		return tx.Audit(ctx, adminID, "user.save", "user:"+login, role)
	})
	return u, err
}

// passwordHash checks role and password and hashes the password (before
// any transaction: bcrypt takes a while on purpose).
func passwordHash(role, password string) (string, error) {
	switch role {
	case RoleAdmin, RoleClerk, RoleReadonly:
	default:
		return "", matching.Errorf(matching.CodeInvalid, "角色必须是 admin、clerk 或 readonly")
	}
	if len(password) < 8 {
		return "", matching.Errorf(matching.CodeInvalid, "密码至少8位")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(hash), nil
}

func (tx *Tx) upsertUser(ctx context.Context, login, name, role, hash string) (User, error) {
	u := User{Login: login, Name: name, Role: role}
	err := tx.tx.QueryRow(ctx, `INSERT INTO users (login, name, role, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (login) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role,
			password_hash = EXCLUDED.password_hash
		RETURNING id`, login, name, role, hash, tx.Now).Scan(&u.ID)
	return u, interpret(err, "账号")
}

// Authenticate checks a login and password and opens a session. It returns
// the cookie token (only its hash is stored) and the session.
func (s *Store) Authenticate(ctx context.Context, login, password string) (string, Session, error) {
	var (
		u    User
		hash string
	)
	err := s.pool.QueryRow(ctx, `SELECT id, login, name, role, password_hash FROM users WHERE login = $1`, login).
		Scan(&u.ID, &u.Login, &u.Name, &u.Role, &hash)
	if err == pgx.ErrNoRows {
		// Compare anyway so a wrong login takes as long as a wrong password.
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return "", Session{}, matching.Errorf(matching.CodeForbidden, "账号或密码不对")
	}
	if err != nil {
		return "", Session{}, interpret(err, "账号")
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return "", Session{}, matching.Errorf(matching.CodeForbidden, "账号或密码不对")
	}
	token, csrf := randToken(), randToken()
	sess := Session{User: u, CSRFToken: csrf, ExpiresAt: s.now().Add(SessionTTL)}
	_, err = s.pool.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, tokenHash(token), u.ID, csrf, s.now(), sess.ExpiresAt)
	if err != nil {
		return "", Session{}, interpret(err, "登录")
	}
	return token, sess, nil
}

// SessionByToken returns the live session for a cookie token.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	var sess Session
	err := s.pool.QueryRow(ctx, `SELECT u.id, u.login, u.name, u.role, s.csrf_token, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, tokenHash(token), s.now()).
		Scan(&sess.User.ID, &sess.User.Login, &sess.User.Name, &sess.User.Role, &sess.CSRFToken, &sess.ExpiresAt)
	return sess, interpret(err, "登录")
}

// Logout ends the session of a cookie token.
func (s *Store) Logout(ctx context.Context, token string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash(token))
	return interpret(err, "登录")
}

// Audit records who did what to what; userID 0 is the system itself.
// It commits on its own: a change that must not commit without its record
// audits with Tx.Audit, in the change's transaction.
func (s *Store) Audit(ctx context.Context, userID int64, action, object, detail string) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.Audit(ctx, userID, action, object, detail) })
}

var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.DefaultCost)
	return h
})

func randToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CanLogIn reports whether login logs in with password, without opening a
// session. A database without the users table yet has no one who can.
func (s *Store) CanLogIn(ctx context.Context, login, password string) (bool, error) {
	var hash string
	err := s.pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE login = $1`, login).Scan(&hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table: not migrated yet
		return false, nil
	}
	if err != nil {
		return false, interpret(err, "账号")
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil, nil
}

// RemoveUser ends login's sessions and deletes the account; an account
// with a history (the audit log, the ledger, corrections name it) is kept
// for that history but can no longer log in: its password is gone. It
// reports whether the row was deleted.
func (s *Store) RemoveUser(ctx context.Context, login string) (deleted bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		var id int64
		if err := tx.tx.QueryRow(ctx, `SELECT id FROM users WHERE login = $1 FOR UPDATE`, login).Scan(&id); err != nil {
			return interpret(err, "账号"+login)
		}
		if _, err := tx.tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return interpret(err, "登录")
		}
		err := tx.Savepoint(ctx, func(sp *Tx) error {
			_, err := sp.tx.Exec(ctx, `DELETE FROM users WHERE id = $1`, id)
			return err
		})
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23503" { // foreign_key_violation: it has a history
			_, err = tx.tx.Exec(ctx, `UPDATE users SET password_hash = '' WHERE id = $1`, id)
			return interpret(err, "账号")
		}
		deleted = err == nil
		return interpret(err, "账号")
	})
	return deleted, err
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"huamu/matching"
)

// APIClient is a program allowed to use /api/v1 with its own token.
type APIClient struct {
	ID         int64
	Name       string
	CanWrite   bool
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// CreateAPIClient registers a client and returns its token, shown once:
// only its hash is stored.
func (s *Store) CreateAPIClient(ctx context.Context, userID int64, name string, canWrite bool) (string, APIClient, error) {
	token := "hm_" + randToken()
	c := APIClient{Name: name, CanWrite: canWrite, CreatedAt: s.now()}
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.tx.QueryRow(ctx, `INSERT INTO api_clients (name, token_hash, can_write, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, name, tokenHash(token), canWrite, userID, tx.Now).Scan(&c.ID); err != nil {
			return interpret(err, "接口客户")
		}
		return tx.Audit(ctx, userID, "api_client.create", fmt.Sprintf("api_client:%d", c.ID), fmt.Sprintf("%s 可写=%t", name, canWrite))
	})
	return token, c, err
}

// APIClientByToken returns the live client holding token and notes its use.
func (s *Store) APIClientByToken(ctx context.Context, token string) (APIClient, error) {
	var c APIClient
	err := s.pool.QueryRow(ctx, `UPDATE api_clients SET last_used_at = $2
		WHERE token_hash = $1 AND revoked_at IS NULL
		RETURNING id, name, can_write, created_at, revoked_at, last_used_at`, tokenHash(token), s.now()).
		Scan(&c.ID, &c.Name, &c.CanWrite, &c.CreatedAt, &c.RevokedAt, &c.LastUsedAt)
	if err == pgx.ErrNoRows {
		return c, matching.Errorf(matching.CodeForbidden, "接口令牌无效或已停用")
	}
	return c, interpret(err, "接口客户")
}

// ListAPIClients returns every client.
func (s *Store) ListAPIClients(ctx context.Context) ([]APIClient, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, can_write, created_at, revoked_at, last_used_at FROM api_clients ORDER BY id`)
	if err != nil {
		return nil, interpret(err, "接口客户")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (APIClient, error) {
		var c APIClient
		err := r.Scan(&c.ID, &c.Name, &c.CanWrite, &c.CreatedAt, &c.RevokedAt, &c.LastUsedAt)
		return c, err
	})
}

// RevokeAPIClient stops a client's token from working.
func (s *Store) RevokeAPIClient(ctx context.Context, userID, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.tx.Exec(ctx, `UPDATE api_clients SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, tx.Now)
		if err != nil {
			return interpret(err, "接口客户")
		}
		if tag.RowsAffected() == 0 {
			return matching.Errorf(matching.CodeNotFound, "找不到接口客户#%d或已停用", id)
		}
		return tx.Audit(ctx, userID, "api_client.revoke", fmt.Sprintf("api_client:%d", id), "")
	})
}

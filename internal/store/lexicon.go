package store

import (
	"context"
	"encoding/json"
	"time"
)

// LexiconVersion is one saved state of the grammar's lexicon. Versions are
// never changed; an edit adds a new one.
type LexiconVersion struct {
	ID        int64
	Data      json.RawMessage
	Note      string
	CreatedBy string // the clerk's name, "" for the shipped version
	CreatedAt time.Time
}

// lexiconLockKey serialises lexicon edits so that two clerks' changes never
// overwrite each other: each edit reads the newest version under the lock.
const lexiconLockKey = 7_243_601_005

// LatestLexiconID is the newest version's id, a cheap check for a reload.
func (s *Store) LatestLexiconID(ctx context.Context) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM lexicon_versions`).Scan(&id)
	return id, interpret(err, "词库")
}

// LatestLexicon returns the newest version.
func (s *Store) LatestLexicon(ctx context.Context) (LexiconVersion, error) {
	var v LexiconVersion
	err := s.pool.QueryRow(ctx, `SELECT l.id, l.data, l.note, coalesce(u.name, ''), l.created_at
		FROM lexicon_versions l LEFT JOIN users u ON u.id = l.created_by
		ORDER BY l.id DESC LIMIT 1`).Scan(&v.ID, &v.Data, &v.Note, &v.CreatedBy, &v.CreatedAt)
	return v, interpret(err, "词库")
}

// LexiconHistory lists the newest versions without their data.
func (s *Store) LexiconHistory(ctx context.Context, limit int) ([]LexiconVersion, error) {
	rows, err := s.pool.Query(ctx, `SELECT l.id, l.note, coalesce(u.name, ''), l.created_at
		FROM lexicon_versions l LEFT JOIN users u ON u.id = l.created_by
		ORDER BY l.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, interpret(err, "词库")
	}
	defer rows.Close()
	var out []LexiconVersion
	for rows.Next() {
		var v LexiconVersion
		if err := rows.Scan(&v.ID, &v.Note, &v.CreatedBy, &v.CreatedAt); err != nil {
			return nil, interpret(err, "词库")
		}
		out = append(out, v)
	}
	return out, interpret(rows.Err(), "词库")
}

// LatestLexiconForEdit locks the lexicon for an edit until tx ends
// (concurrent edits take turns, so none is lost) and returns its newest
// data.
func (tx *Tx) LatestLexiconForEdit(ctx context.Context) (json.RawMessage, error) {
	if _, err := tx.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lexiconLockKey); err != nil {
		return nil, interpret(err, "词库")
	}
	var cur json.RawMessage
	err := tx.tx.QueryRow(ctx, `SELECT data FROM lexicon_versions ORDER BY id DESC LIMIT 1`).Scan(&cur)
	return cur, interpret(err, "词库")
}

// AddLexiconVersion writes a new version of the lexicon and returns its id.
func (tx *Tx) AddLexiconVersion(ctx context.Context, userID int64, note string, data json.RawMessage) (int64, error) {
	var id int64
	err := tx.tx.QueryRow(ctx, `INSERT INTO lexicon_versions (data, note, created_by, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, data, note, userID, tx.Now).Scan(&id)
	return id, interpret(err, "词库")
}

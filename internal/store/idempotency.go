package store

import (
	"bytes"
	"context"
	"errors"
	"time"

	"huamu/matching"
)

// IdempotencyTTL is how long a used key is remembered: a repeat within it
// is answered with the first answer; after it the key is free again.
const IdempotencyTTL = 24 * time.Hour

// MaxKeyLen is the longest key kept, in bytes.
const MaxKeyLen = 255

// OnceKey names one request that must take effect once: whose it is (a
// clerk's or an API client's; keys of different owners never meet), the
// key it came with, and a hash of what it asked, so that a key sent again
// with a different request is told apart from a repeat.
type OnceKey struct {
	UserID      int64  // the clerk whose form it is, or
	APIClientID int64  // the program that sent it
	Key         string // a form's one-time token, or the Idempotency-Key header
	Hash        []byte // e.g. SHA-256 of the route and the request's content
}

// Answer is what the first request under a key was answered, kept to
// answer its repeats.
type Answer struct {
	Status   int    // HTTP status
	Location string // a form's: where the first submit led
	Message  string // a form's: what the clerk was told
	Body     []byte // an API request's: the body of the answer
}

// ErrKeyReused is the cause of the error for a key sent again with a
// request other than the one it was first used for.
var ErrKeyReused = errors.New("idempotency key reused for a different request")

func (k OnceKey) check() error {
	if (k.UserID == 0) == (k.APIClientID == 0) || len(k.Hash) == 0 {
		return errors.New("idempotency key: exactly one owner and a request hash are required")
	}
	if k.Key == "" || len(k.Key) > MaxKeyLen {
		return matching.Errorf(matching.CodeInvalid, "请求编号要有1到%d个字符", MaxKeyLen)
	}
	return nil
}

// owner is the column and id a key belongs to.
func (k OnceKey) owner() (string, int64) {
	if k.UserID != 0 {
		return "user_id", k.UserID
	}
	return "api_client_id", k.APIClientID
}

func reusedError() error {
	return &matching.Error{Code: matching.CodeConflict, Msg: "这个请求编号已用于内容不同的另一个请求", Err: ErrKeyReused}
}

// Answered returns the answer kept under k when it is live. A key kept for
// a different request is CodeConflict wrapping ErrKeyReused.
func (s *Store) Answered(ctx context.Context, k OnceKey) (Answer, bool, error) {
	if err := k.check(); err != nil {
		return Answer{}, false, err
	}
	return answered(ctx, s.pool, k, s.now())
}

func answered(ctx context.Context, q querier, k OnceKey, now time.Time) (Answer, bool, error) {
	col, id := k.owner()
	rows, err := q.Query(ctx, `SELECT request_hash, status, location, message, body FROM idempotency_keys
		WHERE `+col+` = $1 AND key = $2 AND expires_at > $3`, id, k.Key, now)
	if err != nil {
		return Answer{}, false, interpret(err, "请求编号")
	}
	defer rows.Close()
	if !rows.Next() {
		return Answer{}, false, interpret(rows.Err(), "请求编号")
	}
	var a Answer
	var hash []byte
	if err := rows.Scan(&hash, &a.Status, &a.Location, &a.Message, &a.Body); err != nil {
		return Answer{}, false, interpret(err, "请求编号")
	}
	rows.Close()
	if !bytes.Equal(hash, k.Hash) {
		return Answer{}, false, reusedError()
	}
	return a, true, interpret(rows.Err(), "请求编号")
}

// Once runs fn in one transaction under k, the first time k is sent: the
// key and fn's answer are written in fn's transaction, so they commit with
// its effect or not at all, and a crash between the two cannot leave one
// without the other. A repeat of the request (the same key and hash, while
// the key lives) runs nothing and gets the first answer, replayed true; a
// repeat that arrives while the first is still running waits for it. The
// same key with a different hash is CodeConflict wrapping ErrKeyReused.
// When fn fails, nothing is kept and the key may be sent again.
func (s *Store) Once(ctx context.Context, k OnceKey, fn func(*Tx) (Answer, error)) (a Answer, replayed bool, err error) {
	if err := k.check(); err != nil {
		return Answer{}, false, err
	}
	col, id := k.owner()
	err = s.InTx(ctx, func(tx *Tx) error {
		a, replayed = Answer{}, false
		var user, client *int64
		if k.UserID != 0 {
			user = &k.UserID
		} else {
			client = &k.APIClientID
		}
		// The first of two concurrent repeats inserts the key; the second
		// waits on the unique index until the first ends, then finds the
		// key taken (or, if the first failed, takes it). An expired key is
		// taken over.
		rows, err := tx.tx.Query(ctx, `INSERT INTO idempotency_keys AS k
				(user_id, api_client_id, key, request_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (`+col+`, key) WHERE `+col+` IS NOT NULL DO UPDATE
				SET request_hash = EXCLUDED.request_hash, status = 0, location = '', message = '', body = NULL,
					created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
				WHERE k.expires_at <= EXCLUDED.created_at
			RETURNING k.id`, user, client, k.Key, k.Hash, tx.Now, tx.Now.Add(IdempotencyTTL))
		if err != nil {
			return interpret(err, "请求编号")
		}
		claimed := rows.Next()
		rows.Close()
		if err := rows.Err(); err != nil {
			return interpret(err, "请求编号")
		}
		if !claimed {
			var ok bool
			if a, ok, err = answered(ctx, tx.tx, k, tx.Now); err != nil {
				return err
			}
			if !ok { // it expired and was swept between the two statements
				return matching.Errorf(matching.CodeConflict, "请求正在处理，请稍后再试")
			}
			replayed = true
			return nil
		}
		if a, err = fn(tx); err != nil {
			return err
		}
		if a.Status == 0 {
			a.Status = 200
		}
		if _, err := tx.tx.Exec(ctx, `UPDATE idempotency_keys SET status = $3, location = $4, message = $5, body = $6
			WHERE `+col+` = $1 AND key = $2`, id, k.Key, a.Status, a.Location, a.Message, a.Body); err != nil {
			return interpret(err, "请求编号")
		}
		// Keys are cleaned up as new ones are used: a few expired ones go
		// with each, skipping any another transaction holds.
		_, err = tx.tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE id IN (
			SELECT id FROM idempotency_keys WHERE expires_at <= $1 ORDER BY expires_at LIMIT 100
			FOR UPDATE SKIP LOCKED)`, tx.Now)
		return interpret(err, "请求编号")
	})
	if err != nil {
		return Answer{}, false, err
	}
	return a, replayed, nil
}

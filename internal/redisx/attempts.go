package redisx

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Failures counts failed attempts (a wrong password) per scope and id within
// a window, shared by every process, so a guesser cannot spread attempts
// over several back-office instances.
type Failures struct {
	c      *Client
	scope  string
	window time.Duration
}

// Failures returns the counter for scope ("login", "login_ip") with window.
func (c *Client) Failures(scope string, window time.Duration) *Failures {
	return &Failures{c: c, scope: scope, window: window}
}

// Count is the failures recorded for id in the current window.
func (f *Failures) Count(ctx context.Context, id string) (int64, error) {
	n, err := f.c.rdb.Get(ctx, f.c.key("fail", f.scope, id)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

// Add records a failure for id and returns the count; the window starts
// with the first failure.
func (f *Failures) Add(ctx context.Context, id string) (int64, error) {
	k := f.c.key("fail", f.scope, id)
	pipe := f.c.rdb.TxPipeline()
	incr := pipe.Incr(ctx, k)
	pipe.ExpireNX(ctx, k, f.window)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, err
	}
	return incr.Val(), nil
}

// Reset forgets id's failures (after a successful login).
func (f *Failures) Reset(ctx context.Context, id string) error {
	return f.c.rdb.Del(ctx, f.c.key("fail", f.scope, id)).Err()
}

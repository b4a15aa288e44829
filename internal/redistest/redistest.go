// Package redistest gives each test its own key space on the real Redis
// named by REDIS_URL (as `make test` sets it): a unique prefix, and every
// key under it deleted when the test ends.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// DefaultURL is used when REDIS_URL is unset: the machine's own server.
const DefaultURL = "redis://127.0.0.1:6379/0"

// URL is the Redis server tests use.
func URL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// Prefix returns a key prefix owned by t, checking first that Redis answers.
func Prefix(t testing.TB) string {
	t.Helper()
	opts, err := redis.ParseURL(URL())
	if err != nil {
		t.Fatalf("redistest: REDIS_URL: %v", err)
	}
	c := redis.NewClient(opts)
	if err := c.Ping(context.Background()).Err(); err != nil {
		c.Close()
		t.Fatalf("redistest: Redis at %s: %v\n(run the tests through `make test`, which starts Redis when none answers)", opts.Addr, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "t" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		defer c.Close()
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return prefix
}

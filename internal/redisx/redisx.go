// Package redisx is what several huamu processes share through Redis:
// wake-ups between workers, per-bind submit rates, per-sender flood limits
// and short-lived conversation context. PostgreSQL stays the system of
// record; losing Redis loses only speed and limits, never a text.
package redisx

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// Client is a Redis connection with a key prefix, so that tests (and
// several deployments) can share one server without seeing each other.
type Client struct {
	rdb    *redis.Client
	prefix string
	log    *slog.Logger
}

// Open connects to the Redis at url and checks that it answers.
func Open(ctx context.Context, url, prefix string, log *slog.Logger) (*Client, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	rdb := redis.NewClient(opts)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("connect to Redis at %s: %w", opts.Addr, err)
	}
	return &Client{rdb: rdb, prefix: prefix, log: log}, nil
}

// Close closes the connection pool.
func (c *Client) Close() error { return c.rdb.Close() }

// Redis exposes the underlying client for health checks.
func (c *Client) Redis() *redis.Client { return c.rdb }

func (c *Client) key(parts ...string) string {
	k := c.prefix + "huamu"
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

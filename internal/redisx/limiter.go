package redisx

import (
	"context"
	"log/slog"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
)

// tokenBucket takes up to n tokens from the bucket at KEYS[1], refilled at
// ARGV[1] tokens a second up to ARGV[2], on Redis's own clock so that every
// process sharing the bucket agrees on time. It returns {granted, wait}:
// the whole tokens granted now (at most n) and, when none is, the
// microseconds until one will be.
var tokenBucket = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then
  tokens = cap
  ts = now
end
if now > ts then
  tokens = math.min(cap, tokens + (now - ts) * rate / 1000000)
end
local g = math.min(n, math.floor(tokens))
local wait = 0
if g < 1 then
  g = 0
  wait = math.ceil((1 - tokens) * 1000000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - g), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate * 1000) + 1000)
return {g, wait}
`)

// Limiter spaces the submits on each SMPP bind to the bind's TPS, counted in
// message parts, across every process that shares the bind: one token bucket
// per bind name in Redis, taken from by one Lua script per batch of parts.
// It implements smsgw.Limiter.
type Limiter struct {
	c *Client
	// Burst is the bucket's capacity as a fraction of one second's parts;
	// default 0.2 (a carrier counting per second sees at most TPS·1.2).
	Burst float64
}

// Limiter returns the per-bind submit rate limiter.
func (c *Client) Limiter() *Limiter { return &Limiter{c: c} }

// Take grants up to n parts on bind without exceeding tps parts a second
// (see smsgw.Limiter). When Redis does not answer it grants the n parts
// and asks the caller to wait as long as they take at tps: each process
// then spaces its own parts rather than stop sending.
func (l *Limiter) Take(ctx context.Context, bind string, tps, n int) (int, time.Duration, error) {
	if tps <= 0 || n <= 0 {
		return n, 0, ctx.Err()
	}
	burst := l.Burst
	if burst <= 0 {
		burst = 0.2
	}
	capacity := math.Max(1, math.Floor(float64(tps)*burst))
	res, err := tokenBucket.Run(ctx, l.c.rdb, []string{l.c.key("tps", bind)}, tps, capacity, n).Int64Slice()
	if err != nil || len(res) != 2 {
		if ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		l.c.log.Warn("submit rate limit unavailable, spacing locally", slog.String("bind", bind), slog.Any("err", err))
		return n, time.Duration(n) * time.Second / time.Duration(tps), nil
	}
	return int(res[0]), time.Duration(res[1]) * time.Microsecond, nil
}

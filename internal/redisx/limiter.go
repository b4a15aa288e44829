package redisx

import (
	"context"
	"log/slog"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
)

// tokenBucket takes n tokens from the bucket at KEYS[1], refilled at
// ARGV[1] tokens a second up to ARGV[2], on Redis's own clock so that every
// process sharing the bucket agrees on time. A request for more tokens than
// the bucket holds is granted once the bucket holds its capacity, and leaves
// the bucket in debt: the average rate still holds, counted in parts. It
// returns 0 when granted, else the microseconds to wait before asking again.
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
local need = math.min(n, cap)
local ttl = math.ceil((cap + n) / rate * 1000) + 1000
if tokens >= need then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - n), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[1], ttl)
  return 0
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], ttl)
return math.ceil((need - tokens) * 1000000 / rate)
`)

// Limiter spaces the submits on each SMPP bind to the bind's TPS, counted in
// message parts, across every process that shares the bind: one token bucket
// per bind name in Redis, updated by one Lua script. It implements
// smsgw.Limiter.
type Limiter struct {
	c *Client
	// Burst is the bucket's capacity as a fraction of one second's parts;
	// default 0.2 (a carrier counting per second sees at most TPS·1.2).
	Burst float64
}

// Limiter returns the per-bind submit rate limiter.
func (c *Client) Limiter() *Limiter { return &Limiter{c: c} }

// Wait blocks until parts may be submitted on bind without exceeding tps
// parts a second, or ctx ends. When Redis does not answer it spaces the
// parts in this process alone rather than stop sending.
func (l *Limiter) Wait(ctx context.Context, bind string, tps, parts int) error {
	if tps <= 0 || parts <= 0 {
		return ctx.Err()
	}
	burst := l.Burst
	if burst <= 0 {
		burst = 0.2
	}
	capacity := math.Max(1, math.Floor(float64(tps)*burst))
	key := l.c.key("tps", bind)
	for {
		wait, err := tokenBucket.Run(ctx, l.c.rdb, []string{key}, tps, capacity, parts).Int64()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			l.c.log.Warn("submit rate limit unavailable, spacing locally", slog.String("bind", bind), slog.Any("err", err))
			wait = int64(parts) * int64(time.Second/time.Microsecond) / int64(tps)
			return sleep(ctx, time.Duration(wait)*time.Microsecond)
		}
		if wait <= 0 {
			return nil
		}
		if err := sleep(ctx, time.Duration(wait)*time.Microsecond); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

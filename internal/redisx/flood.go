package redisx

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// floodCount adds ARGV[4] texts to the sender's count at KEYS[1] (a sliding
// window of ARGV[1] ms, estimated from the current and previous fixed
// windows, on Redis's clock) and reports 1 when the sender is flooding: over
// ARGV[2] texts in the window now, or flagged so within the last ARGV[3] ms
// (KEYS[2]), so that a flood is not forgiven the moment it slows down.
var floodCount = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local w = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local cooldown = tonumber(ARGV[3])
local n = tonumber(ARGV[4])
local cur = math.floor(now / w)
local h = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local wi = tonumber(h[1])
local c = tonumber(h[2]) or 0
local p = tonumber(h[3]) or 0
if wi == nil or wi < cur - 1 then
  p = 0
  c = 0
elseif wi == cur - 1 then
  p = c
  c = 0
end
c = c + n
redis.call('HSET', KEYS[1], 'w', tostring(cur), 'c', tostring(c), 'p', tostring(p))
redis.call('PEXPIRE', KEYS[1], 2 * w)
local est = p * (1 - (now % w) / w) + c
if n > 0 and est > limit then
  redis.call('SET', KEYS[2], '1', 'PX', cooldown)
  return 1
end
return redis.call('EXISTS', KEYS[2])
`)

// Flood limits how many texts one number may send: a number sending more
// than Limit texts in Window is flagged for Cooldown, shared by every
// process through Redis. Its texts are still stored; the intake holds them
// for a clerk instead of answering them.
type Flood struct {
	c        *Client
	Limit    int           // texts per Window; default 20
	Window   time.Duration // default one minute
	Cooldown time.Duration // how long a flood stays flagged after its last excess text; default 10 min
}

// Flood returns the per-sender MO flood limit with its defaults.
func (c *Client) Flood() *Flood {
	return &Flood{c: c, Limit: 20, Window: time.Minute, Cooldown: 10 * time.Minute}
}

// Hit counts n texts from sender (0 only asks) and reports whether the
// sender is flooding. When Redis does not answer it reports false with the
// error: a lost limit must never cost a text.
func (f *Flood) Hit(ctx context.Context, sender string, n int) (bool, error) {
	flag, err := floodCount.Run(ctx, f.c.rdb, []string{f.c.key("flood", sender), f.c.key("flooding", sender)},
		f.Window.Milliseconds(), f.Limit, f.Cooldown.Milliseconds(), n).Int64()
	if err != nil {
		f.c.log.Warn("flood limit unavailable", slog.Any("err", err))
		return false, err
	}
	return flag == 1, nil
}

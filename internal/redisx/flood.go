package redisx

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// floodCount counts texts for many senders at once. For sender i (KEYS[2i-1]
// its count, KEYS[2i] its flag) it adds ARGV[3+i] texts to a sliding window
// of ARGV[1] ms (estimated from the current and previous fixed windows, on
// Redis's clock) and reports 1 when the sender is flooding: over ARGV[2]
// texts in the window now, or flagged so within the last ARGV[3] ms, so that
// a flood is not forgiven the moment it slows down. One call, one round
// trip, for a whole batch of texts.
var floodCount = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local w = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local cooldown = tonumber(ARGV[3])
local cur = math.floor(now / w)
local out = {}
for i = 1, #KEYS / 2 do
  local ck, fk = KEYS[2 * i - 1], KEYS[2 * i]
  local n = tonumber(ARGV[3 + i])
  local h = redis.call('HMGET', ck, 'w', 'c', 'p')
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
  redis.call('HSET', ck, 'w', tostring(cur), 'c', tostring(c), 'p', tostring(p))
  redis.call('PEXPIRE', ck, 2 * w)
  local est = p * (1 - (now % w) / w) + c
  if n > 0 and est > limit then
    redis.call('SET', fk, '1', 'PX', cooldown)
    out[i] = 1
  else
    out[i] = redis.call('EXISTS', fk)
  end
end
return out
`)

// Flood limits how many texts one number may send: a number sending more
// than Limit texts in Window is flagged for Cooldown, shared by every
// process through Redis. Its texts are still stored; the intake holds them
// for a clerk instead of answering them.
type Flood struct {
	c        *Client
	Limit    int           // texts per Window, a long text counting its parts; default 20
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
	flags, err := f.HitMany(ctx, []string{sender}, []int{n})
	if err != nil {
		return false, err
	}
	return flags[0], nil
}

// HitMany counts counts[i] texts from senders[i] for a whole batch in one
// round trip, in order (a sender twice in a batch is counted twice), and
// reports for each whether the sender is flooding. When Redis does not
// answer it reports none flooding, with the error.
func (f *Flood) HitMany(ctx context.Context, senders []string, counts []int) ([]bool, error) {
	flags := make([]bool, len(senders))
	if len(senders) == 0 {
		return flags, nil
	}
	keys := make([]string, 0, 2*len(senders))
	args := make([]any, 0, 3+len(senders))
	args = append(args, f.Window.Milliseconds(), f.Limit, f.Cooldown.Milliseconds())
	for i, s := range senders {
		keys = append(keys, f.c.key("flood", s), f.c.key("flooding", s))
		args = append(args, counts[i])
	}
	res, err := floodCount.Run(ctx, f.c.rdb, keys, args...).Int64Slice()
	if err == nil && len(res) != len(senders) {
		err = fmt.Errorf("flood script answered %d flags for %d senders", len(res), len(senders))
	}
	if err != nil {
		f.c.log.Warn("flood limit unavailable", slog.Any("err", err))
		return flags, err
	}
	for i, v := range res {
		flags[i] = v == 1
	}
	return flags, nil
}

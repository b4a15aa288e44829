package redisx

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// LoginGuard throttles back-office logins across every process, in Redis.
//
// An attempt is counted before the password is checked, and given back
// when it was right, in one script: the check and the count are one atomic
// step, so however many guesses arrive at once, no more than the limit are
// ever checked. What counts depends on where the attempt comes from:
//
//   - A browser that has logged in to the account before (a known device:
//     a random token in a long-lived cookie, its hash remembered here for
//     that login) counts against that device only. Guesses from elsewhere
//     never lock the real user out of their own browser, and a stolen
//     device cookie buys no more guesses than MaxPerDevice.
//   - Any other attempt counts against the client's address and the
//     account: rotating the login spreads nothing, and rotating the address
//     is bounded by the account's limit.
//
// Keys share the hash tag {login}, so the script works on Redis Cluster too.
type LoginGuard struct {
	c *Client
	// Window is how long failures count, from the first.
	Window time.Duration
	// MaxPerAccount, MaxPerAddress and MaxPerDevice are the failures
	// allowed within Window.
	MaxPerAccount, MaxPerAddress, MaxPerDevice int
	// DeviceTTL is how long a browser stays known after its last login.
	DeviceTTL time.Duration
}

// LoginGuard returns the login throttle with the back office's limits: 5
// failures per account or device and 20 per address in 15 minutes; devices
// known for 90 days.
func (c *Client) LoginGuard() *LoginGuard {
	return &LoginGuard{c: c, Window: 15 * time.Minute, MaxPerAccount: 5, MaxPerAddress: 20, MaxPerDevice: 5,
		DeviceTTL: 90 * 24 * time.Hour}
}

// takeAttempt checks every counter in KEYS against its limit (ARGV[i+1])
// and, only when none is reached, counts one attempt on each; a counter's
// window (ARGV[1] ms) starts with its first attempt. It returns {0, 0} when
// the attempt may go ahead, else {i, ms}: the counter at its limit and how
// long until it clears.
var takeAttempt = redis.NewScript(`
for i, k in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', k) or '0')
  if n >= tonumber(ARGV[i + 1]) then
    return {i, redis.call('PTTL', k)}
  end
end
for i, k in ipairs(KEYS) do
  if redis.call('INCR', k) == 1 then
    redis.call('PEXPIRE', k, ARGV[1])
  end
end
return {0, 0}
`)

// giveBack undoes one counted attempt on the address (KEYS[1], when given)
// and clears the account's or device's counter (KEYS[2]): the password was
// right.
var giveBack = redis.NewScript(`
if KEYS[1] ~= '' and tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  redis.call('DECR', KEYS[1])
end
redis.call('DEL', KEYS[2])
return 0
`)

// Attempt is one counted login attempt.
type Attempt struct {
	// Allowed is false when a limit was reached; nothing was counted then.
	Allowed bool
	// RetryAfter is how long until the limit that refused it clears.
	RetryAfter time.Duration
	keys       []string
}

// Attempt counts an attempt to log in to login from address ip, by a
// browser holding device token device ("" for none). knownDevice says
// whether that token is one KnownDevice recognises for login.
func (g *LoginGuard) Attempt(ctx context.Context, login, ip, device string, knownDevice bool) (Attempt, error) {
	var keys []string
	var limits []any
	if knownDevice {
		keys = []string{g.c.key("{login}", "device_fail", hashToken(device))}
		limits = []any{g.MaxPerDevice}
	} else {
		keys = []string{g.c.key("{login}", "addr_fail", ip), g.c.key("{login}", "account_fail", login)}
		limits = []any{g.MaxPerAddress, g.MaxPerAccount}
	}
	res, err := takeAttempt.Run(ctx, g.c.rdb, keys, append([]any{g.Window.Milliseconds()}, limits...)...).Int64Slice()
	if err != nil {
		return Attempt{Allowed: true}, err
	}
	if len(res) != 2 {
		return Attempt{Allowed: true}, errors.New("login guard: unexpected script result")
	}
	if res[0] != 0 {
		return Attempt{RetryAfter: time.Duration(max(res[1], 0)) * time.Millisecond}, nil
	}
	return Attempt{Allowed: true, keys: keys}, nil
}

// Succeeded gives back an attempt whose password was right: the address
// keeps no failure for it, and the account's (or device's) count starts
// again.
func (g *LoginGuard) Succeeded(ctx context.Context, a Attempt) error {
	switch len(a.keys) {
	case 1:
		return giveBack.Run(ctx, g.c.rdb, []string{"", a.keys[0]}).Err()
	case 2:
		return giveBack.Run(ctx, g.c.rdb, a.keys).Err()
	}
	return nil
}

// RememberDevice records that the browser holding device (a new token when
// "") logged in to login, and returns the token for its cookie.
func (g *LoginGuard) RememberDevice(ctx context.Context, login, device string) (string, error) {
	if len(device) < 32 {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		device = base64.RawURLEncoding.EncodeToString(b)
	}
	return device, g.c.rdb.Set(ctx, g.deviceKey(login, device), "1", g.DeviceTTL).Err()
}

// KnownDevice reports whether the browser holding device has logged in to
// login within DeviceTTL.
func (g *LoginGuard) KnownDevice(ctx context.Context, login, device string) (bool, error) {
	if device == "" {
		return false, nil
	}
	n, err := g.c.rdb.Exists(ctx, g.deviceKey(login, device)).Result()
	return n == 1, err
}

func (g *LoginGuard) deviceKey(login, device string) string {
	return g.c.key("{login}", "device", login, hashToken(device))
}

// hashToken keeps device tokens out of Redis: only their hashes are keys.
func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:16])
}

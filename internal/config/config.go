// Package config reads Huamu's configuration from the environment once,
// validates it and hands it down as a value. Nothing else reads the
// environment. The variable names are a contract: operators script them.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"huamu/smsgw"
)

// Config is everything a huamu process needs to start.
type Config struct {
	DatabaseURL string        // DATABASE_URL: PostgreSQL, pgx connection string or URL
	RedisURL    string        // REDIS_URL: redis://host:port/db
	HTTPAddr    string        // HUAMU_HTTP_ADDR: back office listen address
	Binds       []Bind        // HUAMU_SMPP_BINDS: one SMPP bind per URL
	Signature   string        // HUAMU_SMS_SIGNATURE: carrier signature counted in every Chinese MT
	OrderTTL    time.Duration // HUAMU_ORDER_TTL: how long an order proposal waits for the grower
	LogLevel    string        // HUAMU_LOG_LEVEL: debug, info, warn, error
	PprofAddr   string        // HUAMU_PPROF_ADDR: net/http/pprof on a loopback address; "" serves none

	// PublicURL (HUAMU_PUBLIC_URL) is the back office's address as clerks
	// open it; https:// there marks every cookie Secure.
	PublicURL string
	// MetricsAddr (HUAMU_METRICS_ADDR) is where /metrics and /healthz are
	// served, apart from the back office; loopback by default.
	MetricsAddr string
	// TrustedProxies (HUAMU_TRUSTED_PROXIES) are the reverse proxies whose
	// X-Forwarded-For / X-Real-IP name the client; from anyone else those
	// headers are ignored.
	TrustedProxies []netip.Prefix
}

// SecureCookies reports whether the back office is served over HTTPS.
func (c Config) SecureCookies() bool {
	return strings.HasPrefix(strings.ToLower(c.PublicURL), "https://")
}

// Bind is one SMPP transceiver bind to a carrier SMSC.
type Bind = smsgw.BindConfig

// Defaults that apply when a variable is unset.
const (
	DefaultHTTPAddr    = "127.0.0.1:8080"
	DefaultMetricsAddr = "127.0.0.1:8081"
	DefaultSignature   = "【花木通】"
	DefaultWindow      = 10
	// DefaultRedelivery is how long after a text its SMSC may deliver it
	// again (see smsgw.BindConfig.Redelivery).
	DefaultRedelivery = 10 * time.Minute
	DefaultTPS        = 50
	DefaultOrderTTL   = 24 * time.Hour
)

// FromEnv reads the configuration from the process environment.
func FromEnv() (Config, error) { return Load(os.LookupEnv) }

// Load reads the configuration through lookup (os.LookupEnv in production, a
// map in tests) and validates it. Every error names the variable at fault.
func Load(lookup func(string) (string, bool)) (Config, error) {
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	c := Config{
		DatabaseURL: get("DATABASE_URL"),
		RedisURL:    get("REDIS_URL"),
		HTTPAddr:    get("HUAMU_HTTP_ADDR"),
		Signature:   DefaultSignature,
		OrderTTL:    DefaultOrderTTL,
		LogLevel:    strings.ToLower(get("HUAMU_LOG_LEVEL")),
	}
	var errs []error
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/huamu?sslmode=disable)"))
	} else if err := checkURL(c.DatabaseURL, "postgres", "postgresql"); err != nil {
		errs = append(errs, fmt.Errorf("DATABASE_URL: %w", err))
	}
	if c.RedisURL == "" {
		errs = append(errs, errors.New("REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)"))
	} else if err := checkURL(c.RedisURL, "redis", "rediss"); err != nil {
		errs = append(errs, fmt.Errorf("REDIS_URL: %w", err))
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = DefaultHTTPAddr
	} else if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		errs = append(errs, fmt.Errorf("HUAMU_HTTP_ADDR: %q is not host:port", c.HTTPAddr))
	}
	if v, ok := lookup("HUAMU_SMS_SIGNATURE"); ok {
		c.Signature = strings.TrimSpace(v)
	}
	if v := get("HUAMU_ORDER_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("HUAMU_ORDER_TTL: %q is not a positive duration such as 24h", v))
		} else {
			c.OrderTTL = d
		}
	}
	if c.PprofAddr = get("HUAMU_PPROF_ADDR"); c.PprofAddr != "" {
		if err := checkLoopback(c.PprofAddr); err != nil {
			errs = append(errs, fmt.Errorf("HUAMU_PPROF_ADDR: %w", err))
		}
	}
	switch c.LogLevel {
	case "":
		c.LogLevel = "info"
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("HUAMU_LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel))
	}
	if c.PublicURL = get("HUAMU_PUBLIC_URL"); c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("HUAMU_PUBLIC_URL: %q is not an http:// or https:// address", c.PublicURL))
		}
	}
	if c.MetricsAddr = get("HUAMU_METRICS_ADDR"); c.MetricsAddr == "" {
		c.MetricsAddr = DefaultMetricsAddr
	} else if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
		errs = append(errs, fmt.Errorf("HUAMU_METRICS_ADDR: %q is not host:port", c.MetricsAddr))
	} else if _, port, _ := net.SplitHostPort(c.MetricsAddr); c.MetricsAddr == c.HTTPAddr && port != "0" {
		errs = append(errs, fmt.Errorf("HUAMU_METRICS_ADDR: %q is the back office's address; metrics need their own", c.MetricsAddr))
	}
	proxies, err := ParseProxies(get("HUAMU_TRUSTED_PROXIES"))
	if err != nil {
		errs = append(errs, fmt.Errorf("HUAMU_TRUSTED_PROXIES: %w", err))
	}
	c.TrustedProxies = proxies
	binds, err := ParseBinds(get("HUAMU_SMPP_BINDS"))
	if err != nil {
		errs = append(errs, fmt.Errorf("HUAMU_SMPP_BINDS: %w", err))
	}
	c.Binds = binds
	return c, errors.Join(errs...)
}

// checkLoopback accepts host:port only on a loopback address: profiles show
// what the process holds in memory and must not leave the machine.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address (use 127.0.0.1:PORT)", addr)
	}
	return nil
}

func checkURL(raw string, schemes ...string) error {
	if !strings.Contains(raw, "://") {
		if schemes[0] == "postgres" && strings.Contains(raw, "=") {
			return nil // libpq keyword/value form: host=... dbname=...
		}
		return fmt.Errorf("%q is not a URL", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("cannot parse: %v", redactErr(err))
	}
	for _, s := range schemes {
		if u.Scheme == s {
			return nil
		}
	}
	return fmt.Errorf("scheme %q, want %s", u.Scheme, strings.Join(schemes, " or "))
}

// redactErr drops the URL from url.Parse errors: it may hold a password.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// ParseProxies parses HUAMU_TRUSTED_PROXIES: comma-separated addresses
// (10.0.0.5) or networks (10.0.0.0/24, fd00::/8).
func ParseProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a network such as 10.0.0.0/24", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// ParseBinds parses the comma-separated HUAMU_SMPP_BINDS value:
// smpp://SYSTEM_ID:PASSWORD@HOST:PORT?carrier=mobile|unicom|telecom&source=N&window=N&tps=N&redelivery=D
func ParseBinds(v string) ([]Bind, error) {
	if v == "" {
		return nil, nil
	}
	var out []Bind
	count := map[string]int{}
	for i, raw := range strings.Split(v, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		b, err := parseBind(raw)
		if err != nil {
			return nil, fmt.Errorf("bind %d: %w", i+1, err)
		}
		key := string(b.Carrier)
		if key == "" {
			key = "any"
		}
		count[key]++
		b.Name = fmt.Sprintf("%s-%d", key, count[key])
		out = append(out, b)
	}
	return out, nil
}

func parseBind(raw string) (Bind, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Bind{}, fmt.Errorf("cannot parse: %v", redactErr(err))
	}
	if u.Scheme != "smpp" {
		return Bind{}, fmt.Errorf("scheme %q, want smpp://", u.Scheme)
	}
	if u.User == nil || u.User.Username() == "" {
		return Bind{}, errors.New("missing SYSTEM_ID (smpp://SYSTEM_ID:PASSWORD@HOST:PORT)")
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil || host == "" || port == "" {
		return Bind{}, fmt.Errorf("%q is not HOST:PORT", u.Host)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return Bind{}, fmt.Errorf("port %q is not 1-65535", port)
	}
	pw, _ := u.User.Password()
	if len(u.User.Username()) > 15 || len(pw) > 8 {
		return Bind{}, errors.New("SMPP 3.4 allows a system_id of at most 15 and a password of at most 8 characters")
	}
	b := Bind{SystemID: u.User.Username(), Password: pw, Addr: u.Host, Window: DefaultWindow, TPS: DefaultTPS,
		Redelivery: DefaultRedelivery}
	q := u.Query()
	for k := range q {
		switch k {
		case "carrier", "source", "window", "tps", "redelivery":
		default:
			return Bind{}, fmt.Errorf("unknown parameter %q (known: carrier, source, window, tps, redelivery)", k)
		}
	}
	if s := q.Get("redelivery"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Minute || d > 24*time.Hour {
			return Bind{}, fmt.Errorf("redelivery %q is not a duration from 1m to 24h, e.g. 10m", s)
		}
		b.Redelivery = d
	}
	if c := q.Get("carrier"); c != "" {
		carrier, err := smsgw.ParseCarrier(c)
		if err != nil {
			return Bind{}, err
		}
		b.Carrier = carrier
	}
	b.Source = q.Get("source")
	if b.Source != "" && strings.Trim(b.Source, "0123456789") != "" {
		return Bind{}, fmt.Errorf("source %q is not a service number (digits only)", b.Source)
	}
	for _, f := range []struct {
		key string
		dst *int
		max int
	}{{"window", &b.Window, 1000}, {"tps", &b.TPS, 10000}} {
		if s := q.Get(f.key); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > f.max {
				return Bind{}, fmt.Errorf("%s %q is not a whole number from 1 to %d", f.key, s, f.max)
			}
			*f.dst = n
		}
	}
	return b, nil
}

// String renders the configuration for a start-up log line, passwords masked.
func (c Config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "DATABASE_URL=%s REDIS_URL=%s HUAMU_HTTP_ADDR=%s HUAMU_METRICS_ADDR=%s",
		maskDSN(c.DatabaseURL), maskDSN(c.RedisURL), c.HTTPAddr, c.MetricsAddr)
	if c.PublicURL != "" {
		fmt.Fprintf(&b, " HUAMU_PUBLIC_URL=%s", maskDSN(c.PublicURL))
	}
	for _, bd := range c.Binds {
		fmt.Fprintf(&b, " bind[%s]=smpp://%s:***@%s", bd.Name, bd.SystemID, bd.Addr)
	}
	return b.String()
}

// kvPassword is a password in a libpq keyword/value string, its value bare
// or single-quoted with backslash escapes: password=x, password = 'a b\'c'.
var kvPassword = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'?|\S*)`)

// maskDSN hides every password a connection string may carry: a URL's
// user:password@ and ?password=, or a keyword/value string's password=.
// A URL that does not parse is not shown at all.
func maskDSN(raw string) string {
	if !strings.Contains(raw, "://") {
		return kvPassword.ReplaceAllString(raw, "${1}xxx")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse; not shown)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	if q := u.Query(); len(q) > 0 {
		masked := false
		for k := range q {
			if strings.EqualFold(k, "password") || strings.EqualFold(k, "pass") {
				q.Set(k, "xxx")
				masked = true
			}
		}
		if masked {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

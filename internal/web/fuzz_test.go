package web

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"huamu/matching"
)

// FuzzDecodeListing feeds the listing form decoder (the back office's and
// the API's) arbitrary forms: it must never panic, and whatever it accepts
// must be a listing the store can take — a side, a species, a positive
// quantity, no negative price, a spec range in order.
func FuzzDecodeListing(f *testing.F) {
	f.Add("side=supply&species=桂花&qty=200&price=12.5&spec_key=dia_cm&spec_min=8&spec_max=10")
	f.Add("side=demand&species=桂花&qty=-1&price=1e400")
	f.Add("side=supply&species=桂花&qty=１２０&price=１２.５元&days=400")
	f.Add("side=supply&species=%ff&qty=1&spec_key=dbh_cm&spec_min=NaN")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	known := func(s string) bool { return s == "桂花" }
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		l, err := decodeListing(v, now, known)
		if err != nil {
			if matching.ErrorCodeOf(err) != matching.CodeInvalid || matching.ChineseMessage(err) == "" {
				t.Fatalf("error without a Chinese invalid message: %v", err)
			}
			return
		}
		if !l.Side.Valid() || l.Species != "桂花" || l.Qty.Amount() <= 0 {
			t.Fatalf("accepted %+v", l)
		}
		if l.Price != nil && (l.Price.Min.IsNegative() || l.Price.Max.LessThan(*l.Price.Min) || l.Price.Min.Exponent() < -2) {
			t.Fatalf("accepted price %+v", l.Price)
		}
		for k, r := range l.Spec {
			if r.Min != nil && r.Max != nil && *r.Max < *r.Min {
				t.Fatalf("accepted spec %s %v-%v", k, *r.Min, *r.Max)
			}
		}
		if !l.ExpiresAt.After(now) {
			t.Fatalf("expires %v", l.ExpiresAt)
		}
	})
}

// FuzzAPIListingBody feeds POST /api/v1/listings's JSON decoder arbitrary
// bodies: it must never panic and either refuse with a domain error or give
// form values the listing decoder then checks.
func FuzzAPIListingBody(f *testing.F) {
	f.Add(`{"phone":"13800000001","side":"supply","species":"桂花","qty":200,"price":"12.50"}`)
	f.Add(`{"qty":-1}`)
	f.Add(`{"price":1e999}`)
	f.Add(`{"x":1}`)
	f.Add(`{} {}`)
	f.Fuzz(func(t *testing.T, body string) {
		v, err := decodeAPIListing([]byte(body))
		if err != nil {
			if matching.ErrorCodeOf(err) != matching.CodeInvalid {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		_, _ = decodeListing(v, time.Now(), func(string) bool { return true })
	})
}

// FuzzClientAddr feeds the forwarded-header reader hostile headers: it must
// never panic, must ignore them from an untrusted peer, and from a trusted
// one must answer an address that is the peer's or one the headers name.
func FuzzClientAddr(f *testing.F) {
	f.Add("127.0.0.1:5000", "203.0.113.7, 10.0.0.1", "")
	f.Add("10.0.0.1:443", "garbage,,::ffff:1.2.3.4", "1.2.3.4")
	f.Add("[::1]:80", "", "fd00::1")
	f.Add("192.0.2.1:1", "1.1.1.1", "2.2.2.2")
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	f.Fuzz(func(t *testing.T, remote, xff, realIP string) {
		h := http.Header{}
		if xff != "" {
			h.Set("X-Forwarded-For", xff)
		}
		if realIP != "" {
			h.Set("X-Real-IP", realIP)
		}
		got := clientAddr(remote, h, trusted)
		peer, err := netip.ParseAddrPort(remote)
		if err != nil {
			if a, err := netip.ParseAddr(remote); err == nil {
				peer = netip.AddrPortFrom(a, 0)
			} else {
				if got != remote {
					t.Fatalf("unparsable peer %q answered %q", remote, got)
				}
				return
			}
		}
		trustedPeer := false
		for _, p := range trusted {
			trustedPeer = trustedPeer || p.Contains(peer.Addr().Unmap())
		}
		if !trustedPeer {
			if got != remote {
				t.Fatalf("untrusted peer %q with X-Forwarded-For %q answered %q", remote, xff, got)
			}
			return
		}
		a, err := netip.ParseAddr(got)
		if err != nil {
			t.Fatalf("answered %q, not an address", got)
		}
		if a == peer.Addr().Unmap() {
			return
		}
		for _, f := range strings.Split(xff+","+realIP, ",") {
			if b, err := netip.ParseAddr(strings.TrimSpace(f)); err == nil && b.Unmap() == a {
				return
			}
		}
		t.Fatalf("answered %q, neither the peer %q nor named in %q / %q", got, remote, xff, realIP)
	})
}

// FuzzIdempotencyKey feeds the Idempotency-Key header reader hostile
// values: it must never panic; what it accepts is 1 to 255 printable ASCII
// characters, and a bare key it accepts is the header as sent.
func FuzzIdempotencyKey(f *testing.F) {
	f.Add("8e03978e-40d5-43e8-bc93-6894a57f9324")
	f.Add(`"8e03978e-40d5-43e8-bc93-6894a57f9324"`)
	f.Add(`"a \"quoted\" key\\"`)
	f.Add(`"unterminated`)
	f.Add(`"a"b`)
	f.Add(`"\x"`)
	f.Add("键")
	f.Add("  padded\t")
	f.Add(`""`)
	f.Fuzz(func(t *testing.T, raw string) {
		h := http.Header{}
		h.Set("Idempotency-Key", raw)
		key, ok, err := parseIdempotencyKey(h)
		if err != nil {
			if ok || matching.ErrorCodeOf(err) != matching.CodeInvalid || matching.ChineseMessage(err) == "" {
				t.Fatalf("%q: error without a Chinese invalid message: %v", raw, err)
			}
			return
		}
		if !ok || key == "" || len(key) > 255 {
			t.Fatalf("%q: accepted %q (ok %t)", raw, key, ok)
		}
		for i := 0; i < len(key); i++ {
			if key[i] < 0x20 || key[i] > 0x7e {
				t.Fatalf("%q: accepted a key with byte %#x", raw, key[i])
			}
		}
		if trimmed := strings.Trim(raw, " \t"); !strings.HasPrefix(trimmed, `"`) && key != trimmed {
			t.Fatalf("%q: a bare key became %q", raw, key)
		}
	})
}

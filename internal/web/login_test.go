package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/internal/web"
)

// loginFrom posts a login from a browser (jar; nil for a fresh one)
// claiming to be forwarded for xff ("" for no header).
func loginFrom(t *testing.T, s *site, jar http.CookieJar, xff, login, password string) int {
	t.Helper()
	if jar == nil {
		jar, _ = cookiejar.New(nil)
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/login",
		strings.NewReader(url.Values{"login": {login}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func siteWithProxies(t *testing.T, proxies ...string) *site {
	t.Helper()
	st := pgtest.Store(t, nil)
	o := siteOptions(t, st)
	for _, p := range proxies {
		o.TrustedProxies = append(o.TrustedProxies, netip.MustParsePrefix(p))
	}
	srv, err := web.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return newSiteWith(t, st, srv)
}

// The review's case: a client that rotates X-Forwarded-For got unlimited
// attempts, because the header was believed from anyone.
func TestLogin_ForwardedHeadersAreBelievedOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	s := newSite(t) // no proxy configured: the test client talks to it directly
	for i := range 20 {
		loginFrom(t, s, nil, "203.0.113."+itoa(int64(i)), "guess"+itoa(int64(i)), "x")
	}
	if code := loginFrom(t, s, nil, "198.51.100.1", "li", "correct horse"); code != http.StatusTooManyRequests {
		t.Fatalf("after 20 failures from one address under rotating X-Forwarded-For: %d, want 429", code)
	}

	// Behind a configured proxy the header names the client: one client's
	// failures do not hold back another behind the same proxy.
	p := siteWithProxies(t, "127.0.0.0/8")
	for i := range 20 {
		loginFrom(t, p, nil, "203.0.113.7", "guess"+itoa(int64(i)), "x")
	}
	if code := loginFrom(t, p, nil, "203.0.113.7", "li", "correct horse"); code != http.StatusTooManyRequests {
		t.Fatalf("the guessing client: %d, want 429", code)
	}
	if code := loginFrom(t, p, nil, "198.51.100.9", "li", "correct horse"); code != http.StatusSeeOther {
		t.Fatalf("another client behind the proxy: %d, want 303", code)
	}
	// What the client wrote left of the proxy's entry proves nothing.
	if code := loginFrom(t, p, nil, "198.51.100.9, 203.0.113.7", "li", "correct horse"); code != http.StatusTooManyRequests {
		t.Fatalf("a spoofed left-most entry: %d, want 429 for the real client", code)
	}
}

// The review's case: five wrong guesses from anywhere locked any account,
// again and again.
func TestLogin_GuessesFromElsewhereNeverLockTheRealUserOutOfTheirBrowser(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	wang := s.as(t, "wang", store.RoleClerk) // wang's browser has logged in before
	if r := wang.post(t, "/logout", url.Values{}); r.code != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.code)
	}
	for i := range 8 {
		code := loginFrom(t, s, nil, "", "wang", "guess")
		if want := map[bool]int{true: http.StatusUnauthorized, false: http.StatusTooManyRequests}[i < 5]; code != want {
			t.Fatalf("guess %d: %d, want %d", i+1, code, want)
		}
	}
	if code := loginFrom(t, s, nil, "", "wang", "correct horse"); code != http.StatusTooManyRequests {
		t.Fatalf("the right password from a new browser while the account is locked: %d, want 429", code)
	}
	if code := loginFrom(t, s, wang.client.Jar, "", "wang", "correct horse"); code != http.StatusSeeOther {
		t.Fatalf("wang's own browser: %d, want 303", code)
	}
	// A known browser is throttled on its own.
	for range 5 {
		loginFrom(t, s, wang.client.Jar, "", "wang", "typo")
	}
	if code := loginFrom(t, s, wang.client.Jar, "", "wang", "correct horse"); code != http.StatusTooManyRequests {
		t.Fatalf("a known browser after five wrong passwords: %d, want 429", code)
	}
}

// The review's case: the count was read, the password checked, the count
// raised; guesses sent at once all got through before any was counted.
func TestLogin_GuessesSentAtOnceAreCheckedNoMoreThanTheLimit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	var wg sync.WaitGroup
	codes := make([]int, 30)
	for i := range codes {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i] = loginFrom(t, s, nil, "", "li", "guess"+itoa(int64(i))) }()
	}
	wg.Wait()
	checked := 0
	for _, c := range codes {
		if c == http.StatusUnauthorized {
			checked++
		} else if c != http.StatusTooManyRequests {
			t.Fatalf("a guess answered %d", c)
		}
	}
	if checked != 5 {
		t.Fatalf("%d of 30 simultaneous guesses had their password checked, want 5", checked)
	}
}

package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"huamu/internal/pgtest"
	"huamu/internal/web"
)

// Every cookie the back office sets is HttpOnly and SameSite, and Secure
// when it is served over HTTPS (HUAMU_PUBLIC_URL=https://…).
func TestCookies_AreHttpOnlySameSiteAlwaysAndSecureOverHTTPS(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		st := pgtest.Store(t, nil)
		o := siteOptions(t, st)
		o.Secure = secure
		srv, err := web.New(o)
		if err != nil {
			t.Fatal(err)
		}
		s := newSiteWith(t, st, srv)
		var headers []string
		r := s.anonymous().post(t, "/login", url.Values{"login": {"li"}, "password": {"correct horse"}})
		headers = append(headers, r.header.Values("Set-Cookie")...)
		// The test client's jar drops Secure cookies over plain HTTP: send
		// the session by hand.
		var session string
		for _, h := range headers {
			if v, ok := strings.CutPrefix(h, "huamu_session="); ok {
				session, _, _ = strings.Cut(v, ";")
			}
		}
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/members", nil)
		req.AddCookie(&http.Cookie{Name: "huamu_session", Value: session})
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("secure=%t: a page with the session: %d", secure, resp.StatusCode)
		}
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
		// A change sets the flash cookie; logging out clears the session's.
		for _, path := range []string{"/members", "/logout"} {
			req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/members", nil)
			req.AddCookie(&http.Cookie{Name: "huamu_session", Value: session})
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			b := make([]byte, 64<<10)
			n, _ := resp.Body.Read(b)
			resp.Body.Close()
			m := csrf.FindSubmatch(b[:n])
			if m == nil {
				t.Fatalf("no csrf token on /members")
			}
			form := url.Values{"csrf": {string(m[1])}, "phone": {"13800000077"}}
			req, _ = http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "huamu_session", Value: session})
			resp, err = http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			headers = append(headers, resp.Header.Values("Set-Cookie")...)
		}
		names := map[string]bool{}
		for _, h := range headers {
			name, _, _ := strings.Cut(h, "=")
			names[name] = true
			lower := strings.ToLower(h)
			if !strings.Contains(lower, "httponly") || !strings.Contains(lower, "samesite=lax") {
				t.Errorf("secure=%t: cookie without HttpOnly or SameSite: %s", secure, h)
			}
			if strings.Contains(lower, "; secure") != secure {
				t.Errorf("secure=%t: cookie %s", secure, h)
			}
		}
		for _, want := range []string{"huamu_session", "huamu_device", "huamu_flash"} {
			if !names[want] {
				t.Errorf("secure=%t: %s was never set (saw %v)", secure, want, names)
			}
		}
	}
}

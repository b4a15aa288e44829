package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/internal/web"
)

type site struct {
	srv    *httptest.Server
	client *http.Client
	store  *store.Store
}

func newSite(t *testing.T) *site {
	t.Helper()
	st := pgtest.Store(t, nil)
	s, err := web.New(siteOptions(t, st))
	if err != nil {
		t.Fatal(err)
	}
	return newSiteWith(t, st, s)
}

func newSiteWith(t *testing.T, st *store.Store, s *web.Server) *site {
	t.Helper()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if _, err := st.UpsertUser(context.Background(), "li", "李", store.RoleClerk, "correct horse"); err != nil {
		t.Fatal(err)
	}
	return &site{srv: srv, client: c, store: st}
}

func (s *site) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	resp, err := s.client.Get(s.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (s *site) post(t *testing.T, path string, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func (s *site) login(t *testing.T) {
	t.Helper()
	resp := s.post(t, "/login", url.Values{"login": {"li"}, "password": {"correct horse"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %s", resp.Status)
	}
}

func TestPages_RequireLogin(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, p := range []string{"/", "/inbound", "/listings", "/outbound"} {
		resp, _ := s.get(t, p)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Errorf("%s without a session: %s to %q, want a redirect to /login", p, resp.Status, resp.Header.Get("Location"))
		}
	}
}

func TestLogin_WrongPasswordIsRefusedInChinese(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	resp := s.post(t, "/login", url.Values{"login": {"li"}, "password": {"wrong"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %s", resp.Status)
	}
	if r, _ := s.get(t, "/inbound"); r.StatusCode != http.StatusSeeOther {
		t.Fatal("a failed login opened a session")
	}
}

func TestPages_ShowTextsAndListingsAfterLogin(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.login(t)
	ctx := context.Background()
	if _, _, err := s.store.InsertInbound(ctx, store.MO{DedupKey: "k1", Bind: "b", Sender: "13800000001", Body: "供 桂花 <b>8公分</b>"}); err != nil {
		t.Fatal(err)
	}
	resp, body := s.get(t, "/inbound")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "13800000001") {
		t.Fatalf("inbound page: %s\n%s", resp.Status, body)
	}
	if strings.Contains(body, "<b>8公分</b>") || !strings.Contains(body, "&lt;b&gt;8公分&lt;/b&gt;") {
		t.Fatal("a text's markup reached the page unescaped")
	}
	for _, p := range []string{"/listings", "/outbound", "/listings?side=supply&species=桂花&state=open", "/inbound?state=bogus&sender=x'--"} {
		if resp, body := s.get(t, p); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s\n%s", p, resp.Status, body)
		}
	}
}

func TestLogout_RequiresTheSessionsCSRFToken(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.login(t)
	if resp := s.post(t, "/logout", url.Values{"csrf": {"forged"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("logout with a forged token: %s, want 403", resp.Status)
	}
	_, body := s.get(t, "/inbound")
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the page")
	}
	if resp := s.post(t, "/logout", url.Values{"csrf": {m[1]}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %s", resp.Status)
	}
	if resp, _ := s.get(t, "/inbound"); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("session still valid after logout")
	}
}

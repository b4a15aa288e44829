package web_test

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"huamu/internal/groupbuy"
	"huamu/internal/lexicon"
	"huamu/internal/redistest"
	"huamu/internal/redisx"
	"huamu/internal/store"
	"huamu/internal/web"
)

// siteOptions wires a back office to st, a Redis key space of its own and a
// lexicon provider, as internal/app does.
func siteOptions(t *testing.T, st *store.Store) web.Options {
	t.Helper()
	ctx := context.Background()
	rc, err := redisx.Open(ctx, redistest.URL(), redistest.Prefix(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	lx := &lexicon.Provider{Store: st}
	if err := lx.Load(ctx); err != nil {
		t.Fatal(err)
	}
	return web.Options{Store: st, Redis: rc, Lexicon: lx, Signature: "【花木通】",
		GroupBuys: &groupbuy.Service{Store: st}}
}

// user is a browser signed in as one account: its own cookie jar.
type user struct {
	s      *site
	login  string
	client *http.Client
	csrf   string
}

// as creates an account with role and signs it in.
func (s *site) as(t *testing.T, login, role string) *user {
	t.Helper()
	if _, err := s.store.UpsertUser(context.Background(), login, login, role, "correct horse"); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u := &user{s: s, login: login, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	resp := u.do(t, http.MethodPost, "/login", url.Values{"login": {login}, "password": {"correct horse"}})
	if resp.code != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", login, resp.code, resp.body)
	}
	r := u.do(t, http.MethodGet, "/audit", nil)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no CSRF token for %s: %d", login, r.code)
	}
	u.csrf = m[1]
	return u
}

type reply struct {
	code     int
	body     string
	location string
	header   http.Header
}

// do sends a request; a form gets the account's CSRF token unless it has
// one, and a fresh one-time token unless it has one (as if the browser had
// just opened the form; a double submit sends the same "once" twice).
func (u *user) do(t *testing.T, method, path string, form url.Values) reply {
	t.Helper()
	var body io.Reader
	if form != nil {
		form = cloneValues(form)
		if _, ok := form["csrf"]; !ok && u.csrf != "" {
			form.Set("csrf", u.csrf)
		}
		if _, ok := form["once"]; !ok {
			form.Set("once", rand.Text())
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u.s.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := u.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{code: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"), header: resp.Header}
}

func (u *user) get(t *testing.T, path string) reply {
	t.Helper()
	return u.do(t, http.MethodGet, path, nil)
}

func (u *user) post(t *testing.T, path string, form url.Values) reply {
	t.Helper()
	return u.do(t, http.MethodPost, path, form)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// needsClerk stores a text from phone that waits for a clerk and returns its id.
func needsClerk(t *testing.T, st *store.Store, key, phone, body, reason string) int64 {
	t.Helper()
	ctx := context.Background()
	id, _, err := st.InsertInbound(ctx, store.MO{DedupKey: key, Bind: "b", Sender: phone, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error {
		return tx.FinishInbound(ctx, in.ID, "needs_clerk", "未能识别", reason, nil)
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// anonymous is a browser that never signed in.
func (s *site) anonymous() *user {
	jar, _ := cookiejar.New(nil)
	return &user{s: s, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// id is the account's user id.
func (u *user) id(t *testing.T) int64 {
	t.Helper()
	us, err := u.s.store.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range us {
		if x.Login == u.login {
			return x.ID
		}
	}
	t.Fatalf("no user %s", u.login)
	return 0
}

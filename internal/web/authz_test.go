package web_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/internal/web"
)

// access is who may use a route.
type access int

const (
	public   access = iota // anyone, signed in or not
	token                  // API clients with a token; no session counts
	anyone                 // every signed-in role
	readonly               // readonly, clerk, admin
	clerk                  // clerk, admin
	admin                  // admin only
)

// expected is the access rule for a route, written down independently of
// the route table: reading is for every role, changing for clerks, accounts
// and API clients for admins; a few pages that only lead to a change are
// for clerks too.
func expected(method, pattern string) access {
	switch {
	case pattern == "/login", strings.HasPrefix(pattern, "/static/"):
		return public
	case strings.HasPrefix(pattern, "/api/v1/"):
		return token
	case pattern == "/logout":
		return anyone
	case strings.HasPrefix(pattern, "/users"), strings.HasPrefix(pattern, "/api-clients"):
		return admin
	case method != http.MethodGet && method != http.MethodHead:
		return clerk
	case strings.HasSuffix(pattern, "/new"): // forms that exist only to change something
		return clerk
	}
	return readonly
}

func allowedFor(a access, role string) bool {
	switch a {
	case public, anyone, readonly:
		return true
	case clerk:
		return role == store.RoleClerk || role == store.RoleAdmin
	case admin:
		return role == store.RoleAdmin
	}
	return false
}

type route struct{ method, pattern string }

// routes walks the real route table, so a route added later is checked too.
func routes(t *testing.T, h http.Handler) []route {
	t.Helper()
	var out []route
	err := chi.Walk(h.(chi.Routes), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, route{method, strings.TrimSuffix(pattern, "/")})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Logging out last: it ends the session the other requests use.
	sort.SliceStable(out, func(i, j int) bool { return out[j].pattern == "/logout" && out[i].pattern != "/logout" })
	return out
}

func concrete(pattern string) string {
	p := strings.ReplaceAll(pattern, "{id}", "1")
	p = strings.ReplaceAll(p, "*", "style.css")
	if p == "" {
		p = "/"
	}
	return p
}

func seed(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	needsClerk(t, st, "k1", "13800000001", "你好", "chitchat")
	openListing(t, st, "13800000001")
	if _, _, err := st.SendBulletin(ctx, 1, store.Audience{Kind: store.AudienceAll}, store.NewMT{Body: "通知", Kind: "bulletin", Unsolicited: true, Parts: 1}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.CreateAPIClient(ctx, 1, "测试", false); err != nil {
		t.Fatal(err)
	}
}

func TestRoutes_EveryRouteAllowsExactlyTheRolesItShould(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	srv, err := web.New(siteOptions(t, st))
	if err != nil {
		t.Fatal(err)
	}
	s := newSiteWith(t, st, srv)
	boss := s.as(t, "boss", store.RoleAdmin) // user 1, the seed's author
	seed(t, st)
	all := routes(t, srv.Handler())
	if len(all) < 40 {
		t.Fatalf("walked only %d routes", len(all))
	}
	users := map[string]*user{store.RoleAdmin: boss, store.RoleClerk: s.as(t, "li", store.RoleClerk),
		store.RoleReadonly: s.as(t, "zhao", store.RoleReadonly), "": s.anonymous()}
	for _, role := range []string{"", store.RoleReadonly, store.RoleClerk, store.RoleAdmin} {
		u := users[role]
		for _, rt := range all {
			want := expected(rt.method, rt.pattern)
			var form url.Values
			if rt.method != http.MethodGet && rt.method != http.MethodHead {
				form = url.Values{}
			}
			got := u.do(t, rt.method, concrete(rt.pattern), form)
			name := rt.method + " " + rt.pattern + " as " + map[string]string{"": "anonymous"}[role] + role
			switch {
			case want == public:
				if got.code == http.StatusForbidden || got.location == "/login" && rt.pattern != "/login" {
					t.Errorf("%s: %d %s, want open to all", name, got.code, got.location)
				}
			case want == token:
				if got.code != http.StatusUnauthorized {
					t.Errorf("%s: %d, want 401 (the API takes tokens, not sessions)", name, got.code)
				}
			case role == "":
				if got.code != http.StatusSeeOther || got.location != "/login" {
					t.Errorf("%s: %d %q, want a redirect to /login", name, got.code, got.location)
				}
			case rt.pattern == "/logout":
				if got.code != http.StatusSeeOther || got.location != "/login" {
					t.Errorf("%s: %d %q, want logged out", name, got.code, got.location)
				}
				if after := u.get(t, "/"); after.location != "/login" {
					t.Errorf("%s: the session still works after logout", name)
				}
			case allowedFor(want, role):
				if got.code == http.StatusForbidden || got.location == "/login" {
					t.Errorf("%s: %d %q, want allowed", name, got.code, got.body)
				}
			default:
				if got.code != http.StatusForbidden || !strings.Contains(got.body, "没有权限") {
					t.Errorf("%s: %d, want 403 没有权限", name, got.code)
				}
			}
		}
	}
}

func TestRoutes_ReadonlyChangesNothingEvenWithAValidToken(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ro := s.as(t, "zhao", store.RoleReadonly)
	id := needsClerk(t, s.store, "k1", "13800000001", "你好", "chitchat")
	if r := ro.post(t, "/queue/1/handled", url.Values{"note": {"x"}}); r.code != http.StatusForbidden {
		t.Fatalf("readonly marking a text handled: %d", r.code)
	}
	in, _ := s.store.InboundByID(context.Background(), id)
	if in.State != "needs_clerk" {
		t.Fatalf("a readonly request changed the text to %s", in.State)
	}
	if r := ro.get(t, "/queue/1"); r.code != http.StatusOK || strings.Contains(r.body, `action="/queue/1/listing"`) {
		t.Fatalf("readonly sees the queue item %d with its change form: %v", r.code, strings.Contains(r.body, "/listing"))
	}
}

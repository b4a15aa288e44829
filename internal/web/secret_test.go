package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"huamu/internal/store"
)

// The review's case: a generated password or API token went through the
// flash cookie, so it travelled in Set-Cookie and Cookie headers.
func TestSecrets_AGeneratedPasswordOrTokenIsShownOnceInTheBodyNeverInACookie(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	boss := s.as(t, "boss", store.RoleAdmin)
	for _, c := range []struct {
		path string
		form url.Values
		re   string
	}{
		{"/users", url.Values{"login": {"zhao"}, "name": {"赵"}, "role": {"clerk"}}, `<code>([A-Za-z0-9_-]{12})</code>`},
		{"/api-clients", url.Values{"name": {"苗木网"}}, `<code>(hm_[A-Za-z0-9_-]+)</code>`},
	} {
		r := boss.post(t, c.path, c.form)
		m := regexp.MustCompile(c.re).FindStringSubmatch(r.body)
		if r.code != http.StatusOK || m == nil {
			t.Fatalf("%s: %d, want 200 with the secret in the page:\n%s", c.path, r.code, r.body)
		}
		for _, sc := range r.header.Values("Set-Cookie") {
			if strings.Contains(sc, m[1]) || strings.Contains(sc, url.QueryEscape(m[1])) {
				t.Errorf("%s: the secret is in a cookie: %s", c.path, sc)
			}
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", c.path, cc)
		}
		// The next page does not show it again.
		if next := boss.get(t, c.path); strings.Contains(next.body, m[1]) {
			t.Errorf("%s: the secret shows again on the next page", c.path)
		}
	}
	if _, _, err := s.store.Authenticate(context.Background(), "zhao", "wrong"); err == nil {
		t.Fatal("the new account takes any password")
	}
}

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"huamu/internal/exchange"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// openListing posts an offer of 100 桂花 for phone, as clerk 1 would for a
// member who phoned in, and returns its id.
func openListing(t *testing.T, st *store.Store, phone string) int64 {
	t.Helper()
	ctx := context.Background()
	ex := exchange.New(st, grammar.Default, "【花木通】", nil)
	q := int64(100)
	var l matching.Listing
	err := st.InTx(ctx, func(tx *store.Tx) (err error) {
		l, err = ex.PostOnBehalf(ctx, tx, store.Actor{UserID: 1}, phone, matching.Listing{Side: matching.Supply, Species: "桂花",
			Qty: matching.Qty{Min: &q, Max: &q, Unit: "株"}, CreatedAt: st.Now(), ExpiresAt: st.Now().AddDate(0, 0, 30)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return l.ID
}

func TestCSRF_AForgedOrMissingTokenChangesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	id := openListing(t, s.store, "13800000001")
	for _, tok := range []string{"forged", "", strings.Repeat("A", 43)} {
		r := li.post(t, "/listings/"+itoa(id)+"/cancel", url.Values{"csrf": {tok}, "reason": {"x"}})
		if r.code != http.StatusForbidden {
			t.Errorf("token %q: %d, want 403", tok, r.code)
		}
	}
	l, _ := s.store.Listing(context.Background(), id)
	if l.State != matching.ListingOpen {
		t.Fatalf("a forged request cancelled the listing: %s", l.State)
	}
}

func TestCSRF_AnotherClerksTokenDoesNotWorkWithMySession(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li, wang := s.as(t, "li", store.RoleClerk), s.as(t, "wang", store.RoleClerk)
	id := openListing(t, s.store, "13800000001")
	r := li.post(t, "/listings/"+itoa(id)+"/cancel", url.Values{"csrf": {wang.csrf}, "reason": {"x"}})
	if r.code != http.StatusForbidden {
		t.Fatalf("li's session with wang's token: %d, want 403", r.code)
	}
	// Each clerk's change is recorded under their own name.
	if r := wang.post(t, "/listings/"+itoa(id)+"/cancel", url.Values{"reason": {"会员来电"}}); r.code != http.StatusSeeOther {
		t.Fatalf("wang cancels: %d %s", r.code, r.body)
	}
	rows, _ := s.store.ListAudit(context.Background(), store.AuditFilter{Object: "listing:" + itoa(id), Action: "listing.cancel"})
	if len(rows) != 1 || rows[0].User != "wang" {
		t.Fatalf("audit: %+v", rows)
	}
}

func TestCSRF_ACrossOriginPostIsRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/members", strings.NewReader(url.Values{"csrf": {li.csrf}, "phone": {"13800000009"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := li.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", resp.StatusCode)
	}
	if _, err := s.store.MemberRecordByPhone(context.Background(), "13800000009"); matching.ErrorCodeOf(err) != matching.CodeNotFound {
		t.Fatalf("a cross-site post registered a member: %v", err)
	}
}

func TestForms_AnOversizedBodyIsRefusedWith413(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	big := strings.Repeat("花", 200<<10)
	for _, path := range []string{"/bulletins", "/members", "/lexicon/alias", "/login"} {
		r := li.post(t, path, url.Values{"body": {big}, "phone": {big}, "login": {big}})
		if r.code != http.StatusRequestEntityTooLarge && !(path == "/login" && r.code == http.StatusBadRequest) {
			t.Errorf("%s with 600 KB: %d", path, r.code)
		}
	}
	if n, _ := s.store.ListBulletins(context.Background(), 10); len(n) != 0 {
		t.Fatal("an oversized bulletin was stored")
	}
}

func TestLogin_ThrottledAfterFiveWrongPasswords(t *testing.T) {
	t.Parallel()
	s := newSite(t) // account li / correct horse
	for i := 0; i < 5; i++ {
		if resp := s.post(t, "/login", url.Values{"login": {"li"}, "password": {"wrong"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
		}
	}
	if resp := s.post(t, "/login", url.Values{"login": {"li"}, "password": {"correct horse"}}); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the right password after five wrong ones: %d, want 429", resp.StatusCode)
	}
	// Another account from the same office is not locked out by li's typos.
	if _, err := s.store.UpsertUser(context.Background(), "wang", "王", store.RoleClerk, "correct horse"); err != nil {
		t.Fatal(err)
	}
	if resp := s.post(t, "/login", url.Values{"login": {"wang"}, "password": {"correct horse"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another account: %d", resp.StatusCode)
	}
}

func TestLogin_ThrottledPerAddressAcrossAccounts(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for i := 0; i < 20; i++ {
		s.post(t, "/login", url.Values{"login": {"guess" + itoa(int64(i))}, "password": {"x"}})
	}
	if resp := s.post(t, "/login", url.Values{"login": {"li"}, "password": {"correct horse"}}); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 20 failures from one address: %d, want 429", resp.StatusCode)
	}
}

func TestUsers_OnlyAnAdminCreatesAccountsAndTheNewRoleHoldsAtOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	boss := s.as(t, "boss", store.RoleAdmin)
	li := s.as(t, "li", store.RoleClerk)
	if r := li.post(t, "/users", url.Values{"login": {"mallory"}, "role": {"admin"}}); r.code != http.StatusForbidden {
		t.Fatalf("a clerk creating an admin: %d", r.code)
	}
	r := boss.post(t, "/users", url.Values{"login": {"li"}, "name": {"李"}, "role": {"readonly"}})
	if r.code != http.StatusOK {
		t.Fatalf("demote li: %d %s", r.code, r.body)
	}
	// li's old session ended with the role change.
	if r := li.get(t, "/queue"); r.code != http.StatusSeeOther || r.location != "/login" {
		t.Fatalf("li's old session after the change: %d %s", r.code, r.location)
	}
	if r := boss.post(t, "/users", url.Values{"login": {"boss"}, "role": {"clerk"}}); r.code != http.StatusConflict {
		t.Fatalf("an admin demoting themself: %d", r.code)
	}
	for _, bad := range []string{"", "UPPER", "有中文", strings.Repeat("a", 40)} {
		if r := boss.post(t, "/users", url.Values{"login": {bad}, "role": {"clerk"}}); r.code != http.StatusBadRequest {
			t.Errorf("login %q: %d", bad, r.code)
		}
	}
}

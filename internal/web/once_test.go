package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"huamu/internal/store"
)

// formFields returns the hidden fields of the page's form posting to
// action, as a browser would send them.
func formFields(t *testing.T, page, action string) url.Values {
	t.Helper()
	i := strings.Index(page, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form posting to %s", action)
	}
	form := page[i:]
	if j := strings.Index(form, "</form>"); j >= 0 {
		form = form[:j]
	}
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(form, -1) {
		v.Add(m[1], html.UnescapeString(m[2]))
	}
	if v.Get("once") == "" {
		t.Fatalf("the form posting to %s has no one-time token:\n%s", action, form)
	}
	return v
}

func count(t *testing.T, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// bulletinConfirm adds three members in 万春镇 and returns the confirm form
// of a bulletin's preview, as the clerk's browser holds it.
func bulletinConfirm(t *testing.T, s *site, li *user) url.Values {
	t.Helper()
	for i := range 3 {
		if _, err := s.store.AddMember(context.Background(), 1, "1380000000"+itoa(int64(i)), "", "万春镇", ""); err != nil {
			t.Fatal(err)
		}
	}
	q := url.Values{"body": {"本周桂花8公分上车价600元，欢迎来电"}, "audience": {"town"}, "town": {"万春镇"}}
	p := li.get(t, "/bulletins/new?"+q.Encode())
	if p.code != http.StatusOK {
		t.Fatalf("preview: %d", p.code)
	}
	return formFields(t, p.body, "/bulletins")
}

func TestBulletins_ADoubleSubmitSendsOneBulletin(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	form := bulletinConfirm(t, s, li)
	first := li.post(t, "/bulletins", form)
	if first.code != http.StatusSeeOther || !strings.HasPrefix(first.location, "/bulletins/") {
		t.Fatalf("send: %d %s", first.code, first.body)
	}
	// A reload after the POST, or the back button and 确认发送 again.
	again := li.post(t, "/bulletins", form)
	if again.code != http.StatusSeeOther || again.location != first.location {
		t.Fatalf("the second submit: %d to %q, want %q", again.code, again.location, first.location)
	}
	if p := li.get(t, again.location); !strings.Contains(p.body, "已经提交过") || !strings.Contains(p.body, "群发已开始：3人") {
		t.Fatalf("the clerk is not told it was done already:\n%s", p.body)
	}
	if n := count(t, s.store, `SELECT count(*) FROM outbox WHERE kind = 'bulletin'`); n != 3 {
		t.Fatalf("%d bulletin texts queued, want 3 (one per member)", n)
	}
	if n := count(t, s.store, `SELECT count(*) FROM bulletins`); n != 1 {
		t.Fatalf("%d bulletins", n)
	}
	// Opening the form again is a new bulletin.
	if r := li.post(t, "/bulletins", bulletinConfirm2(t, li)); r.code != http.StatusSeeOther || r.location == first.location {
		t.Fatalf("a bulletin from a form opened anew: %d to %q", r.code, r.location)
	}
	if n := count(t, s.store, `SELECT count(*) FROM outbox WHERE kind = 'bulletin'`); n != 6 {
		t.Fatalf("%d bulletin texts after a second bulletin, want 6", n)
	}
}

// bulletinConfirm2 is the same preview opened again: a fresh token.
func bulletinConfirm2(t *testing.T, li *user) url.Values {
	t.Helper()
	q := url.Values{"body": {"本周桂花8公分上车价600元，欢迎来电"}, "audience": {"town"}, "town": {"万春镇"}}
	return formFields(t, li.get(t, "/bulletins/new?"+q.Encode()).body, "/bulletins")
}

func TestBulletins_TwoSubmitsAtOnceSendOneBulletin(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	form := bulletinConfirm(t, s, li)
	var wg sync.WaitGroup
	replies := make([]reply, 5) // a clerk clicking 确认发送 five times
	for i := range replies {
		wg.Add(1)
		go func() { defer wg.Done(); replies[i] = li.post(t, "/bulletins", form) }()
	}
	wg.Wait()
	for _, r := range replies {
		if r.code != http.StatusSeeOther || r.location != replies[0].location {
			t.Fatalf("replies: %+v", replies)
		}
	}
	if n := count(t, s.store, `SELECT count(*) FROM outbox WHERE kind = 'bulletin'`); n != 3 {
		t.Fatalf("%d bulletin texts queued, want 3", n)
	}
}

func TestBulletins_ASubmitWithChangedFieldsUnderAUsedTokenIsRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	form := bulletinConfirm(t, s, li)
	if r := li.post(t, "/bulletins", form); r.code != http.StatusSeeOther {
		t.Fatalf("send: %d %s", r.code, r.body)
	}
	form.Set("body", "改过的通知")
	r := li.post(t, "/bulletins", form)
	if r.code != http.StatusConflict || !strings.Contains(r.body, "已经提交过") {
		t.Fatalf("a changed form under a used token: %d %s", r.code, r.body)
	}
	if n := count(t, s.store, `SELECT count(*) FROM bulletins`); n != 1 {
		t.Fatalf("%d bulletins", n)
	}
}

func TestListings_ADoubleSubmitOfPostOnBehalfCreatesOneListing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	page := li.get(t, "/listings/new")
	form := listingForm("phone", "13900000009")
	form.Set("once", formFields(t, page.body, "/listings").Get("once"))
	first := li.post(t, "/listings", form)
	if first.code != http.StatusSeeOther || !strings.HasPrefix(first.location, "/listings/") {
		t.Fatalf("post on behalf: %d %s", first.code, first.body)
	}
	again := li.post(t, "/listings", form)
	if again.code != http.StatusSeeOther || again.location != first.location {
		t.Fatalf("the second submit: %d to %q, want %q", again.code, again.location, first.location)
	}
	if p := li.get(t, again.location); !strings.Contains(p.body, "已经提交过") {
		t.Fatalf("the clerk is not told it was done already:\n%s", p.body)
	}
	ls, err := s.store.SearchListings(context.Background(), store.ListingSearch{Phone: "13900000009"})
	if err != nil || len(ls) != 1 {
		t.Fatalf("%d listings for the member, want 1 (%v)", len(ls), err)
	}
	if n := count(t, s.store, `SELECT count(*) FROM outbox WHERE recipient = '13900000009' AND kind = 'receipt'`); n != 1 {
		t.Fatalf("%d receipts texted, want 1", n)
	}
	// A failed submit keeps nothing: its token still posts once.
	bad := listingForm("phone", "13900000010", "qty", "-1")
	bad.Set("once", "AAAAAAAAAAAAAAAAAAAAAAAAAA")
	if r := li.post(t, "/listings", bad); r.code != http.StatusBadRequest {
		t.Fatalf("a bad quantity: %d", r.code)
	}
	bad.Set("qty", "10")
	if r := li.post(t, "/listings", bad); r.code != http.StatusSeeOther || r.location == first.location {
		t.Fatalf("the corrected form: %d to %q", r.code, r.location)
	}
}

func TestGroupBuys_ADoubleSubmitOpensOneGroupBuy(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	clerk := s.as(t, "zhang", store.RoleClerk)
	form := groupBuyForm(nil)
	form.Set("once", formFields(t, clerk.get(t, "/groupbuys/new").body, "/groupbuys").Get("once"))
	first := clerk.post(t, "/groupbuys", form)
	again := clerk.post(t, "/groupbuys", form)
	if first.code != http.StatusSeeOther || again.code != http.StatusSeeOther || again.location != first.location {
		t.Fatalf("two submits: %d %q, %d %q", first.code, first.location, again.code, again.location)
	}
	if n := count(t, s.store, `SELECT count(*) FROM group_buys`); n != 1 {
		t.Fatalf("%d group-buys, want 1", n)
	}
	if n := count(t, s.store, `SELECT count(*) FROM audit_log WHERE action = 'groupbuy.create'`); n != 1 {
		t.Fatalf("%d audit lines, want 1", n)
	}
}

func TestForms_ThatCreateRefuseASubmitWithoutAOneTimeToken(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	form := bulletinConfirm(t, s, li)
	for path, f := range map[string]url.Values{
		"/bulletins": form,
		"/listings":  listingForm("phone", "13900000009"),
		"/groupbuys": groupBuyForm(nil),
	} {
		for _, tok := range [][]string{{}, {""}, {"short"}, {strings.Repeat("A", 30) + "<"}} {
			f["once"] = tok
			if r := li.post(t, path, f); r.code != http.StatusBadRequest || !strings.Contains(r.body, "表单已过期") {
				t.Errorf("%s with once=%q: %d %s", path, tok, r.code, r.body)
			}
		}
	}
	for _, table := range []string{"bulletins", "listings", "group_buys"} {
		if n := count(t, s.store, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%d rows in %s", n, table)
		}
	}
}

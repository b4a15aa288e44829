package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"huamu/internal/store"
)

func TestListings_FormsAnswerAQuantityOrPriceBeyondTheBoundsWithTheLimit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	for _, c := range []struct {
		field, value, want string
	}{
		{"qty", "999999999999999", "数量最多1000万"},
		{"qty", "99999999999999999999", "数量最多1000万"},
		{"price", "999999999999", "最多1亿元"},
		{"price", "2000000", "单价最多100万元"},
		{"price", "1e9", "要填数字"},
	} {
		r := li.post(t, "/listings", listingForm("phone", "13900000009", c.field, c.value))
		if r.code != http.StatusBadRequest || !strings.Contains(r.body, c.want) {
			t.Errorf("%s=%s: %d, want 400 saying %q", c.field, c.value, r.code, c.want)
		}
	}
	f := listingForm("phone", "13900000009", "qty", "2000")
	f.Set("price", "60000")
	if r := li.post(t, "/listings", f); r.code != http.StatusBadRequest || !strings.Contains(r.body, "总金额最多1亿元") {
		t.Errorf("2000 at 60000元: %d, want 400 naming the line total limit", r.code)
	}
}

func TestAPI_AQuantityOrPriceBeyondTheBoundsIsAnsweredWithTheLimit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	boss := s.as(t, "boss", store.RoleAdmin)
	token, _, err := s.store.CreateAPIClient(context.Background(), boss.id(t), "合作社系统", true)
	if err != nil {
		t.Fatal(err)
	}
	for body, want := range map[string]string{
		`{"phone":"13900000002","side":"supply","species":"桂花","qty":999999999999999,"price":"5"}`:   "数量最多1000万",
		`{"phone":"13900000002","side":"supply","species":"桂花","qty":100,"price":"999999999999.99"}`: "最多1亿元",
		`{"phone":"13900000002","side":"supply","species":"桂花","qty":100,"price":"2000000"}`:         "单价最多100万元",
	} {
		code, resp := apiCall(t, s, "POST", "/api/v1/listings", token, body)
		if code != http.StatusBadRequest || !strings.Contains(resp, want) {
			t.Errorf("%s: %d %s, want 400 saying %q", body, code, resp, want)
		}
	}
}

// The review asks the listing-edit rule of the API too; the API has no
// route that changes a listing (it reads, and posts new ones), so there is
// nothing stale it could write back. This pins that down: a route added
// later must go through exchange.EditListing, which takes what its caller saw.
func TestAPI_HasNoRouteThatChangesAListing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	boss := s.as(t, "boss", store.RoleAdmin)
	token, _, err := s.store.CreateAPIClient(context.Background(), boss.id(t), "合作社系统", true)
	if err != nil {
		t.Fatal(err)
	}
	id := openListing(t, s.store, "13800000001")
	for _, m := range []string{"PUT", "PATCH", "POST", "DELETE"} {
		code, _ := apiCall(t, s, m, "/api/v1/listings/"+itoa(id), token, `{"remaining":500}`)
		if code != http.StatusNotFound && code != http.StatusMethodNotAllowed {
			t.Errorf("%s /api/v1/listings/%d: %d", m, id, code)
		}
	}
	if l, _ := s.store.Listing(context.Background(), id); l.Remaining != 100 {
		t.Fatalf("remaining %d", l.Remaining)
	}
}

func TestGroupBuyCreate_AnswersAValueBeyondTheBoundsWithTheLimit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	clerk := s.as(t, "zhang", store.RoleClerk)
	for _, c := range []struct {
		field, value, want string
	}{
		{"price", "2000000", "团购价最多100万元"},
		{"min_total", "99999999999", "成团数量最多1000万"},
		{"price", "900000", "总金额最多1亿元"}, // 300 × 90万 = 2.7亿
	} {
		r := clerk.post(t, "/groupbuys", groupBuyForm(func(v url.Values) { v.Set(c.field, c.value) }))
		if r.code != http.StatusBadRequest || !strings.Contains(r.body, c.want) {
			t.Errorf("%s=%s: %d, want 400 saying %q", c.field, c.value, r.code, c.want)
		}
	}
}

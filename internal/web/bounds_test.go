package web_test

import (
	"net/http"
	"strings"
	"testing"

	"huamu/internal/store"
)

func TestListings_FormsAnswerAQuantityOrPriceBeyondTheBoundsWithTheLimit(t *testing.T) {
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

package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"huamu/internal/store"
	"huamu/matching"
)

// TestForms_RenderEveryDimensionFromTheTable: the listing forms (search,
// 代发布) offer every dimension of matching.Dimensions with its title, and
// the group-buy form has a range of every dimension with its name and
// unit, so a dimension added to the table reaches the clerks untouched.
func TestForms_RenderEveryDimensionFromTheTable(t *testing.T) {
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	pages := map[string]reply{}
	for _, path := range []string{"/listings", "/listings/new", "/groupbuys/new"} {
		if pages[path] = li.get(t, path); pages[path].code != http.StatusOK {
			t.Fatalf("%s: %d", path, pages[path].code)
		}
	}
	for _, d := range matching.Dimensions {
		for _, path := range []string{"/listings", "/listings/new"} {
			if want := `<option value="` + d.Key + `">` + html.EscapeString(d.Title()) + `</option>`; !strings.Contains(pages[path].body, want) {
				t.Errorf("%s has no %s", path, want)
			}
		}
		gb := pages["/groupbuys/new"].body
		for _, want := range []string{`name="` + d.Key + `_min"`, `name="` + d.Key + `_max"`, `aria-label="` + d.Name + `最小"`,
			`<span class="unit">` + html.EscapeString(d.Unit) + `</span>`} {
			if !strings.Contains(gb, want) {
				t.Errorf("/groupbuys/new has no %s", want)
			}
		}
	}
}

// TestForms_StoreEveryDimension: a listing posted on a member's behalf
// keeps whichever dimension the clerk chose, and a group-buy keeps a range
// of every dimension; the listing's page shows them by their titles.
func TestForms_StoreEveryDimension(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	li := s.as(t, "li", store.RoleClerk)
	for _, d := range matching.Dimensions {
		r := li.post(t, "/listings", listingForm("phone", "13900000009", "spec_key", d.Key, "spec_min", "3", "spec_max", "4"))
		if r.code != http.StatusSeeOther {
			t.Fatalf("%s: %d %.300s", d.Key, r.code, r.body)
		}
		ls, err := s.store.SearchListings(ctx, store.ListingSearch{Phone: "13900000009", SpecKey: d.Key, SpecMin: ptr(3.0), SpecMax: ptr(4.0)})
		if err != nil || len(ls) != 1 {
			t.Fatalf("%s: %d listings, %v", d.Key, len(ls), err)
		}
		if got := ls[0].Spec[d.Key]; got.Min == nil || *got.Min != 3 || got.Max == nil || *got.Max != 4 {
			t.Errorf("%s: stored %+v", d.Key, got)
		}
		if page := li.get(t, "/listings/"+itoa(ls[0].ID)); !strings.Contains(page.body, html.EscapeString(d.Title())+" 3-4") {
			t.Errorf("%s: the listing's page does not show %s 3-4", d.Key, d.Title())
		}
	}
	if r := li.post(t, "/listings", listingForm("phone", "13900000009", "spec_key", "no_such_cm")); r.code != http.StatusBadRequest || !strings.Contains(r.body, "规格类别不对") {
		t.Errorf("a key outside the table: %d", r.code)
	}

	r := li.post(t, "/groupbuys", groupBuyForm(func(v url.Values) {
		for _, d := range matching.Dimensions {
			v.Set(d.Key+"_min", "1")
			v.Set(d.Key+"_max", "2")
		}
	}))
	if r.code != http.StatusSeeOther {
		t.Fatalf("group-buy: %d %.300s", r.code, r.body)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.location, "/groupbuys/"), 10, 64)
	if err != nil {
		t.Fatalf("group-buy at %q", r.location)
	}
	g, err := s.store.GroupBuy(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range matching.Dimensions {
		if got := g.Spec[d.Key]; got.Min == nil || *got.Min != 1 || got.Max == nil || *got.Max != 2 {
			t.Errorf("group-buy %s: %+v", d.Key, got)
		}
	}
}

// TestQueue_GuessTakesTheFirstDimensionInDisplayOrder: the form a clerk
// gets for a text pre-fills the first dimension the text states, whichever
// it is (米径 here, which the form once could not hold).
func TestQueue_GuessTakesTheFirstDimensionInDisplayOrder(t *testing.T) {
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	id := needsClerk(t, s.store, "k1", "13800000001", "桂花 高3米 米径8公分 200株 万春镇", "no_side")
	r := li.get(t, "/queue/"+itoa(id))
	for _, want := range []string{`<option value="d1m_cm" selected>`, `name="spec_min" value="8"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the form is not pre-filled with %s", want)
		}
	}
}

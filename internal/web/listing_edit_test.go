package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"huamu/internal/store"
	"huamu/matching"
)

// seenRemaining is the remaining quantity a listing page's form carries.
func seenRemaining(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`name="seen_remaining" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the listing page's form does not carry the remaining quantity it shows")
	}
	return m[1]
}

// The review's case: a clerk opens the page (200 left), a buyer orders 150
// by SMS, the clerk saves a price fix from the page. Before, the page's 200
// were written back and 200 were on offer again with 150 reserved.
func TestListings_AnEditFromAPageOpenedBeforeAnOrderNeverPutsTheOrderedStockBack(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	li := s.as(t, "li", store.RoleClerk)
	o := seedOrder(t, s.store) // 200 offered, 100 ordered by SMS
	id := o.ListingID
	// The clerk's page was opened before the order: it showed 200.
	stale := url.Values{"remaining": {"200"}, "seen_remaining": {"200"}, "price": {"650"}, "town": {"万春镇"}}
	if r := li.post(t, "/listings/"+itoa(id)+"/edit", stale); r.code != http.StatusSeeOther {
		t.Fatalf("a price fix from a stale page: %d %s", r.code, r.body)
	}
	l, _ := s.store.Listing(ctx, id)
	if l.Remaining != 100 || l.Price.Min.StringFixed(2) != "650.00" {
		t.Fatalf("after the price fix: remaining %d price %s, want 100 (the order's 100 stay reserved) and 650.00", l.Remaining, l.Price.Min.StringFixed(2))
	}
	// Changing the quantity from a stale page is refused with what changed.
	stale.Set("remaining", "180")
	r := li.post(t, "/listings/"+itoa(id)+"/edit", stale)
	if r.code != http.StatusConflict || !strings.Contains(r.body, "已由200变为100") {
		t.Fatalf("a quantity change from a stale page: %d, want 409 saying what changed:\n%s", r.code, r.body)
	}
	if l, _ := s.store.Listing(ctx, id); l.Remaining != 100 {
		t.Fatalf("remaining %d after a refused edit", l.Remaining)
	}
	// From a fresh page it works, and the books still add up: what remains
	// plus what the order holds is what is offered.
	page := li.get(t, "/listings/"+itoa(id))
	if !strings.Contains(page.body, "100株已被订单占用") {
		t.Errorf("the page does not show what orders hold")
	}
	fresh := url.Values{"remaining": {"30"}, "seen_remaining": {seenRemaining(t, page.body)}, "price": {"650"}}
	if r := li.post(t, "/listings/"+itoa(id)+"/edit", fresh); r.code != http.StatusSeeOther {
		t.Fatalf("an edit from a fresh page: %d %s", r.code, r.body)
	}
	l, _ = s.store.Listing(ctx, id)
	if l.Remaining != 30 || l.Qty.Amount() != 130 {
		t.Fatalf("after the edit: remaining %d of %d, want 30 of 130", l.Remaining, l.Qty.Amount())
	}
	if bad, err := s.store.StockMismatches(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("stock does not add up: %+v %v", bad, err)
	}
	// A form from before the field existed is stale too.
	if r := li.post(t, "/listings/"+itoa(id)+"/edit", url.Values{"remaining": {"10"}}); r.code != http.StatusConflict {
		t.Fatalf("an edit without the page's remaining: %d", r.code)
	}
	// Nothing left: the listing is filled and no longer offered.
	page = li.get(t, "/listings/"+itoa(id))
	if r := li.post(t, "/listings/"+itoa(id)+"/edit", url.Values{"remaining": {"0"}, "seen_remaining": {seenRemaining(t, page.body)}}); r.code != http.StatusSeeOther {
		t.Fatalf("remaining 0: %d %s", r.code, r.body)
	}
	if l, _ := s.store.Listing(ctx, id); l.State != matching.ListingFilled {
		t.Fatalf("state %s with nothing remaining, want filled", l.State)
	}
}

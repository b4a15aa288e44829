package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"huamu/internal/store"
	"huamu/matching"
)

func TestListings_EditTellsTheMemberAndRefusesANegativeQuantity(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	li := s.as(t, "li", store.RoleClerk)
	id := openListing(t, s.store, "13800000001")
	if r := li.post(t, "/listings/"+itoa(id)+"/edit", url.Values{"remaining": {"-3"}, "seen_remaining": {"100"}}); r.code != http.StatusBadRequest || !strings.Contains(r.body, "不能是负数") {
		t.Fatalf("negative remaining: %d", r.code)
	}
	if r := li.post(t, "/listings/"+itoa(id)+"/edit", url.Values{}); r.code != http.StatusBadRequest {
		t.Fatalf("missing remaining: %d", r.code)
	}
	r := li.post(t, "/listings/"+itoa(id)+"/edit", url.Values{"remaining": {"80"}, "seen_remaining": {"100"}, "price": {"15"}, "town": {"和盛镇"}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.code, r.body)
	}
	l, _ := s.store.Listing(ctx, id)
	if l.Remaining != 80 || l.Price == nil || l.Price.Min.StringFixed(2) != "15.00" || l.Location.Town != "和盛镇" {
		t.Fatalf("after the edit: %+v", l)
	}
	out, _ := s.store.ListOutbox(ctx, store.OutboxFilter{Recipient: "13800000001"})
	if len(out) == 0 || !strings.Contains(out[0].Body, "更正") {
		t.Fatalf("the member was not told: %+v", out)
	}
	if r := li.post(t, "/listings/"+itoa(id)+"/cancel", url.Values{"reason": {"卖完了"}}); r.code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", r.code)
	}
	if r := li.post(t, "/listings/"+itoa(id)+"/edit", url.Values{"remaining": {"5"}}); r.code != http.StatusConflict {
		t.Fatalf("editing a cancelled listing: %d", r.code)
	}
}

func TestListings_PostOnBehalfCreatesTheMemberAndTheListing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	li := s.as(t, "li", store.RoleClerk)
	f := listingForm("phone", "13900000009")
	if r := li.post(t, "/listings", listingForm("phone", "12345")); r.code != http.StatusBadRequest || !strings.Contains(r.body, "11位") {
		t.Fatalf("bad phone: %d", r.code)
	}
	r := li.post(t, "/listings", f)
	if r.code != http.StatusSeeOther {
		t.Fatalf("post on behalf: %d %s", r.code, r.body)
	}
	ls, _ := s.store.SearchListings(ctx, store.ListingSearch{Phone: "13900000009", Town: "万春镇", SpecKey: "dia_cm", SpecMin: ptr(7.0), SpecMax: ptr(9.0)})
	if len(ls) != 1 {
		t.Fatalf("listing by town and spec range: %d", len(ls))
	}
	if ls2, _ := s.store.SearchListings(ctx, store.ListingSearch{SpecKey: "dia_cm", SpecMin: ptr(10.0)}); len(ls2) != 0 {
		t.Fatalf("a spec range 10+ found the 8cm listing")
	}
	page := li.get(t, "/listings?spec_key=dia_cm&spec_min=7&spec_max=9&town=万春镇")
	if !strings.Contains(page.body, "13900000009") {
		t.Fatal("the listings page does not find it")
	}
}

func ptr[T any](v T) *T { return &v }

func TestMembers_VerifyNotesStoplistAndCarrier(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	li := s.as(t, "li", store.RoleClerk)
	if r := li.post(t, "/members", url.Values{"phone": {"13800000001"}, "name": {"张三"}, "town": {"万春镇"}}); r.code != http.StatusSeeOther {
		t.Fatalf("add member: %d %s", r.code, r.body)
	}
	m, err := s.store.MemberRecordByPhone(ctx, "13800000001")
	if err != nil {
		t.Fatal(err)
	}
	r := li.post(t, "/members/"+itoa(m.ID), url.Values{"name": {"张三"}, "town": {"万春镇"}, "village": {"天乡路社区"},
		"notes": {"<script>x</script>"}, "verified": {"1"}, "stopped": {"1"}, "carrier": {"unicom"}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("update: %d %s", r.code, r.body)
	}
	m, _ = s.store.MemberRecordByID(ctx, m.ID)
	if m.VerifiedAt == nil || m.StoppedAt == nil || m.CarrierOverride != "unicom" || m.Village != "天乡路社区" {
		t.Fatalf("after update: %+v", m)
	}
	page := li.get(t, "/members/"+itoa(m.ID))
	if page.code != http.StatusOK || strings.Contains(page.body, "<script>x") || !strings.Contains(page.body, "/members/"+itoa(m.ID)+"/statement") {
		t.Fatalf("member page: %d", page.code)
	}
	if r := li.post(t, "/members/"+itoa(m.ID), url.Values{"notes": {strings.Repeat("长", 600)}}); r.code != http.StatusBadRequest {
		t.Fatalf("600-character notes: %d", r.code)
	}
}

func TestBulletins_PreviewCountsAndSendingSkipsStoppedNumbers(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	li := s.as(t, "li", store.RoleClerk)
	for i, town := range []string{"万春镇", "万春镇", "万春镇", "和盛镇"} {
		if _, err := s.store.AddMember(ctx, 1, "1380000000"+itoa(int64(i)), "", town, ""); err != nil {
			t.Fatal(err)
		}
	}
	stopped, _ := s.store.MemberRecordByPhone(ctx, "13800000002")
	if err := s.store.UpdateMember(ctx, 1, stopped.ID, store.MemberUpdate{Town: "万春镇", Stopped: true}); err != nil {
		t.Fatal(err)
	}
	body := "本周桂花8公分上车价600元，欢迎来电"
	q := url.Values{"body": {body}, "audience": {"town"}, "town": {"万春镇"}}
	p := li.get(t, "/bulletins/new?"+q.Encode())
	if p.code != http.StatusOK || !strings.Contains(p.body, `id="recipients">2<`) || !strings.Contains(p.body, `id="parts">1<`) {
		t.Fatalf("preview: %d\n%s", p.code, p.body)
	}
	if r := li.get(t, "/bulletins/new?"+url.Values{"body": {""}, "audience": {"town"}}.Encode()); r.code != http.StatusBadRequest {
		t.Fatalf("empty body preview: %d", r.code)
	}
	if r := li.post(t, "/bulletins", url.Values{"body": {body}, "audience": {"town"}}); r.code != http.StatusBadRequest {
		t.Fatalf("town audience without a town: %d", r.code)
	}
	r := li.post(t, "/bulletins", q)
	if r.code != http.StatusSeeOther || !strings.HasPrefix(r.location, "/bulletins/") {
		t.Fatalf("send: %d %s", r.code, r.body)
	}
	out, _ := s.store.ListOutbox(ctx, store.OutboxFilter{})
	got := map[string]bool{}
	for _, m := range out {
		if m.Kind == "bulletin" {
			got[m.Recipient] = true
		}
	}
	if len(got) != 2 || !got["13800000000"] || !got["13800000001"] || got["13800000002"] {
		t.Fatalf("bulletin went to %v, want 13800000000 and 13800000001 only", got)
	}
	prog := li.get(t, r.location+"/progress")
	if prog.code != http.StatusOK || !strings.Contains(prog.body, `"total":2`) || !strings.Contains(prog.body, `"queued":2`) {
		t.Fatalf("progress: %s", prog.body)
	}
}

func TestExports_AreWorkbooksWithTheSearchedRows(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ro := s.as(t, "zhao", store.RoleReadonly)
	openListing(t, s.store, "13800000001")
	needsClerk(t, s.store, "k1", "13800000001", "=HYPERLINK(\"http://x\")", "chitchat")
	for path, want := range map[string][]string{
		"/export/listings.xlsx": {"供求信息", "桂花"},
		"/export/sms.xlsx":      {"收到的短信", "'=HYPERLINK(\"http://x\")"},
		"/export/orders.xlsx":   {"订单", ""},
	} {
		r := ro.get(t, path)
		if r.code != http.StatusOK || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("%s: %d %s", path, r.code, r.body)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rows, err := f.GetRows(want[0])
		if err != nil {
			t.Fatalf("%s sheet %s: %v", path, want[0], err)
		}
		if want[1] != "" && (len(rows) < 2 || !strings.Contains(strings.Join(rows[1], "|"), want[1])) {
			t.Fatalf("%s rows: %v", path, rows)
		}
	}
}

func TestLexiconPage_AClerkAddsAWordThatCountsAtOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	if r := li.post(t, "/lexicon/species", url.Values{"name": {"蓝莓"}, "group": {"果树"}, "aliases": {"蓝莓苗，越橘"}}); r.code != http.StatusSeeOther {
		t.Fatalf("add species: %d %s", r.code, r.body)
	}
	if r := li.post(t, "/lexicon/village", url.Values{"town": {"万春镇"}, "village": {"燎原"}}); r.code != http.StatusSeeOther {
		t.Fatalf("add village: %d %s", r.code, r.body)
	}
	if r := li.post(t, "/lexicon/alias", url.Values{"species": {"蓝莓"}, "alias": {"桂花"}}); r.code != http.StatusConflict {
		t.Fatalf("alias owned by another species: %d", r.code)
	}
	if r := li.post(t, "/lexicon/variety", url.Values{"species": {"没有这种"}, "variety": {"金叶"}}); r.code != http.StatusNotFound {
		t.Fatalf("variety of an unknown species: %d", r.code)
	}
	page := li.get(t, "/lexicon?q=蓝莓")
	if !strings.Contains(page.body, "越橘") {
		t.Fatal("the new species is not listed")
	}
	// The queue's form now accepts the species.
	id := needsClerk(t, s.store, "k1", "13800000001", "出售蓝莓苗", "no_side")
	if r := li.post(t, "/queue/"+itoa(id)+"/listing", listingForm("species", "蓝莓", "spec_key", "")); r.code != http.StatusSeeOther {
		t.Fatalf("listing of the new species: %d %s", r.code, r.body)
	}
}

func TestListings_PostOnBehalfIsMatchedAtOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	li := s.as(t, "li", store.RoleClerk)
	// A buyer's open demand for the stock the grower phones in.
	if err := s.store.InTx(ctx, func(tx *store.Tx) error {
		m, err := tx.EnsureMember(ctx, "13800000077")
		if err != nil {
			return err
		}
		q := int64(50)
		_, err = tx.InsertListing(ctx, nil, matching.Listing{MemberID: m.ID, Side: matching.Demand, Species: "桂花",
			Spec: matching.Spec{matching.SpecDia: matching.Exactly(8)}, Qty: matching.Qty{Min: &q, Unit: "株"},
			ExpiresAt: tx.Now.Add(720 * time.Hour)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if r := li.post(t, "/listings", listingForm("phone", "13900000009")); r.code != http.StatusSeeOther {
		t.Fatalf("post on behalf: %d %s", r.code, r.body)
	}
	out, _ := s.store.ListOutbox(ctx, store.OutboxFilter{Recipient: "13800000077"})
	if len(out) != 1 || !strings.Contains(out[0].Body, "13900000009") {
		t.Fatalf("the buyer was not told of the new offer: %+v", out)
	}
}

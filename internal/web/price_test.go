package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"huamu/internal/exchange"
	"huamu/internal/outbound"
	"huamu/internal/pgtest"
	"huamu/internal/prices"
	"huamu/internal/store"
	"huamu/internal/web"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// seedDeals trades 桂花 by SMS: three 8 cm deals from two growers, one
// 12 cm deal (too few to publish), and an offer nobody took.
func seedDeals(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	ex := exchange.New(st, grammar.Default, "【花木通】", nil)
	n := 0
	say := func(from, body string) {
		t.Helper()
		n++
		if _, _, err := st.InsertInbound(ctx, store.MO{DedupKey: fmt.Sprintf("d%d", n), Bind: "b", Sender: from, Body: body}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error { return ex.HandleInbound(ctx, tx, in) }); err != nil {
			t.Fatal(err)
		}
	}
	deal := func(grower, offer, buyer string, qty int) {
		t.Helper()
		say(grower, offer)
		ls, err := st.ListListings(ctx, store.ListingFilter{Phone: grower, Limit: 1})
		if err != nil || len(ls) == 0 {
			t.Fatalf("no listing: %v", err)
		}
		say(buyer, fmt.Sprintf("订 %d %d", ls[0].ID, qty))
		say(grower, "确认")
	}
	deal("13800000001", "供 桂花 8公分 200株 600元", "13900000001", 50)
	deal("13800000002", "供 桂花 8公分 100株 580元", "13900000002", 20)
	deal("13800000001", "供 桂花 9公分 100株 620元", "13900000002", 30)
	deal("13800000003", "供 桂花 12公分 100株 900元", "13900000001", 10)
	say("13800000004", "供 桂花 12公分 50株 950元")
}

func TestPrices_PageShowsTheChartTheWeekAndHoldsBackASingleDeal(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	seedDeals(t, s.store)
	ro := s.as(t, "zhao", store.RoleReadonly)
	page := ro.get(t, "/prices")
	if page.code != http.StatusOK {
		t.Fatalf("/prices: %d %s", page.code, page.body)
	}
	for _, want := range []string{"价格行情", "<svg", "<polyline", "8cm", "600.00", "580.00–620.00", "12cm",
		"成交不足3笔或卖家不足2户，不公布", "2条 900.00–950.00", "导出Excel", "打印这周的行情单"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the 行情 page lacks %q", want)
		}
	}
	if got := ro.get(t, "/prices?species=火星花"); got.code != http.StatusBadRequest || !strings.Contains(got.body, "火星花") {
		t.Errorf("an unknown species: %d %s", got.code, got.body)
	}
	if got := ro.get(t, "/prices?species=紫薇"); got.code != http.StatusOK || !strings.Contains(got.body, "没有可以公布的成交价") {
		t.Errorf("a species without prices: %d", got.code)
	}

	xlsx := ro.get(t, "/prices/export.xlsx?species=桂花")
	if xlsx.code != http.StatusOK {
		t.Fatalf("export: %d %s", xlsx.code, xlsx.body)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx.body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("一周行情")
	if err != nil || len(rows) != 3 || rows[1][2] != "8cm" || rows[1][6] != "600.00" || rows[2][2] != "12cm" || rows[2][5] != "不公布" {
		t.Fatalf("the week's sheet: %q (%v)", rows, err)
	}
	if weekly, _ := f.GetRows("每周中位价"); len(weekly) != 3 || len(weekly[0]) != 27 {
		t.Errorf("the weekly sheet: %q", weekly)
	}

	sheet := ro.get(t, "/prices/sheet?week="+s.store.Now().Format("2006-01-02"))
	for _, want := range []string{"温江花木价格行情", "桂花", "600.00", "成交少，不公布"} {
		if !strings.Contains(sheet.body, want) {
			t.Errorf("the paper sheet lacks %q", want)
		}
	}
}

func TestPrices_APIFollowsThePrivacyRuleAndRefusesBadQueries(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	seedDeals(t, s.store)
	boss := s.as(t, "boss", store.RoleAdmin)
	tok, _, err := s.store.CreateAPIClient(context.Background(), boss.id(t), "协会网站", false)
	if err != nil {
		t.Fatal(err)
	}
	code, body := apiCall(t, s, "GET", "/api/v1/prices?species=桂花树&weeks=4", tok, "")
	if code != http.StatusOK {
		t.Fatalf("prices: %d %s", code, body)
	}
	var got struct {
		Species string
		Weeks   []string
		Series  []struct {
			Label   string
			Basis   string
			BandMin *float64 `json:"band_min"`
			Weeks   []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.Species != "桂花" || len(got.Weeks) != 4 {
		t.Fatalf("answer %s (%v)", body, err)
	}
	seen := map[string]map[string]any{}
	for _, sr := range got.Series {
		seen[sr.Label] = sr.Weeks[3]
	}
	if w := seen["8cm"]; w == nil || w["published"] != true || w["median"] != "600.00" || w["qty"] != float64(100) {
		t.Errorf("8cm this week: %v", w)
	}
	w := seen["12cm"]
	if w == nil || w["published"] != false || w["deals"] != float64(1) {
		t.Fatalf("12cm this week: %v", w)
	}
	for _, k := range []string{"median", "mean", "low", "high", "qty"} {
		if _, ok := w[k]; ok {
			t.Errorf("a single deal's %s is published: %v", k, w)
		}
	}
	for _, bad := range []string{"", "?species=火星花", "?species=桂花&weeks=0", "?species=桂花&weeks=53", "?species=桂花&weeks=x",
		"?species=桂花&week=20260309", "?species=" + url.QueryEscape(strings.Repeat("桂", 13))} {
		if code, body := apiCall(t, s, "GET", "/api/v1/prices"+bad, tok, ""); code != http.StatusBadRequest || !strings.Contains(body, `"error"`) {
			t.Errorf("%q: %d %s", bad, code, body)
		}
	}
	if code, _ := apiCall(t, s, "GET", "/api/v1/prices?species=桂花", "", ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
}

func TestLexicon_AClerkSetsASpeciesPriceBands(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	seedDeals(t, s.store)
	li := s.as(t, "li", store.RoleClerk)
	if r := li.post(t, "/lexicon/bands", url.Values{"species": {"桂花"}, "basis": {"d1m_cm"}, "edges": {"5 9 12"}}); r.code != http.StatusSeeOther {
		t.Fatalf("set bands: %d %s", r.code, r.body)
	}
	page := li.get(t, "/prices?species=桂花")
	// 8 and 8 fall in 5–9, 9 starts 9–12: the 8 cm deals are now "5cm" and one "9cm".
	for _, want := range []string{"按米径，分档界限 5 9 12", "5cm", "9cm"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("after the clerk's bands the page lacks %q", want)
		}
	}
	if lex := li.get(t, "/lexicon"); !strings.Contains(lex.body, "5 9 12") {
		t.Error("the lexicon page does not list the setting")
	}
	for _, bad := range []url.Values{
		{"species": {"桂花"}, "basis": {"colour"}},
		{"species": {"桂花"}, "basis": {"d1m_cm"}, "edges": {"9 5"}},
		{"species": {"桂花"}, "edges": {"5 9"}},
		{"species": {"火星花"}, "basis": {"d1m_cm"}},
	} {
		if r := li.post(t, "/lexicon/bands", bad); r.code != http.StatusBadRequest && r.code != http.StatusNotFound {
			t.Errorf("%v: %d %s", bad, r.code, r.body)
		}
	}
	if r := li.post(t, "/lexicon/bands", url.Values{"species": {"桂花"}}); r.code != http.StatusSeeOther {
		t.Fatalf("restore the defaults: %d", r.code)
	}
	if page := li.get(t, "/prices?species=桂花"); !strings.Contains(page.body, "默认分档") {
		t.Error("the defaults are not back")
	}
}

func TestBulletins_TheWeeklyPriceBulletinIsListedLikeAnyOther(t *testing.T) {
	t.Parallel()
	monday := time.Date(2026, 3, 9, 9, 0, 0, 0, matching.ChinaTime)
	st := pgtest.Store(t, func() time.Time { return monday })
	srv, err := web.New(siteOptions(t, st))
	if err != nil {
		t.Fatal(err)
	}
	s := newSiteWith(t, st, srv)
	ctx := context.Background()
	svc := &prices.Service{Store: st, Outbox: &outbound.Outbox{Budget: outbound.Budget{Signature: "【花木通】"}}}
	ex := exchange.New(st, grammar.Default, "【花木通】", nil)
	ex.Prices = svc
	if _, _, err := st.InsertInbound(ctx, store.MO{DedupKey: "s1", Bind: "b", Sender: "13900000009", Body: "订阅 桂花"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error { return ex.HandleInbound(ctx, tx, in) }); err != nil {
		t.Fatal(err)
	}
	id, err := svc.FireDue(ctx)
	if err != nil || id == 0 {
		t.Fatalf("bulletin %d (%v)", id, err)
	}
	li := s.as(t, "zhou", store.RoleReadonly)
	list := li.get(t, "/bulletins")
	for _, want := range []string{"订阅行情的会员", "系统", "价格周报 3月2日-8日"} {
		if !strings.Contains(list.body, want) {
			t.Errorf("the bulletins page lacks %q", want)
		}
	}
	one := li.get(t, "/bulletins/"+itoa(id))
	if one.code != http.StatusOK || !strings.Contains(one.body, "每人最多1条") || !strings.Contains(one.body, `<b id="total">1</b>`) {
		t.Errorf("the bulletin's page: %d %s", one.code, one.body)
	}
	if page := li.get(t, "/prices"); !strings.Contains(page.body, "群发#"+itoa(id)) {
		t.Error("the 行情 page does not list the week's bulletin")
	}
}

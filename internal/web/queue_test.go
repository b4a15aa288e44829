package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"huamu/internal/store"
)

func listingForm(kv ...string) url.Values {
	v := url.Values{"side": {"supply"}, "species": {"桂花"}, "spec_key": {"dia_cm"}, "spec_min": {"8"},
		"qty": {"200"}, "unit": {"株"}, "price": {"12.5"}, "town": {"万春镇"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestQueue_ShowsTheTextTheThreadAndAGuess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	li := s.as(t, "li", store.RoleClerk)
	id := needsClerk(t, s.store, "k1", "13800000001", "桂花 8公分 200株 12元 万春镇", "no_side")
	r := li.get(t, "/queue")
	if r.code != http.StatusOK || !strings.Contains(r.body, "桂花 8公分 200株") {
		t.Fatalf("queue: %d\n%s", r.code, r.body)
	}
	r = li.get(t, "/queue/"+itoa(id))
	if r.code != http.StatusOK {
		t.Fatalf("queue item: %d", r.code)
	}
	for _, want := range []string{`name="species" value="桂花"`, `name="qty" value="200"`, `name="spec_min" value="8"`, `name="town" value="万春镇"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the form is not pre-filled with %s", want)
		}
	}
	if r := li.get(t, "/queue/999999"); r.code != http.StatusNotFound {
		t.Errorf("missing text: %d", r.code)
	}
	if r := li.get(t, "/queue/abc"); r.code != http.StatusNotFound {
		t.Errorf("id abc: %d", r.code)
	}
}

func TestQueue_AClerksListingIsStoredTheSenderToldAndTheWordLearned(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	li := s.as(t, "li", store.RoleClerk)
	id := needsClerk(t, s.store, "k1", "13800000001", "供 花木通树 8公分 200株", "no_species")
	r := li.post(t, "/queue/"+itoa(id)+"/listing", listingForm("alias", "花木通树"))
	if r.code != http.StatusSeeOther {
		t.Fatalf("resolve: %d\n%s", r.code, r.body)
	}
	in, _ := s.store.InboundByID(ctx, id)
	if in.State != "resolved" || !strings.Contains(in.Outcome, "人工登记") {
		t.Fatalf("text after resolving: %s %q", in.State, in.Outcome)
	}
	ls, _ := s.store.SearchListings(ctx, store.ListingSearch{Phone: "13800000001"})
	if len(ls) != 1 || ls[0].Species != "桂花" || ls[0].Remaining != 200 || ls[0].Price.Min.StringFixed(2) != "12.50" {
		t.Fatalf("listings: %+v", ls)
	}
	out, _ := s.store.ListOutbox(ctx, store.OutboxFilter{Recipient: "13800000001"})
	if len(out) != 1 || !strings.Contains(out[0].Body, "已为您登记") {
		t.Fatalf("the sender was not told: %+v", out)
	}
	page := li.get(t, "/lexicon?q=花木通树")
	if !strings.Contains(page.body, "花木通树") {
		t.Fatal("the alias is not in the lexicon")
	}
	// A second try on the same text is refused: it is no longer waiting.
	if r := li.post(t, "/queue/"+itoa(id)+"/listing", listingForm()); r.code != http.StatusConflict {
		t.Fatalf("resolving twice: %d", r.code)
	}
}

func TestQueue_BadFormsAreRefusedInChineseAndChangeNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	li := s.as(t, "li", store.RoleClerk)
	id := needsClerk(t, s.store, "k1", "13800000001", "你好", "chitchat")
	for name, tc := range map[string]struct {
		form url.Values
		want string
	}{
		"MissingSide":      {listingForm("side", ""), "请选择供还是求"},
		"MissingSpecies":   {listingForm("species", ""), "请填写品种"},
		"UnknownSpecies":   {listingForm("species", "火星树"), "词库里没有品种"},
		"MissingQuantity":  {listingForm("qty", ""), "请填写数量"},
		"NegativeQuantity": {listingForm("qty", "-5"), "不能是负数"},
		"ZeroQuantity":     {listingForm("qty", "0"), "要大于0"},
		"NegativePrice":    {listingForm("price", "-1"), "不能是负数"},
		"ThreeDecimals":    {listingForm("price", "1.234"), "最多两位小数"},
		"PriceNotANumber":  {listingForm("price", "abc"), "要填数字"},
		"SpecReversed":     {listingForm("spec_min", "10", "spec_max", "8"), "上限不能小于下限"},
		"BadSpecKey":       {listingForm("spec_key", "x'; DROP TABLE"), "规格类别不对"},
		"BadUnit":          {listingForm("unit", "吨"), "单位不对"},
		"AliasWithSpace":   {listingForm("alias", "有 空格"), "不能有空格"},
		"AliasOfOther":     {listingForm("alias", "香樟"), "已是品种"},
		"HugeQuantity":     {listingForm("qty", "99999999999"), "数量最多1000万"},
		"InvalidUTF8":      {listingForm("town", "\xff\xfe"), "无效字符"},
	} {
		t.Run(name, func(t *testing.T) {
			r := li.post(t, "/queue/"+itoa(id)+"/listing", tc.form)
			if r.code < 400 || r.code >= 500 || !strings.Contains(r.body, tc.want) {
				t.Fatalf("%d, want a 4xx saying %q\n%s", r.code, tc.want, r.body)
			}
		})
	}
	in, _ := s.store.InboundByID(ctx, id)
	ls, _ := s.store.SearchListings(ctx, store.ListingSearch{})
	if in.State != "needs_clerk" || len(ls) != 0 {
		t.Fatalf("a refused form changed something: %s, %d listings", in.State, len(ls))
	}
}

func TestQueue_MarkHandledAndReparse(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	li := s.as(t, "li", store.RoleClerk)
	a := needsClerk(t, s.store, "k1", "13800000001", "你好", "chitchat")
	b := needsClerk(t, s.store, "k2", "13800000002", "供 花木通树 200株", "no_species")
	if r := li.post(t, "/queue/"+itoa(a)+"/handled", url.Values{"note": {"闲聊"}}); r.code != http.StatusSeeOther {
		t.Fatalf("handled: %d %s", r.code, r.body)
	}
	if in, _ := s.store.InboundByID(ctx, a); in.State != "resolved" {
		t.Fatalf("handled text is %s", in.State)
	}
	if r := li.post(t, "/queue/"+itoa(b)+"/reparse", url.Values{"alias": {"花木通树"}, "species": {"桂花"}}); r.code != http.StatusSeeOther {
		t.Fatalf("reparse: %d %s", r.code, r.body)
	}
	if in, _ := s.store.InboundByID(ctx, b); in.State != "new" {
		t.Fatalf("reparsed text is %s, want new (back to the intake)", in.State)
	}
	rows, _ := s.store.ListAudit(ctx, store.AuditFilter{User: "li", Action: "inbound"})
	if len(rows) != 2 {
		t.Fatalf("audit rows for li's queue work: %+v", rows)
	}
}

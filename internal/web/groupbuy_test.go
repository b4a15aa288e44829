package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/groupbuy"
	"huamu/internal/store"
	"huamu/matching"
)

func groupBuyForm(mut func(url.Values)) url.Values {
	v := url.Values{"species": {"桂花"}, "unit": {"株"}, "price": {"650"}, "min_total": {"300"}, "cap": {"300"},
		"min_each": {"50"}, "step": {"10"}, "deadline": {time.Now().Add(72 * time.Hour).Format("2006-01-02")},
		"dia_cm_min": {"8"}, "dia_cm_max": {"10"}, "town": {"万春镇"}}
	if mut != nil {
		mut(v)
	}
	return v
}

func TestGroupBuyCreate_RefusesBadInputWithAChineseMessage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	clerk := s.as(t, "zhang", store.RoleClerk)
	cases := map[string]func(url.Values){
		"NegativePrice":       func(v url.Values) { v.Set("price", "-5") },
		"NoPrice":             func(v url.Values) { v.Del("price") },
		"CapBelowTipping":     func(v url.Values) { v.Set("cap", "100") },
		"UnknownSpecies":      func(v url.Values) { v.Set("species", "不存在的树") },
		"DeadlineInThePast":   func(v url.Values) { v.Set("deadline", "2020-01-01") },
		"SpecRangeUpsideDown": func(v url.Values) { v.Set("dia_cm_min", "12") },
		"NegativeQuantity":    func(v url.Values) { v.Set("min_each", "-10") },
		"GarbageDate":         func(v url.Values) { v.Set("deadline", "next tuesday") },
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			r := clerk.post(t, "/groupbuys", groupBuyForm(mut))
			if r.code != 400 || !strings.Contains(r.body, "class=\"error\"") {
				t.Fatalf("%d, want 400 with the form and an error:\n%.300s", r.code, r.body)
			}
		})
	}
	if rows, _ := s.store.ListGroupBuys(context.Background(), "", 10); len(rows) != 0 {
		t.Fatalf("%d group-buys stored from bad forms", len(rows))
	}
}

func TestGroupBuyPages_CreateFillAllocatePrintAndExport(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	clerk := s.as(t, "zhang", store.RoleClerk)
	r := clerk.post(t, "/groupbuys", groupBuyForm(nil))
	if r.code != 303 || !strings.HasPrefix(r.location, "/groupbuys/") {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	page := clerk.get(t, r.location)
	if page.code != 200 || !strings.Contains(page.body, "<progress") || !strings.Contains(page.body, "已有0/300株") {
		t.Fatalf("page: %d\n%.500s", page.code, page.body)
	}
	gbs, _ := s.store.ListGroupBuys(ctx, "", 10)
	id := gbs[0].ID
	// Two growers offer 250 between them; three buyers commit 300, which is the cap.
	member := func(phone string) int64 {
		var mid int64
		_ = s.store.InTx(ctx, func(tx *store.Tx) error {
			m, err := tx.EnsureMember(ctx, phone)
			mid = m.ID
			return err
		})
		return mid
	}
	for i, q := range []int64{150, 100} {
		mid := member("1390000000" + itoa(int64(i)))
		price := decimal.NewFromInt(int64(580 + 10*i))
		qty := q
		if err := s.store.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.InsertListing(ctx, nil, matching.Listing{MemberID: mid, Side: matching.Supply, Species: "桂花",
				Spec: matching.Spec{matching.SpecDia: matching.Exactly(9)}, Qty: matching.Qty{Min: &qty, Unit: "株"},
				Price: &matching.Price{Min: &price, Max: &price, Per: "株"}, ExpiresAt: tx.Now.Add(720 * time.Hour)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	svc := &groupbuy.Service{Store: s.store}
	for i, q := range []int64{150, 100, 50} {
		mid := member("1380000000" + itoa(int64(i)))
		if err := s.store.InTx(ctx, func(tx *store.Tx) error {
			_, err := svc.Join(ctx, tx, mid, id, q, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	page = clerk.get(t, "/groupbuys/"+itoa(id))
	for _, want := range []string{"向种植户采购", "还缺 50株", "ov_", "向以上种植户下单"} {
		if !strings.Contains(page.body, want) {
			t.Fatalf("closed group-buy page lacks %q:\n%.2000s", want, page.body)
		}
	}
	// Readonly may look but not order or allocate.
	ro := s.as(t, "view", store.RoleReadonly)
	if r := ro.post(t, "/groupbuys/"+itoa(id)+"/purchase", url.Values{}); r.code != 403 {
		t.Fatalf("readonly purchase: %d", r.code)
	}
	if r := clerk.post(t, "/groupbuys/"+itoa(id)+"/purchase", url.Values{"ov_999999": {"-3"}}); r.code != 400 {
		t.Fatalf("negative adjustment: %d, want 400", r.code)
	}
	if r := clerk.post(t, "/groupbuys/"+itoa(id)+"/purchase", url.Values{}); r.code != 303 {
		t.Fatalf("purchase: %d %s", r.code, r.body)
	}
	if r := clerk.post(t, "/groupbuys/"+itoa(id)+"/allocate", url.Values{}); r.code != 409 {
		t.Fatalf("allocate before the growers answered: %d, want 409", r.code)
	}
	// The growers phone in; the clerk confirms their orders on the orders page.
	orders, err := s.store.GroupBuyOrders(ctx, id)
	if err != nil || len(orders) != 2 {
		t.Fatalf("%d purchase orders (%v), want one per grower", len(orders), err)
	}
	for _, o := range orders {
		if r := clerk.post(t, "/orders/"+itoa(o.ID)+"/confirm", url.Values{}); r.code != 303 {
			t.Fatalf("confirm order %d: %d %s", o.ID, r.code, r.body)
		}
	}
	page = clerk.get(t, "/groupbuys/"+itoa(id))
	if !strings.Contains(page.body, "分配预览") || !strings.Contains(page.body, "确认分配") {
		t.Fatalf("page after the growers confirmed lacks the allocation:\n%.2000s", page.body)
	}
	if r := ro.post(t, "/groupbuys/"+itoa(id)+"/allocate", url.Values{}); r.code != 403 {
		t.Fatalf("readonly allocate: %d", r.code)
	}
	if r := clerk.post(t, "/groupbuys/"+itoa(id)+"/allocate", url.Values{}); r.code != 303 {
		t.Fatalf("allocate: %d %s", r.code, r.body)
	}
	sheets := clerk.get(t, "/groupbuys/"+itoa(id)+"/sheets")
	// 250 for 300 committed with a minimum lot of 50: the last joiner's
	// share (40) is under the lot, so the first two get all they asked.
	if sheets.code != 200 || strings.Count(sheets.body, "备货单　团购") != 2 || strings.Count(sheets.body, "交货单　团购") != 2 {
		t.Fatalf("sheets: %d, want 2 pick lists and 2 delivery sheets", sheets.code)
	}
	x := clerk.get(t, "/groupbuys/"+itoa(id)+"/export.xlsx")
	if x.code != 200 || !strings.Contains(x.header.Get("Content-Type"), "spreadsheetml") || !strings.HasPrefix(x.body, "PK") {
		t.Fatalf("export: %d %s", x.code, x.header.Get("Content-Type"))
	}
	entries, err := s.store.AllEntries(ctx)
	if err != nil || len(entries) != 3 {
		t.Fatalf("ledger %v (%v), want the two growers' orders and the group-buy's sale", entries, err)
	}
}

func TestGroupBuyPayment_RefusesHostileFields(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	clerk := s.as(t, "zhang", store.RoleClerk)
	r := clerk.post(t, "/groupbuys", groupBuyForm(nil))
	if r.code != 303 {
		t.Fatalf("create: %d", r.code)
	}
	for name, form := range map[string]url.Values{
		"NegativeAmount":  {"member": {"1"}, "dir": {"in"}, "amount": {"-3"}, "receipt": {"A"}},
		"ThreeDecimals":   {"member": {"1"}, "dir": {"in"}, "amount": {"1.234"}, "receipt": {"A"}},
		"NoReceipt":       {"member": {"1"}, "dir": {"in"}, "amount": {"5"}},
		"MemberNotNumber": {"member": {"x'--"}, "dir": {"in"}, "amount": {"5"}, "receipt": {"A"}},
	} {
		t.Run(name, func(t *testing.T) {
			if r := clerk.post(t, r.location+"/payment", form); r.code != 400 {
				t.Fatalf("%d, want 400", r.code)
			}
		})
	}
	// Not yet allocated: a well-formed payment is a conflict, not a posting.
	if r := clerk.post(t, r.location+"/payment", url.Values{"member": {"1"}, "dir": {"in"}, "amount": {"5"}, "receipt": {"A"}}); r.code != 409 {
		t.Fatalf("payment before allocation: %d, want 409", r.code)
	}
}

package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"huamu/internal/exchange"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// seedOrder has a grower offer 桂花 and a buyer order 100 of it by SMS, and
// returns the proposal.
func seedOrder(t *testing.T, st *store.Store) store.OrderInfo {
	t.Helper()
	ctx := context.Background()
	ex := exchange.New(st, grammar.Default, "【花木通】", nil)
	say := func(key, from, body string) {
		if _, _, err := st.InsertInbound(ctx, store.MO{DedupKey: key, Bind: "b", Sender: from, Body: body}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error {
			return ex.HandleInbound(ctx, tx, in)
		}); err != nil {
			t.Fatal(err)
		}
	}
	say("o1", "13800000001", "供 桂花 8公分 200株 600元 万春镇")
	ls, err := st.ListListings(ctx, store.ListingFilter{Limit: 1})
	if err != nil || len(ls) == 0 {
		t.Fatalf("no listing: %v", err)
	}
	say("o2", "13900000002", fmt.Sprintf("订 %d 100", ls[0].ID))
	os, err := st.SearchOrders(ctx, store.OrderFilter{Limit: 1})
	if err != nil || len(os) == 0 {
		t.Fatalf("no order: %v", err)
	}
	return os[0]
}

func TestOrders_ClerkConfirmsOnTheGrowersBehalfAndRecordsPayment(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	o := seedOrder(t, s.store)
	clerk := s.as(t, "wang", store.RoleClerk)
	page := clerk.get(t, "/orders?state=proposed")
	if page.code != http.StatusOK || !strings.Contains(page.body, "13900000002") || !strings.Contains(page.body, "代卖家确认") {
		t.Fatalf("orders page: %d %s", page.code, page.body)
	}
	r := clerk.post(t, fmt.Sprintf("/orders/%d/confirm", o.ID), url.Values{"reason": {"卖家来电确认"}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", r.code, r.body)
	}
	got, _ := s.store.Order(context.Background(), o.ID)
	if got.State != matching.OrderConfirmed {
		t.Fatalf("order %s after the clerk confirmed", got.State)
	}
	r = clerk.post(t, fmt.Sprintf("/orders/%d/payment", o.ID), url.Values{"kind": {"in"}, "amount": {"60000.00"}, "receipt": {"SJ001"}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("payment: %d %s", r.code, r.body)
	}
	st := clerk.get(t, fmt.Sprintf("/members/%d/statement", o.BuyerID))
	for _, want := range []string{"订单成交", "买家付款", "60000.00", "-60000.00", "0.00"} {
		if !strings.Contains(st.body, want) {
			t.Errorf("statement lacks %q", want)
		}
	}
	log, _ := s.store.ListAudit(context.Background(), store.AuditFilter{User: "wang"})
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action+" "+e.Object+" "+e.Detail)
	}
	all := strings.Join(actions, "|")
	if !strings.Contains(all, "order.confirm "+matching.OrderRef(o.ID)) || !strings.Contains(all, "卖家来电确认") ||
		!strings.Contains(all, "order.payment_in") {
		t.Errorf("audit log %q lacks the clerk's confirm with reason and the payment", all)
	}
}

func TestOrders_BadFormsAreRefusedAndChangeNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	o := seedOrder(t, s.store)
	clerk := s.as(t, "wang", store.RoleClerk)
	path := func(act string) string { return fmt.Sprintf("/orders/%d/%s", o.ID, act) }
	cases := []struct {
		name, path string
		form       url.Values
		code       int
	}{
		{"ForgedCSRF", path("confirm"), url.Values{"csrf": {"forged"}}, http.StatusForbidden},
		{"CancelWithoutReason", path("cancel"), url.Values{}, http.StatusBadRequest},
		{"UnknownAction", path("explode"), url.Values{}, http.StatusNotFound},
		{"NotAnID", "/orders/abc/confirm", url.Values{}, http.StatusNotFound},
		{"NoSuchOrder", "/orders/999999/confirm", url.Values{}, http.StatusNotFound},
		{"DeliverAProposal", path("deliver"), url.Values{}, http.StatusConflict},
		{"PaymentOnAProposal", path("payment"), url.Values{"kind": {"in"}, "amount": {"10"}}, http.StatusConflict},
		{"ReasonTooLong", path("cancel"), url.Values{"reason": {strings.Repeat("长", 101)}}, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := clerk.post(t, c.path, c.form); r.code != c.code {
				t.Errorf("%s: %d %s, want %d", c.path, r.code, strings.TrimSpace(r.body), c.code)
			}
		})
	}
	if _, err := s.store.Order(context.Background(), o.ID); err != nil {
		t.Fatal(err)
	}
	clerk.post(t, path("confirm"), url.Values{})
	for _, c := range []struct {
		name string
		form url.Values
	}{
		{"NegativeAmount", url.Values{"kind": {"in"}, "amount": {"-5"}}},
		{"ThreeDecimals", url.Values{"kind": {"in"}, "amount": {"1.005"}}},
		{"MissingAmount", url.Values{"kind": {"in"}}},
		{"MissingKind", url.Values{"amount": {"10"}}},
		{"HostileKind", url.Values{"kind": {"in'; DROP TABLE orders;--"}, "amount": {"10"}}},
		{"NotANumber", url.Values{"kind": {"out"}, "amount": {"<script>"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r := clerk.post(t, path("payment"), c.form); r.code != http.StatusBadRequest {
				t.Errorf("payment %v: %d, want 400", c.form, r.code)
			}
		})
	}
	entries, _ := s.store.AllEntries(context.Background())
	if len(entries) != 1 { // the confirmation only
		t.Errorf("%d ledger entries, want only the confirmation's", len(entries))
	}
	if got, _ := s.store.Order(context.Background(), o.ID); got.State != matching.OrderConfirmed {
		t.Errorf("order %s", got.State)
	}
}

func TestOrders_ReadonlyMaySeeButNotAct(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	o := seedOrder(t, s.store)
	ro := s.as(t, "zhao", store.RoleReadonly)
	page := ro.get(t, "/orders")
	if page.code != http.StatusOK || !strings.Contains(page.body, "13900000002") {
		t.Fatalf("readonly orders page: %d", page.code)
	}
	if strings.Contains(page.body, fmt.Sprintf(`action="/orders/%d/confirm"`, o.ID)) {
		t.Errorf("readonly page shows action forms")
	}
	if r := ro.post(t, fmt.Sprintf("/orders/%d/confirm", o.ID), url.Values{}); r.code != http.StatusForbidden {
		t.Errorf("readonly confirm: %d, want 403", r.code)
	}
	if got, _ := s.store.Order(context.Background(), o.ID); got.State != matching.OrderProposed {
		t.Errorf("a readonly account changed the order to %s", got.State)
	}
	if r := ro.get(t, fmt.Sprintf("/members/%d/statement", o.BuyerID)); r.code != http.StatusOK {
		t.Errorf("readonly statement: %d", r.code)
	}
	if r := ro.get(t, "/members/0/statement"); r.code != http.StatusNotFound {
		t.Errorf("statement of member 0: %d, want 404", r.code)
	}
}

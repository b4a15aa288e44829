package groupbuy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/groupbuy"
	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/matching"
)

// books is everything a clerk's group-buy action may change, as one
// comparable line.
func books(t *testing.T, st *store.Store) string {
	t.Helper()
	var s string
	err := st.Pool().QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT string_agg(id || ':' || state || ':' || deadline::text || ':' || reason, ',' ORDER BY id) FROM group_buys),
		(SELECT string_agg(group_buy_id || '/' || member_id || ':' || qty || ':' || coalesce(allocated, -1), ',' ORDER BY group_buy_id, member_id) FROM group_buy_commitments),
		(SELECT string_agg(id || ':' || state, ',' ORDER BY id) FROM orders),
		(SELECT string_agg(id || ':' || remaining || ':' || state, ',' ORDER BY id) FROM listings),
		(SELECT count(*) FROM outbox), (SELECT count(*) FROM ledger_entries),
		(SELECT count(*) FROM group_buy_invites), (SELECT count(*) FROM group_buy_lines),
		(SELECT count(*) FROM audit_log))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Before, the audit row was written after the change had committed: an
// allocation whose audit failed was reported to the clerk as failed, yet
// its ledger entry and texts had gone out. Now each of a clerk's group-buy
// actions and its audit row commit together or not at all.
func TestAudit_AGroupBuyActionWhoseAuditFailsChangesNothing(t *testing.T) {
	t.Parallel()
	st, c, _ := setup(t)
	ctx := context.Background()
	svc := &groupbuy.Service{Store: st}
	clerk, err := st.UpsertUser(ctx, "li", "李", store.RoleClerk, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	g := newGroupBuy(t, st, nil)
	other := newGroupBuy(t, st, nil)
	demand(t, st, "13800000009", 8, "")
	offers := []int64{offer(t, st, "13900000001", 300, "580"), offer(t, st, "13900000002", 300, "600")}
	var buyer int64
	for i, q := range []int64{300, 250} {
		buyer = member(t, st, fmt.Sprintf("1380000030%d", i))
		if _, err := join(t, st, svc, buyer, g.ID, q); err != nil {
			t.Fatal(err)
		}
	}

	// try runs a clerk's action with the audit log down, then up: the
	// first must fail and change nothing, the second must do the action
	// and write exactly one audit row for it.
	try := func(action string, do func() error) {
		t.Helper()
		before := books(t, st)
		mend := pgtest.FailInserts(t, st, "audit_log")
		if err := do(); err == nil {
			t.Fatalf("%s succeeded with the audit log down", action)
		}
		if after := books(t, st); after != before {
			t.Fatalf("%s failed on its audit row but changed the books:\nbefore %s\nafter  %s", action, before, after)
		}
		mend()
		if err := do(); err != nil {
			t.Fatalf("%s with the audit log up: %v", action, err)
		}
		rows, err := st.ListAudit(ctx, store.AuditFilter{Action: action})
		if err != nil || len(rows) != 1 || rows[0].User != "li" {
			t.Fatalf("%s: audit rows %+v (%v), want one by li", action, rows, err)
		}
	}

	try("groupbuy.extend", func() error { return svc.Extend(ctx, g.ID, t0.Add(72*time.Hour), clerk.ID) })
	try("groupbuy.invite", func() error { _, err := svc.Invite(ctx, g.ID, clerk.ID); return err })
	try("groupbuy.cancel", func() error { return svc.Cancel(ctx, other.ID, "价格谈不拢", clerk.ID) })
	c.add(100 * time.Hour)
	if _, err := svc.FireDue(ctx); err != nil {
		t.Fatal(err)
	}
	try("groupbuy.purchase", func() error { _, err := svc.Purchase(ctx, g.ID, nil, clerk.ID); return err })
	settle(t, st, g.ID, offers...)
	try("groupbuy.allocate", func() error { _, err := svc.Allocate(ctx, g.ID, clerk.ID); return err })
	try("groupbuy.payment_in", func() error {
		return svc.RecordPayment(ctx, g.ID, buyer, groupbuy.PaymentIn, decimal.RequireFromString("1000"), "S1", clerk.ID)
	})
	try("groupbuy.delivered", func() error { return svc.Delivered(ctx, g.ID, "万春镇农资站", clerk.ID) })
	if got, _ := st.GroupBuy(ctx, g.ID); got.State != matching.GroupDelivered {
		t.Fatalf("state %s at the end, want delivered", got.State)
	}
}

func TestCreate_AGroupBuyIsNotOpenedWithoutItsAuditRow(t *testing.T) {
	t.Parallel()
	st, _, _ := setup(t)
	ctx := context.Background()
	svc := &groupbuy.Service{Store: st}
	clerk, err := st.UpsertUser(ctx, "li", "李", store.RoleClerk, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	g := matching.GroupBuy{Species: "桂花", Unit: "株", Price: decimal.RequireFromString("650"), MinTotal: 500,
		MinEach: 20, Step: 10, Deadline: t0.Add(48 * time.Hour)}
	create := func() error {
		return st.InTx(ctx, func(tx *store.Tx) error { _, err := svc.Create(ctx, tx, g, clerk.ID); return err })
	}
	mend := pgtest.FailInserts(t, st, "audit_log")
	if err := create(); err == nil {
		t.Fatal("a group-buy was created with the audit log down")
	}
	if rows, _ := st.ListGroupBuys(ctx, "", 10); len(rows) != 0 {
		t.Fatalf("group-buys %+v after a create whose audit failed", rows)
	}
	mend()
	if err := create(); err != nil {
		t.Fatal(err)
	}
	rows, err := st.ListAudit(ctx, store.AuditFilter{Action: "groupbuy.create"})
	if err != nil || len(rows) != 1 || rows[0].User != "li" || rows[0].Detail != "桂花" {
		t.Fatalf("audit %+v (%v), want li's creation of a 桂花 group-buy", rows, err)
	}
}

package groupbuy_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/groupbuy"
	"huamu/internal/store"
	"huamu/matching"
)

func demand(t *testing.T, st *store.Store, phone string, dia float64, bid string) {
	t.Helper()
	mid := member(t, st, phone)
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		q := int64(50)
		l := matching.Listing{MemberID: mid, Side: matching.Demand, Species: "桂花",
			Spec: matching.Spec{matching.SpecDia: matching.Exactly(dia)}, Qty: matching.Qty{Min: &q, Unit: "株"},
			ExpiresAt: tx.Now.Add(720 * time.Hour)}
		if bid != "" {
			p := decimal.RequireFromString(bid)
			l.Price = &matching.Price{Min: &p, Max: &p, Per: "株"}
		}
		_, err := tx.InsertListing(context.Background(), nil, l)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestInvite_FittingDemandsOnceStoppedNumbersNever(t *testing.T) {
	t.Parallel()
	st, _, _ := setup(t)
	ctx := context.Background()
	svc := &groupbuy.Service{Store: st}
	g := newGroupBuy(t, st, nil)           // 桂花 8cm at 650
	demand(t, st, "13800000001", 8, "")    // fits
	demand(t, st, "13800000002", 8, "700") // fits: bids above the group price
	demand(t, st, "13800000003", 8, "600") // bids below the group price
	demand(t, st, "13800000004", 12, "")   // another size
	demand(t, st, "13800000005", 8, "")    // fits but opted out
	if _, err := st.Pool().Exec(ctx, `UPDATE members SET stopped_at = now() WHERE phone = '13800000005'`); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Invite(ctx, g.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Invited != 2 || res.Parts != 2 {
		t.Fatalf("invited %d in %d parts, want 2 in 2", res.Invited, res.Parts)
	}
	got := map[string]bool{}
	for _, m := range outbox(t, st) {
		got[m.Recipient] = true
	}
	if len(got) != 2 || !got["13800000001"] || !got["13800000002"] {
		t.Fatalf("texted %v", got)
	}
	again, err := svc.Invite(ctx, g.ID, 0)
	if err != nil || again.Invited != 0 {
		t.Fatalf("second round invited %d (%v), want nobody twice", again.Invited, err)
	}
}

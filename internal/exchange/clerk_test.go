package exchange_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"huamu/internal/exchange"
	"huamu/internal/store"
	"huamu/matching"
)

func TestParseYuan_AcceptsExactAmountsOnly(t *testing.T) {
	t.Parallel()
	good := map[string]string{"6000": "6000", "6000.50": "6000.5", " 0.01 ": "0.01", "６０００．５": "6000.5", "1,234.56元": "1234.56"}
	for in, want := range good {
		got, err := exchange.ParseYuan(in)
		if err != nil || !got.Equal(decimal.RequireFromString(want)) {
			t.Errorf("ParseYuan(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "1.005", "abc", "1e5", "NaN", "1..2", ".5", "5.", "100000000.01", "99999999999999999999999", "1 2"} {
		if got, err := exchange.ParseYuan(in); matching.ErrorCodeOf(err) != matching.CodeInvalid {
			t.Errorf("ParseYuan(%q) = %s, %v; want invalid", in, got, err)
		}
	}
}

// FuzzParseYuan: whatever a form field holds, ParseYuan never panics and
// returns either a positive amount of at most two decimals within the
// bound for an amount, or CodeInvalid.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"6000", "6000.50", "0.001", "-1", "１２", "1e9", "", "元"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := exchange.ParseYuan(s)
		if err != nil {
			if matching.ErrorCodeOf(err) != matching.CodeInvalid {
				t.Fatalf("ParseYuan(%q): %v, want CodeInvalid", s, err)
			}
			return
		}
		if !d.IsPositive() || !d.Equal(matching.Round2(d)) || d.GreaterThan(decimal.NewFromInt(matching.MaxLineTotalYuan)) {
			t.Fatalf("ParseYuan(%q) = %s", s, d)
		}
	})
}

func TestClerk_ActionsFollowTheRulesAndAreAudited(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	ctx := context.Background()
	u, err := b.st.UpsertUser(ctx, "wang", "王", store.RoleClerk, "pw-long-enough-1")
	if err != nil {
		t.Fatal(err)
	}
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	b.text(t, buyer, fmt.Sprintf("订 %d 10", id))
	o := b.lastOrder(t)
	if _, err := b.ex.ActOnOrder(ctx, u.ID, o.ID, exchange.ClerkCancel, ""); matching.ErrorCodeOf(err) != matching.CodeInvalid {
		t.Errorf("cancel without a reason: %v", err)
	}
	if _, err := b.ex.ActOnOrder(ctx, u.ID, o.ID, exchange.ClerkDeliver, ""); matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Errorf("deliver a proposal: %v, want conflict", err)
	}
	if _, err := b.ex.RecordPayment(ctx, u.ID, o.ID, exchange.PaidIn, "6000", ""); matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Errorf("payment on a proposal: %v, want conflict", err)
	}
	next, err := b.ex.ActOnOrder(ctx, u.ID, o.ID, exchange.ClerkConfirm, "电话确认")
	if err != nil || next.State != matching.OrderConfirmed {
		t.Fatalf("confirm on the grower's behalf: %v %v", next.State, err)
	}
	if _, err := b.ex.RecordPayment(ctx, u.ID, o.ID, exchange.PaidIn, "6000.00", "SJ-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ex.RecordPayment(ctx, u.ID, o.ID, exchange.PaidIn, "6000.00", "SJ-1"); matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Errorf("same receipt twice: %v, want conflict", err)
	}
	if _, err := b.ex.ActOnOrder(ctx, u.ID, o.ID, exchange.ClerkDeliver, ""); err != nil {
		t.Fatal(err)
	}
	_, bal, err := b.st.MemberStatement(ctx, o.BuyerID)
	if err != nil || !bal.IsZero() {
		t.Errorf("buyer's balance after paying in full: %s (%v)", bal, err)
	}
	log, err := b.st.ListAudit(ctx, store.AuditFilter{Object: matching.OrderRef(o.ID)})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.User+":"+e.Action)
	}
	got := strings.Join(actions, " ")
	for _, want := range []string{"wang:order.confirm", "wang:order.deliver"} {
		if !strings.Contains(got, want) {
			t.Errorf("audit %q lacks %q", got, want)
		}
	}
	pay, _ := b.st.ListAudit(ctx, store.AuditFilter{Action: "order.payment"})
	if len(pay) != 1 {
		t.Errorf("payment audit rows %d, want 1 (the refused duplicate leaves none)", len(pay))
	}
	b.checkBooks(t)
}

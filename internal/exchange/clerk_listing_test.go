package exchange_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"huamu/internal/outbound"
	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/matching"
)

// phonedIn is an offer of 200 桂花 at 8 cm, 600 元, as a clerk types it in.
func phonedIn(b *bench) matching.Listing {
	q, p := int64(200), decimal.RequireFromString("600")
	return matching.Listing{Side: matching.Supply, Species: "桂花", Spec: matching.Spec{matching.SpecDia: matching.Exactly(8)},
		Qty: matching.Qty{Min: &q, Max: &q, Unit: "株"}, Price: &matching.Price{Min: &p, Max: &p, Per: "株"},
		CreatedAt: b.clock.Now(), ExpiresAt: b.clock.Now().AddDate(0, 0, 30)}
}

// textsTo returns every body in the outbox sent to phone.
func (b *bench) textsTo(t *testing.T, phone string) []string {
	t.Helper()
	all, err := b.st.ListOutbox(context.Background(), store.OutboxFilter{Recipient: phone, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range all {
		out = append(out, m.Body)
	}
	return out
}

func (b *bench) audited(t *testing.T, action string) []store.AuditEntry {
	t.Helper()
	rows, err := b.st.ListAudit(context.Background(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// A listing posted for a member who phoned in is stored, receipted,
// matched and audited in one transaction: the buyer it fits hears of it
// as if the grower had texted it, and when the audit row cannot be written
// none of it happens.
func TestPostOnBehalf_TheListingItsTextsAndItsAuditCommitTogether(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	ctx := context.Background()
	b.text(t, buyer, "求购 桂花 8公分 100株")
	clerk, err := b.st.UpsertUser(ctx, "li", "李", store.RoleClerk, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	post := func() (l matching.Listing, err error) {
		err = b.st.InTx(ctx, func(tx *store.Tx) (err error) {
			l, err = b.ex.PostOnBehalf(ctx, tx, store.Actor{UserID: clerk.ID}, grower, phonedIn(b))
			return err
		})
		return l, err
	}
	toBuyer := len(b.textsTo(t, buyer))
	mend := pgtest.FailInserts(t, b.st, "audit_log")
	if _, err := post(); err == nil {
		t.Fatal("posted with the audit log down")
	}
	if ls, _ := b.st.ListListings(ctx, store.ListingFilter{Phone: grower}); len(ls) != 0 {
		t.Fatalf("listings %+v after a post whose audit failed", ls)
	}
	if got := b.textsTo(t, grower); len(got) != 0 || len(b.textsTo(t, buyer)) != toBuyer {
		t.Fatalf("texts went out for a post whose audit failed: %q", got)
	}
	mend()
	l, err := post()
	if err != nil {
		t.Fatal(err)
	}
	if got := b.textsTo(t, grower); len(got) != 1 || !strings.Contains(got[0], "工作人员已为您登记") {
		t.Fatalf("the grower's receipt: %q", got)
	}
	if got := b.textsTo(t, buyer); len(got) != toBuyer+1 || !strings.Contains(got[0], "新货源") {
		t.Fatalf("the buyer was not told of the new offer: %q", got)
	}
	if rows := b.audited(t, "listing.on_behalf"); len(rows) != 1 || rows[0].User != "li" || rows[0].Object != fmt.Sprintf("listing:%d", l.ID) {
		t.Fatalf("audit %+v", rows)
	}
}

// The receipt of a listing a clerk entered with a long variety and place
// fits the SMS budget with the signature, and still says how to undo it.
func TestPostOnBehalf_TheReceiptFitsTheBudget(t *testing.T) {
	b := newBench(t)
	ctx := context.Background()
	l := phonedIn(b)
	l.Variety = strings.Repeat("金", 60)
	l.Location = &matching.Location{Town: strings.Repeat("镇", 40)}
	clerk, err := b.st.UpsertUser(ctx, "li", "李", store.RoleClerk, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	err = b.st.InTx(ctx, func(tx *store.Tx) (err error) {
		l, err = b.ex.PostOnBehalf(ctx, tx, store.Actor{UserID: clerk.ID}, grower, l)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got := b.textsTo(t, grower)
	if len(got) != 1 {
		t.Fatalf("texts to the grower: %q", got)
	}
	if n := outbound.Len(sig + got[0]); n > outbound.OneSMS || !strings.HasSuffix(got[0], fmt.Sprintf(`发"取消 %d"可撤销`, l.ID)) {
		t.Errorf("a receipt of %d units with the signature: %s", n, got[0])
	}
}

// A text a clerk turns into a listing is resolved once: the listing is
// matched like a texted one, and a second clerk acting on the same text is
// told it was handled, posting nothing.
func TestResolveAsListing_TheTextBecomesOneMatchedListing(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	ctx := context.Background()
	b.text(t, buyer, "求购 桂花 8公分 100株")
	b.text(t, grower, "你好")
	in := b.inbound(t, grower)
	if in.State != "needs_clerk" {
		t.Fatalf("the text is %s, want needs_clerk", in.State)
	}
	clerk, err := b.st.UpsertUser(ctx, "li", "李", store.RoleClerk, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	mend := pgtest.FailInserts(t, b.st, "audit_log")
	if _, err := b.ex.ResolveAsListing(ctx, clerk.ID, in.ID, phonedIn(b), ""); err == nil {
		t.Fatal("resolved with the audit log down")
	}
	if b.inbound(t, grower).State != "needs_clerk" {
		t.Fatal("the text left the queue though its resolution failed")
	}
	mend()
	before := len(b.textsTo(t, buyer))
	l, err := b.ex.ResolveAsListing(ctx, clerk.ID, in.ID, phonedIn(b), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.inbound(t, grower); got.State != "resolved" || got.Outcome != fmt.Sprintf("人工登记#%d", l.ID) {
		t.Fatalf("the text is %s %q", got.State, got.Outcome)
	}
	sent := b.sentFor(t, in.ID)
	if len(to(sent, grower)) != 2 || !strings.Contains(to(sent, grower)[1], "工作人员已为您登记") || len(to(sent, buyer)) != 1 {
		t.Fatalf("texts for the resolved text: %+v", sent)
	}
	if _, err := b.ex.ResolveAsListing(ctx, clerk.ID, in.ID, phonedIn(b), ""); matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Fatalf("resolving it again: %v, want a conflict", err)
	}
	if ls, _ := b.st.ListListings(ctx, store.ListingFilter{Phone: grower}); len(ls) != 1 || len(b.textsTo(t, buyer)) != before+1 {
		t.Fatalf("listings %d after resolving twice, want 1", len(ls))
	}
}

// A clerk's 撤销 in the back office and the owner's 取消 by SMS are one
// rule and one path: the listing closes, the owner is told, orders it
// already holds stock for stand, and a listing already closed is refused
// with the same words either way.
func TestCancelListing_AClerkCancelsByTheOwnersRule(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	ctx := context.Background()
	clerk, err := b.st.UpsertUser(ctx, "li", "李", store.RoleClerk, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元 万春镇")
	b.text(t, buyer, fmt.Sprintf("订 %d 100", id))
	o := b.lastOrder(t)
	if err := b.ex.CancelListing(ctx, clerk.ID, id, "会员来电说不卖了"); err != nil {
		t.Fatal(err)
	}
	if l := b.listing(t, id); l.State != matching.ListingCancelled || l.Remaining != 100 {
		t.Fatalf("listing %s with %d left, want cancelled with the order's 100 still held", l.State, l.Remaining)
	}
	if got := b.order(t, o.ID); got.State != matching.OrderProposed {
		t.Fatalf("the order on the cancelled listing is %s, want it to stand as after the owner's 取消", got.State)
	}
	if got := b.textsTo(t, grower); !strings.Contains(got[0], fmt.Sprintf("您的%d号信息(桂花)已由工作人员撤销", id)) {
		t.Fatalf("the owner was not told: %q", got)
	}
	if rows := b.audited(t, "listing.cancel"); len(rows) != 1 || rows[0].Detail != "会员来电说不卖了" {
		t.Fatalf("audit %+v", rows)
	}
	byText := one(t, b.text(t, grower, fmt.Sprintf("取消 %d", id)), grower)
	err = b.ex.CancelListing(ctx, clerk.ID, id, "again")
	if matching.ErrorCodeOf(err) != matching.CodeConflict || matching.ChineseMessage(err) != byText {
		t.Fatalf("cancelling a closed listing: clerk %v, owner by SMS %q: want the same conflict", err, byText)
	}
	if rows := b.audited(t, "listing.cancel"); len(rows) != 1 {
		t.Fatalf("a refused cancel was audited: %+v", rows)
	}
	// The rule lets a clerk cancel any member's listing, and nobody else
	// but its owner.
	other := b.offer(t, grower2, "供 香樟 10公分 50株")
	if got := one(t, b.text(t, buyer, fmt.Sprintf("取消 %d", other)), buyer); !strings.Contains(got, "只能取消自己") {
		t.Fatalf("a stranger's 取消: %q", got)
	}
	if err := b.ex.CancelListing(ctx, clerk.ID, other, "会员来电"); err != nil || b.listing(t, other).State != matching.ListingCancelled {
		t.Fatalf("the clerk's cancel of another member's listing: %v", err)
	}
}

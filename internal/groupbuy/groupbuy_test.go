package groupbuy_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/exchange"
	"huamu/internal/groupbuy"
	"huamu/internal/outbound"
	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func setup(t *testing.T) (*store.Store, *clock, string) {
	t.Helper()
	c := &clock{t: t0}
	url := pgtest.URL(t)
	pool, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return store.New(pool, c.now), c, url
}

func newGroupBuy(t *testing.T, st *store.Store, mut func(*matching.GroupBuy)) matching.GroupBuy {
	t.Helper()
	g := matching.GroupBuy{Species: "桂花", Spec: matching.Spec{matching.SpecDia: matching.Exactly(8)}, Unit: "株",
		Price: decimal.RequireFromString("650"), MinTotal: 500, Cap: 1000, MinEach: 20, Step: 10,
		Deadline: t0.Add(48 * time.Hour)}
	if mut != nil {
		mut(&g)
	}
	g, err := st.CreateGroupBuy(context.Background(), g, 0)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func member(t *testing.T, st *store.Store, phone string) int64 {
	t.Helper()
	var id int64
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		m, err := tx.EnsureMember(context.Background(), phone)
		id = m.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func join(t *testing.T, st *store.Store, svc *groupbuy.Service, memberID, id, qty int64) (string, error) {
	t.Helper()
	var reply string
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		reply, err = svc.Join(context.Background(), tx, memberID, id, qty, nil)
		return err
	})
	return reply, err
}

func outbox(t *testing.T, st *store.Store) []store.MT {
	t.Helper()
	rows, err := st.ListOutbox(context.Background(), store.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestJoin_RepliesWithWhereTheGroupStandsAndChangesInPlace(t *testing.T) {
	t.Parallel()
	st, _, _ := setup(t)
	svc := &groupbuy.Service{Store: st}
	g := newGroupBuy(t, st, nil)
	a, b := member(t, st, "13800000001"), member(t, st, "13800000002")
	if _, err := join(t, st, svc, a, g.ID, 330); err != nil {
		t.Fatal(err)
	}
	reply, err := join(t, st, svc, b, g.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply, fmt.Sprintf("团购%d", g.ID)) || !strings.Contains(reply, "已有380/500株") || !strings.Contains(reply, "截止12月3日") {
		t.Fatalf("reply %q", reply)
	}
	if reply, err = join(t, st, svc, b, g.ID, 70); err != nil || !strings.Contains(reply, "已改为70株") || !strings.Contains(reply, "400/500") {
		t.Fatalf("change: %q %v", reply, err)
	}
	if reply, err = join(t, st, svc, b, g.ID, 0); err != nil || !strings.Contains(reply, "已退出") || !strings.Contains(reply, "330/500") {
		t.Fatalf("leave: %q %v", reply, err)
	}
	if _, err = join(t, st, svc, b, g.ID, 15); matching.ErrorCodeOf(err) != matching.CodeInvalid {
		t.Fatalf("below the minimum: %v", err)
	}
	for _, m := range outbox(t, st) {
		t.Errorf("joining texted someone else: %+v", m)
	}
}

func TestJoin_ReachingTheCapClosesAtOnceAndTellsEveryone(t *testing.T) {
	t.Parallel()
	st, _, _ := setup(t)
	svc := &groupbuy.Service{Store: st}
	g := newGroupBuy(t, st, nil)
	a, b := member(t, st, "13800000001"), member(t, st, "13800000002")
	if _, err := join(t, st, svc, a, g.ID, 900); err != nil {
		t.Fatal(err)
	}
	_, err := join(t, st, svc, b, g.ID, 200)
	if left, ok := matching.RemainingOf(err); !ok || left != 100 {
		t.Fatalf("over the cap: %v, want 仅剩100", err)
	}
	reply, err := join(t, st, svc, b, g.ID, 100)
	if err != nil || !strings.Contains(reply, "满额成团") {
		t.Fatalf("reply %q %v", reply, err)
	}
	got, _ := st.GroupBuy(context.Background(), g.ID)
	if got.State != matching.GroupClosed {
		t.Fatalf("state %s, want closed at the cap", got.State)
	}
	msgs := outbox(t, st)
	if len(msgs) != 1 || msgs[0].Recipient != "13800000001" || !strings.Contains(msgs[0].Body, "已成团") {
		t.Fatalf("texts %+v, want the other participant told", msgs)
	}
}

func TestFireDue_DeadlineFiresOnceAcrossProcesses(t *testing.T) {
	t.Parallel()
	st, c, url := setup(t)
	svc := &groupbuy.Service{Store: st}
	tipped := newGroupBuy(t, st, nil)
	failed := newGroupBuy(t, st, nil)
	for i, q := range []int64{300, 250} {
		if _, err := join(t, st, svc, member(t, st, fmt.Sprintf("1380000010%d", i)), tipped.ID, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := join(t, st, svc, member(t, st, "13800000200"), failed.ID, 300); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.FireDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("before the deadline fired %d (%v)", n, err)
	}
	c.add(49 * time.Hour)
	// Four "processes", each with its own connection pool, race for the deadlines.
	var wg sync.WaitGroup
	fired := make([]int, 4)
	for i := range fired {
		pool, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		other := &groupbuy.Service{Store: store.New(pool, c.now)}
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := other.FireDue(context.Background())
			if err != nil {
				t.Error(err)
			}
			fired[i] = n
		}()
	}
	wg.Wait()
	if fired[0]+fired[1]+fired[2]+fired[3] != 2 {
		t.Fatalf("fired %v, want the two deadlines once in all", fired)
	}
	g1, _ := st.GroupBuy(context.Background(), tipped.ID)
	g2, _ := st.GroupBuy(context.Background(), failed.ID)
	if g1.State != matching.GroupClosed || g2.State != matching.GroupFailed {
		t.Fatalf("states %s and %s, want closed and failed", g1.State, g2.State)
	}
	if msgs := outbox(t, st); len(msgs) != 3 {
		t.Fatalf("%d texts, want one per participant (3)", len(msgs))
	}
}

func TestStart_DeadlinePassedWhileDownFiresOnStart(t *testing.T) {
	t.Parallel()
	st, c, _ := setup(t)
	g := newGroupBuy(t, st, nil)
	c.add(72 * time.Hour) // the system was down over the deadline
	svc := &groupbuy.Service{Store: st, Every: time.Hour}
	svc.Start(context.Background())
	defer svc.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, _ := st.GroupBuy(context.Background(), g.ID)
		if got.State == matching.GroupFailed {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("state %s, want failed right after start", got.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func offer(t *testing.T, st *store.Store, phone string, qty int64, ask string) int64 {
	t.Helper()
	mid := member(t, st, phone)
	var id int64
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		p := decimal.RequireFromString(ask)
		q := qty
		l, err := tx.InsertListing(context.Background(), nil, matching.Listing{MemberID: mid, Side: matching.Supply,
			Species: "桂花", Spec: matching.Spec{matching.SpecDia: matching.Exactly(8)}, Qty: matching.Qty{Min: &q, Unit: "株"},
			Price: &matching.Price{Min: &p, Max: &p, Per: "株"}, ExpiresAt: tx.Now.Add(720 * time.Hour)})
		id = l.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// settle answers a group-buy's purchase orders as growers (or a clerk for
// them) would: confirmed for the listings in yes, cancelled for the rest.
func settle(t *testing.T, st *store.Store, id int64, yes ...int64) {
	t.Helper()
	ctx := context.Background()
	clerk, err := st.UpsertUser(ctx, "clerk", "职员", store.RoleClerk, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	ex := exchange.New(st, grammar.Default, "【花木通】", nil)
	orders, err := st.GroupBuyOrders(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		if o.State != matching.OrderProposed {
			continue
		}
		act, reason := exchange.ClerkCancel, "种植户来电说货不够"
		if slices.Contains(yes, o.ListingID) {
			act, reason = exchange.ClerkConfirm, ""
		}
		if _, err := ex.ActOnOrder(ctx, clerk.ID, o.ID, act, reason); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPurchaseAndAllocate_GrowersConfirmThenParticipantsShareWhatCame(t *testing.T) {
	t.Parallel()
	st, c, _ := setup(t)
	ctx := context.Background()
	svc := &groupbuy.Service{Store: st}
	g := newGroupBuy(t, st, nil)
	cheap := offer(t, st, "13900000001", 200, "580")
	mid := offer(t, st, "13900000002", 200, "600")
	dear := offer(t, st, "13900000003", 150, "610.55")
	for i, q := range []int64{300, 250, 100} { // 650 wanted, 550 offered
		if _, err := join(t, st, svc, member(t, st, fmt.Sprintf("1380000030%d", i)), g.ID, q); err != nil {
			t.Fatal(err)
		}
	}
	c.add(49 * time.Hour)
	if _, err := svc.FireDue(ctx); err != nil {
		t.Fatal(err)
	}
	preview, err := svc.Preview(ctx, g.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(preview.Draws) != 3 || preview.Short() != 100 {
		t.Fatalf("%d draws short %d, want 3 and 100", len(preview.Draws), preview.Short())
	}
	// A grower phoned in: only 100 of the dear offer after all.
	if _, err := svc.Purchase(ctx, g.ID, map[int64]int64{dear: 100}, 0); err != nil {
		t.Fatal(err)
	}
	for id, left := range map[int64]int64{cheap: 0, mid: 0, dear: 50} {
		if l, _ := st.Listing(ctx, id); l.Remaining != left {
			t.Fatalf("listing %d has %d left, want %d reserved by the purchase", id, l.Remaining, left)
		}
	}
	var asked int
	for _, m := range outbox(t, st) {
		if strings.Contains(m.Body, "买家协会(团购") && strings.Contains(m.Body, "回\"确认") {
			asked++
		}
	}
	if asked != 3 {
		t.Fatalf("%d growers asked to confirm, want 3", asked)
	}
	if _, err := svc.Allocate(ctx, g.ID, 0); matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Fatalf("allocating with growers yet to answer: %v, want a conflict", err)
	}
	settle(t, st, g.ID, cheap, mid) // the dear grower declines
	if l, _ := st.Listing(ctx, dear); l.Remaining != 150 {
		t.Fatalf("declined purchase left %d of the dear offer, want its 150 back", l.Remaining)
	}
	p, err := svc.Allocate(ctx, g.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Confirmed != 400 || p.Alloc[0] != 190 || p.Alloc[1] != 150 || p.Alloc[2] != 60 {
		t.Fatalf("confirmed %d allocated %v, want 400 as [190 150 60]", p.Confirmed, p.Alloc)
	}
	imbalance, bad, err := st.LedgerImbalance(ctx)
	if err != nil || !imbalance.IsZero() || len(bad) != 0 {
		t.Fatalf("ledger imbalance %s in %v (%v)", imbalance, bad, err)
	}
	e, err := st.EntryByRef(ctx, matching.EntryGroupBuy, fmt.Sprintf("groupbuy:%d", g.ID))
	if err != nil || len(e.Postings) != 3+1+1 {
		t.Fatalf("entry %+v (%v), want 3 participants, the association's cost, its margin", e, err)
	}
	var assoc int64
	_ = st.Pool().QueryRow(ctx, `SELECT id FROM members WHERE association`).Scan(&assoc)
	if _, bal, err := st.MemberStatement(ctx, assoc); err != nil || !bal.IsZero() {
		t.Fatalf("the association's own account is %s after buying and selling (%v), want 0", bal, err)
	}
	lines, err := st.GroupBuyLines(ctx, g.ID)
	var sum int64
	for _, l := range lines {
		sum += l.Qty
	}
	if err != nil || sum != 400 {
		t.Fatalf("lines sum to %d (%v), want 400", sum, err)
	}
	var told int
	for _, m := range outbox(t, st) {
		if strings.Contains(m.Body, "分配给您") {
			told++
		}
		if m.Recipient == "association" {
			t.Fatalf("a text went to the association's pseudo-number: %+v", m)
		}
	}
	if told != 3 {
		t.Fatalf("%d allocation texts, want one per participant", told)
	}
	if _, err := svc.Allocate(ctx, g.ID, 0); matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Fatalf("second allocation: %v, want a conflict", err)
	}
	// The dashboard keeps group-buys apart from the SMS trade.
	f, err := st.DashboardFigures(ctx, t0, c.now().Add(time.Hour), outbound.Strings(outbound.MatchKinds))
	if err != nil || !f.GroupBuyTurnover.Equal(decimal.NewFromInt(400*650)) || !f.Turnover.IsZero() || f.Orders != 0 {
		t.Fatalf("figures %+v (%v): want group-buy turnover 260000.00 and no SMS trade", f, err)
	}
}

func TestDeliveredAndPayments_SettleTheGroupBuyInTheLedger(t *testing.T) {
	t.Parallel()
	st, c, _ := setup(t)
	ctx := context.Background()
	svc := &groupbuy.Service{Store: st}
	g := newGroupBuy(t, st, nil)
	grower := offer(t, st, "13900000001", 600, "600")
	_ = grower
	buyer := member(t, st, "13800000401")
	other := member(t, st, "13800000402")
	for _, m := range []struct{ id, q int64 }{{buyer, 300}, {other, 250}} {
		if _, err := join(t, st, svc, m.id, g.ID, m.q); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Delivered(ctx, g.ID, "万春镇农资站", 0); matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Fatalf("delivered before allocation: %v", err)
	}
	c.add(49 * time.Hour)
	if _, err := svc.FireDue(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Purchase(ctx, g.ID, nil, 0); err != nil {
		t.Fatal(err)
	}
	settle(t, st, g.ID, grower)
	if _, err := svc.Allocate(ctx, g.ID, 0); err != nil {
		t.Fatal(err)
	}
	growerID := member(t, st, "13900000001")
	pay := func(m int64, dir, amt, slip string) error {
		return svc.RecordPayment(ctx, g.ID, m, dir, decimal.RequireFromString(amt), slip, 0)
	}
	if err := pay(buyer, groupbuy.PaymentIn, "195000", "A1"); err != nil { // 300 × 650
		t.Fatal(err)
	}
	if err := pay(buyer, groupbuy.PaymentIn, "195000", "A1"); matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Fatalf("the same slip twice: %v", err)
	}
	if err := pay(growerID, groupbuy.PaymentOut, "330000", "B1"); err != nil { // 550 × 600
		t.Fatal(err)
	}
	if err := pay(growerID, groupbuy.PaymentIn, "1", "X"); matching.ErrorCodeOf(err) != matching.CodeInvalid {
		t.Fatalf("a grower paying in as a participant: %v", err)
	}
	if err := pay(buyer, groupbuy.PaymentIn, "-5", "Y"); matching.ErrorCodeOf(err) != matching.CodeInvalid {
		t.Fatalf("a negative payment: %v", err)
	}
	_, bal, err := st.MemberStatement(ctx, buyer)
	if err != nil || !bal.IsZero() {
		t.Fatalf("buyer's balance %s (%v), want settled", bal, err)
	}
	_, bal, _ = st.MemberStatement(ctx, growerID)
	if !bal.IsZero() {
		t.Fatalf("grower's balance %s, want settled", bal)
	}
	if imbalance, _, err := st.LedgerImbalance(ctx); err != nil || !imbalance.IsZero() {
		t.Fatalf("ledger off by %s (%v)", imbalance, err)
	}
	if err := svc.Delivered(ctx, g.ID, "万春镇农资站", 0); err != nil {
		t.Fatal(err)
	}
	var pickup int
	for _, m := range outbox(t, st) {
		if strings.Contains(m.Body, "已到货,请到万春镇农资站提货") {
			pickup++
		}
	}
	if pickup != 2 {
		t.Fatalf("%d pickup texts, want one per participant with stock (2)", pickup)
	}
}

// decline answers every purchase of a group-buy still waiting as its
// grower would by SMS (拒绝), except those on the listings in keep.
func decline(t *testing.T, st *store.Store, id int64, keep ...int64) {
	t.Helper()
	ctx := context.Background()
	ex := exchange.New(st, grammar.Default, "【花木通】", nil)
	orders, err := st.GroupBuyOrders(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		if o.State != matching.OrderProposed || slices.Contains(keep, o.ListingID) {
			continue
		}
		err := st.InTx(ctx, func(tx *store.Tx) error {
			o, err := tx.OrderForUpdate(ctx, o.ID)
			if err != nil {
				return err
			}
			_, err = ex.Transition(ctx, tx, nil, o, matching.OrderEvent{Kind: matching.EventDecline,
				By: matching.Actor{MemberID: o.SellerID}}, exchange.Via{})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// purchasing is a group-buy that went ahead and ordered from two growers.
func purchasing(t *testing.T) (*store.Store, *groupbuy.Service, matching.GroupBuy, [2]int64) {
	t.Helper()
	st, c, _ := setup(t)
	ctx := context.Background()
	svc := &groupbuy.Service{Store: st}
	g := newGroupBuy(t, st, nil)
	a, b := offer(t, st, "13900000001", 300, "580"), offer(t, st, "13900000002", 300, "600")
	for i, q := range []int64{300, 250} {
		if _, err := join(t, st, svc, member(t, st, fmt.Sprintf("1380000030%d", i)), g.ID, q); err != nil {
			t.Fatal(err)
		}
	}
	c.add(49 * time.Hour)
	if _, err := svc.FireDue(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Purchase(ctx, g.ID, nil, 0); err != nil {
		t.Fatal(err)
	}
	return st, svc, g, [2]int64{a, b}
}

// The review's case: every grower declined, so there is nothing to
// allocate, and the group-buy could not be cancelled either.
func TestCancel_AGroupBuyWhoseGrowersAllDeclinedCanBeCalledOff(t *testing.T) {
	t.Parallel()
	st, svc, g, offers := purchasing(t)
	ctx := context.Background()
	decline(t, st, g.ID)
	if _, err := svc.Allocate(ctx, g.ID, 0); matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Fatalf("allocating with nothing confirmed: %v", err)
	}
	if err := svc.Cancel(ctx, g.ID, "种植户都没货", 0); err != nil {
		t.Fatalf("cancel a group-buy whose growers all declined: %v", err)
	}
	if got, _ := st.GroupBuy(ctx, g.ID); got.State != matching.GroupCancelled {
		t.Fatalf("state %s, want cancelled", got.State)
	}
	told := 0
	for _, m := range outbox(t, st) {
		if strings.Contains(m.Body, "已取消:种植户都没货") {
			told++
		}
	}
	if told != 2 {
		t.Errorf("%d participants told, want 2", told)
	}
	for _, id := range offers {
		if l, _ := st.Listing(ctx, id); l.Remaining != 300 {
			t.Errorf("listing %d has %d left, want all 300 back", id, l.Remaining)
		}
	}
	if es, err := st.AllEntries(ctx); err != nil || len(es) != 0 {
		t.Fatalf("ledger %+v (%v), want untouched", es, err)
	}
}

func TestCancel_APurchasingGroupBuyCancelsThePurchasesStillWaiting(t *testing.T) {
	t.Parallel()
	st, svc, g, offers := purchasing(t)
	ctx := context.Background()
	decline(t, st, g.ID, offers[1]) // the second grower has not answered
	if err := svc.Cancel(ctx, g.ID, "协会决定不做了", 0); err != nil {
		t.Fatal(err)
	}
	orders, _ := st.GroupBuyOrders(ctx, g.ID)
	for _, o := range orders {
		if o.State == matching.OrderProposed {
			t.Errorf("purchase %d still waits for its grower", o.ID)
		}
	}
	if l, _ := st.Listing(ctx, offers[1]); l.Remaining != 300 {
		t.Errorf("the waiting purchase's stock not released: %d left", l.Remaining)
	}
	var told bool
	for _, m := range outbox(t, st) {
		told = told || (m.Recipient == "13900000002" && strings.Contains(m.Body, "已由协会取消"))
	}
	if !told {
		t.Error("the grower whose purchase was cancelled was not told")
	}
	if bad, _ := st.StockMismatches(ctx); len(bad) != 0 {
		t.Fatalf("stock does not add up: %+v", bad)
	}
}

func TestCancel_APurchasingGroupBuyWithAConfirmedPurchaseIsAllocatedNotCancelled(t *testing.T) {
	t.Parallel()
	st, svc, g, offers := purchasing(t)
	ctx := context.Background()
	settle(t, st, g.ID, offers[0])
	before, _ := st.AllEntries(ctx)
	if err := svc.Cancel(ctx, g.ID, "x", 0); matching.ErrorCodeOf(err) != matching.CodeConflict || !strings.Contains(matching.ChineseMessage(err), "请分配") {
		t.Fatalf("cancel with a confirmed purchase: %v, want a conflict that says to allocate", err)
	}
	after, _ := st.AllEntries(ctx)
	if len(after) != len(before) {
		t.Fatalf("a refused cancel changed the ledger: %d entries, were %d", len(after), len(before))
	}
	if got, _ := st.GroupBuy(ctx, g.ID); got.State != matching.GroupPurchasing {
		t.Fatalf("state %s after a refused cancel", got.State)
	}
}

package app_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/app"
	"huamu/internal/config"
	"huamu/internal/pgtest"
	"huamu/internal/redistest"
	"huamu/internal/smsc"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw"
)

// startOn starts a huamu process on an existing database and Redis key space.
func startOn(t *testing.T, dbURL, prefix string) *app.App {
	t.Helper()
	sim, err := smsc.Start(smsc.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	cfg := config.Config{DatabaseURL: dbURL, RedisURL: redistest.URL(), HTTPAddr: "127.0.0.1:0",
		Signature: config.DefaultSignature, OrderTTL: config.DefaultOrderTTL, LogLevel: "warn",
		Binds: []config.Bind{{Name: "mobile-1", SystemID: "huamu", Password: "pw", Addr: sim.Addr(),
			Carrier: smsgw.Mobile, Window: 10, TPS: 100}}}
	a, err := app.Start(context.Background(), cfg, app.Options{Migrate: true, RedisPrefix: prefix},
		slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	return a
}

func TestGroupBuyDeadline_FiresOnceWithTwoProcesses(t *testing.T) {
	dbURL, prefix := pgtest.URL(t), redistest.Prefix(t)
	a1 := startOn(t, dbURL, prefix)
	a2 := startOn(t, dbURL, prefix)
	ctx := context.Background()
	st := a1.Store
	g, err := st.CreateGroupBuy(ctx, matching.GroupBuy{Species: "桂花", Unit: "株", Price: decimal.NewFromInt(650),
		MinTotal: 100, MinEach: 10, Step: 10, Deadline: time.Now().Add(2 * time.Second)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, phone := range []string{"13800000001", "13800000002", "13800000003"} {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			m, err := tx.EnsureMember(ctx, phone)
			if err != nil {
				return err
			}
			return tx.SetCommitment(ctx, g.ID, m.ID, 40)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := a2.Store.GroupBuy(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == matching.GroupClosed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("state %s, want closed after the deadline", got.State)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(4 * time.Second) // both processes' deadline checks run again
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM outbox WHERE kind = 'groupbuy'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("%d group-buy texts, want one per participant (3): the deadline fired more than once", n)
	}
}

func TestGroupBuyBySMS_FromInvitationToAllocation(t *testing.T) {
	x := start(t)
	ctx := context.Background()
	x.text(t, "13900000001", "供 桂花 8公分 300株 580元 万春镇")
	buyers := []string{"13800000011", "13800000012", "13800000013"}
	for _, b := range buyers {
		x.text(t, b, "求购 桂花 8公分 60株")
	}
	g, err := x.app.Store.CreateGroupBuy(ctx, matching.GroupBuy{Species: "桂花",
		Spec: matching.Spec{matching.SpecDia: matching.Between(8, 10)}, Unit: "株", Price: decimal.NewFromInt(620),
		MinTotal: 150, MinEach: 20, Step: 10, Deadline: time.Now().Add(4 * time.Second)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := x.app.GroupBuys.Invite(ctx, g.ID, 0)
	if err != nil || res.Invited != 3 {
		t.Fatalf("invited %d (%v), want the 3 buyers", res.Invited, err)
	}
	id := itoa(g.ID)
	for _, b := range buyers {
		waitText(t, x, b, "参团 "+id)
	}
	if r := x.text(t, buyers[0], "参团 "+id+" 100"); !strings.Contains(r[0].Text, "已参团100株") {
		t.Fatalf("join reply %q", r[0].Text)
	}
	if r := x.text(t, buyers[1], "参团"+id+" 60株"); !strings.Contains(r[0].Text, "已有160/150株") {
		t.Fatalf("join reply %q", r[0].Text)
	}
	if r := x.text(t, buyers[2], "参团 "+id+" 15"); !strings.Contains(r[0].Text, "至少20") {
		t.Fatalf("below-minimum reply %q", r[0].Text)
	}
	for _, b := range buyers[:2] {
		waitText(t, x, b, "已成团")
	}
	// The association orders from the grower, who confirms by SMS.
	if _, err := x.app.GroupBuys.Purchase(ctx, g.ID, nil, 0); err != nil {
		t.Fatal(err)
	}
	waitText(t, x, "13900000001", "买家协会(团购"+id+")")
	if r := x.text(t, "13900000001", "确认"); !strings.Contains(r[0].Text, "已确认") ||
		!strings.Contains(r[0].Text, "请按协会通知交货") || strings.Contains(r[0].Text, "association") {
		t.Fatalf("grower's confirmation reply %q, want it to name the association as the buyer", r[0].Text)
	}
	p, err := x.app.GroupBuys.Allocate(ctx, g.ID, 0)
	if err != nil || p.Confirmed != 160 {
		t.Fatalf("allocated %d (%v), want 160", p.Confirmed, err)
	}
	waitText(t, x, buyers[0], "分配给您100株")
	waitText(t, x, buyers[1], "应付37200.00元")
	imbalance, bad, err := x.app.Store.LedgerImbalance(ctx)
	if err != nil || !imbalance.IsZero() || len(bad) != 0 {
		t.Fatalf("ledger off by %s in %v (%v)", imbalance, bad, err)
	}
	if l, _ := x.app.Store.Listing(ctx, 1); l.Remaining != 140 {
		t.Fatalf("grower's listing has %d left, want 140", l.Remaining)
	}
}

// waitText waits until the handset to has received a text containing want.
func waitText(t *testing.T, x *exchange, to, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range x.inbox(to) {
			if strings.Contains(m.Text, want) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	var got []string
	for _, m := range x.inbox(to) {
		got = append(got, m.Text)
	}
	t.Fatalf("%s never got a text with %q; got %q", to, want, got)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

package app_test

import (
	"context"
	"log/slog"
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

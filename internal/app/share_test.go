package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"huamu/internal/app"
	"huamu/internal/config"
	"huamu/internal/pgtest"
	"huamu/internal/redistest"
	"huamu/internal/smsc"
	"huamu/internal/store"
)

// Three processes on one database and one Redis, each bound to the SMSC,
// share a stream of texts: every text is stored once and answered once,
// and each process takes part (the SMSC sees replies on all three binds).
func TestApp_ThreeProcessesShareTheWorkWithNoDoubleEffects(t *testing.T) {
	sim, err := smsc.Start(smsc.Config{Addr: "127.0.0.1:0", ReceiptDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	dbURL, prefix := pgtest.URL(t), redistest.Prefix(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	for i := range 3 {
		cfg := config.Config{DatabaseURL: dbURL, RedisURL: redistest.URL(), HTTPAddr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0",
			Signature: config.DefaultSignature, OrderTTL: config.DefaultOrderTTL, LogLevel: "warn",
			Binds: []config.Bind{{Name: "mobile-1", SystemID: fmt.Sprintf("huamu%d", i+1), Password: "pw", Addr: sim.Addr(),
				Source: "10690000", Window: 10, TPS: 1000}}}
		a, err := app.Start(context.Background(), cfg, app.Options{Migrate: true, RedisPrefix: prefix}, log)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.Stop)
	}
	waitUntil(t, "three binds", 10*time.Second, func() bool { return sim.Bound() == 3 })

	// Texts that each get exactly one reply (an offer with no demand to
	// announce it to gets its receipt only).
	texts := []string{"帮助", "供 桂花 8公分 200株 600元 万春镇", "你好", "查 桂花"}
	const n = 240
	for i := range n { // a stream, not one burst that the first worker would take whole
		sim.Inject(fmt.Sprintf("1370%07d", i), "10690000", texts[i%len(texts)])
		time.Sleep(10 * time.Millisecond)
	}
	replies := func() map[string]int {
		got := map[string]int{}
		for _, m := range sim.Messages() {
			got[m.To]++
		}
		return got
	}
	waitUntil(t, "every text answered", 60*time.Second, func() bool { return len(replies()) == n })
	time.Sleep(500 * time.Millisecond) // a second reply, if any, would come by now
	for to, c := range replies() {
		if c != 1 {
			t.Errorf("%s got %d replies, want 1", to, c)
		}
	}
	binds := map[string]int{}
	for _, s := range sim.Submits() {
		binds[s.Bind]++
	}
	if len(binds) != 3 {
		t.Errorf("replies went out on binds %v, want all three processes taking part", binds)
	}
	ctx := context.Background()
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var stored, senders, open int
	if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT sender), count(*) FILTER (WHERE state = 'new') FROM inbound`).
		Scan(&stored, &senders, &open); err != nil {
		t.Fatal(err)
	}
	if stored != n || senders != n || open != 0 {
		t.Fatalf("%d texts stored from %d numbers, %d unhandled; want %d once each, all handled", stored, senders, open, n)
	}
}

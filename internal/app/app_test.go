package app_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"huamu/internal/app"
	"huamu/internal/config"
	"huamu/internal/pgtest"
	"huamu/internal/redistest"
	"huamu/internal/smsc"
	"huamu/smsgw"
)

// exchange is a whole huamu process on :0 ports, bound to its own simulator,
// on a fresh database and its own Redis key space.
type exchange struct {
	sim *smsc.Server
	app *app.App
}

func start(t *testing.T) *exchange {
	t.Helper()
	sim, err := smsc.Start(smsc.Config{Addr: "127.0.0.1:0", ReceiptDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	cfg := config.Config{
		DatabaseURL: pgtest.URL(t), RedisURL: redistest.URL(), HTTPAddr: "127.0.0.1:0",
		Signature: config.DefaultSignature, OrderTTL: config.DefaultOrderTTL, LogLevel: "info",
	}
	for _, c := range []smsgw.Carrier{smsgw.Mobile, smsgw.Unicom, smsgw.Telecom} {
		cfg.Binds = append(cfg.Binds, config.Bind{Name: string(c) + "-1", SystemID: "huamu", Password: "pw",
			Addr: sim.Addr(), Carrier: c, Source: "10690000", Window: 10, TPS: 100})
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.Start(context.Background(), cfg, app.Options{Migrate: true, RedisPrefix: redistest.Prefix(t)}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Gateway.WaitUp(ctx); err != nil {
		t.Fatal("no bind came up")
	}
	return &exchange{sim: sim, app: a}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// text sends an MO from a handset and returns the messages that handset
// receives in answer.
func (x *exchange) text(t *testing.T, from, body string) []smsc.Message {
	t.Helper()
	before := len(x.inbox(from))
	x.sim.Inject(from, "10690000", body)
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := x.inbox(from)
		if len(got) > before {
			time.Sleep(100 * time.Millisecond) // let any second reply arrive
			return x.inbox(from)[before:]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reply to %q from %s", body, from)
		}
		select {
		case <-x.sim.Changed():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (x *exchange) inbox(to string) []smsc.Message {
	var out []smsc.Message
	for _, m := range x.sim.Messages() {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

func TestExchange_OfferThenDemandTextsTheBuyerTheOffer(t *testing.T) {
	x := start(t)
	receipt := x.text(t, "13800000001", "供 桂花 8公分 200株 600元 万春镇")
	if len(receipt) != 1 || !strings.Contains(receipt[0].Text, "已登记") || !strings.HasPrefix(receipt[0].Text, "【花木通】") {
		t.Fatalf("grower got %+v, want one signed receipt", receipt)
	}
	reply := x.text(t, "13900000002", "求购 桂花 8公分 100株")
	var match string
	for _, m := range reply {
		if strings.Contains(m.Text, "13800000001") {
			match = m.Text
		}
	}
	for _, want := range []string{"桂花", "8cm", "600.00元", "万春镇", "13800000001", "订"} {
		if !strings.Contains(match, want) {
			t.Errorf("buyer's match text %q lacks %q", match, want)
		}
	}
	t.Logf("buyer got: %s", match)
	// The offer went out on the carrier bind of the number's network.
	for _, m := range x.sim.Submits() {
		if m.To == "13900000002" && m.Bind != "huamu" {
			t.Errorf("submitted by %q", m.Bind)
		}
	}
}

func TestExchange_JunkGetsHelpfulReplyAndWaitsForAClerk(t *testing.T) {
	x := start(t)
	reply := x.text(t, "13800000003", "你好")
	if len(reply) != 1 || !strings.Contains(reply[0].Text, "供") {
		t.Fatalf("reply %+v, want a hint that shows how to write an offer", reply)
	}
	rows, err := x.app.Store.ListInbound(context.Background(), storeFilter("13800000003"))
	if err != nil || len(rows) != 1 || rows[0].State != "needs_clerk" || rows[0].Reason == "" {
		t.Fatalf("inbound %+v (%v), want one needing a clerk with a reason", rows, err)
	}
}

func TestExchange_ReceiptsMarkTheReplyDelivered(t *testing.T) {
	x := start(t)
	x.text(t, "13800000004", "帮助")
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows, err := x.app.Store.ListOutbox(context.Background(), outboxFilter("13800000004"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 1 && rows[0].State == "delivered" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox %+v, want the help reply delivered", rows)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A buyer's demand is answered by its receipt, then the offers it found:
// the second text is not submitted until the first is accepted, even when
// the SMSC throttles the first, so the handset shows them in that order.
func TestExchange_ABuyersReceiptGoesOutBeforeTheOffersItFound(t *testing.T) {
	x := start(t)
	x.text(t, "13800000001", "供 桂花 8公分 200株 600元 万春镇")
	x.sim.Throttle(1) // the next submit — the buyer's receipt — is refused once
	x.sim.Inject("13900000002", "10690000", "求购 桂花 8公分 100株")
	deadline := time.Now().Add(10 * time.Second)
	for len(x.inbox("13900000002")) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the buyer got %+v, want two texts", x.inbox("13900000002"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	got := x.inbox("13900000002")
	if !strings.Contains(got[0].Text, "已登记") || !strings.Contains(got[1].Text, "找到货源") {
		t.Fatalf("the buyer got %q then %q, want the receipt first", got[0].Text, got[1].Text)
	}
}

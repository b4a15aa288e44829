package app_test

import (
	"context"
	"log/slog"
	"net"
	"testing"

	"huamu/internal/app"
	"huamu/internal/config"
	"huamu/internal/pgtest"
	"huamu/internal/redistest"
)

// A Start that fails part-way (here: the metrics address is taken) returns
// its error and closes what it had opened; it used to panic closing them.
func TestStart_APartWayFailureIsAnErrorNotAPanic(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg := config.Config{DatabaseURL: pgtest.URL(t), RedisURL: redistest.URL(), HTTPAddr: "127.0.0.1:0",
		MetricsAddr: taken.Addr().String(), Signature: config.DefaultSignature, OrderTTL: config.DefaultOrderTTL,
		LogLevel: "info"}
	a, err := app.Start(context.Background(), cfg, app.Options{Migrate: true, RedisPrefix: redistest.Prefix(t)},
		slog.New(slog.DiscardHandler))
	if err == nil {
		a.Stop()
		t.Fatal("Start succeeded on a metrics address that is taken")
	}
	if a != nil {
		t.Fatalf("Start failed (%v) but returned an App", err)
	}
}

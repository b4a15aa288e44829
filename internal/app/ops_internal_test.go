package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"huamu/internal/pgtest"
	"huamu/internal/redistest"
	"huamu/internal/store"
)

func TestHealthz_SaysDownWithoutTheErrorText(t *testing.T) {
	pool := pgtest.Pool(t)
	opts, err := redis.ParseURL(redistest.URL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	h := opsHandler(pool, rdb, http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	get := func() (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	if code, body := get(); code != http.StatusOK || body != "up\n" {
		t.Fatalf("healthy: %d %q", code, body)
	}
	pool.Close() // the database goes away
	if code, body := get(); code != http.StatusServiceUnavailable || body != "down\n" {
		t.Fatalf("without the database: %d %q, want 503 and only \"down\"", code, body)
	}
}

// The review's case: only ReadHeaderTimeout was set, so a client could hold
// a connection open for ever by sending its body slowly or never reading.
func TestHTTPServer_HasReadWriteAndIdleTimeoutsSuitedToExports(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Fatalf("timeouts header %s read %s write %s idle %s: every one must be set",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	// An export runs up to the handlers' 30 s, then has to reach a clerk on
	// a slow line: the write timeout leaves room for both.
	if srv.WriteTimeout < 2*time.Minute {
		t.Errorf("write timeout %s is too short for an Excel export", srv.WriteTimeout)
	}
}

func TestSessionSweeper_DeletesExpiredSessions(t *testing.T) {
	now := time.Now()
	st := store.New(pgtest.Pool(t), func() time.Time { return now })
	ctx := context.Background()
	if _, err := st.UpsertUser(ctx, "li", "李", store.RoleClerk, "correct horse"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Authenticate(ctx, "li", "correct horse"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(store.SessionTTL + time.Minute) // the first session has expired
	live, _, err := st.Authenticate(ctx, "li", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	s := &sessionSweeper{store: st, log: slog.New(slog.DiscardHandler), interval: time.Hour}
	s.Start(ctx)
	defer s.Stop()
	count := func() int {
		var n int
		if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	deadline := time.Now().Add(10 * time.Second)
	for count() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions, want the expired one deleted", count())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := st.SessionByToken(ctx, live); err != nil {
		t.Fatalf("the live session went too: %v", err)
	}
}

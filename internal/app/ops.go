package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"huamu/internal/startstop"
	"huamu/internal/store"
)

// The back office's HTTP timeouts. A request's headers must arrive within
// ReadHeaderTimeout and the whole request (the largest form is 64 KB) within
// readTimeout; a response may take writeTimeout, long enough for an Excel
// export of thousands of rows to reach a clerk on a slow rural line (the
// handlers themselves stop after 30 s); an idle keep-alive connection is
// closed after idleTimeout.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = time.Minute
	writeTimeout      = 5 * time.Minute
	idleTimeout       = 2 * time.Minute
)

// newHTTPServer is the back office's server with its timeouts.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
}

// opsHandler serves what an operator's tools poll, on HUAMU_METRICS_ADDR
// apart from the back office: /metrics (Prometheus) and /healthz, which
// says "up" or "down" and nothing more; why it is down goes to the log.
func opsHandler(pool *pgxpool.Pool, rdb *redis.Client, metrics http.Handler, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		err := pool.Ping(ctx)
		if err == nil {
			err = rdb.Ping(ctx).Err()
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err != nil {
			log.Warn("health check: down", slog.Any("err", err))
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("down\n"))
			return
		}
		_, _ = w.Write([]byte("up\n"))
	})
	return mux
}

// ops is the listener for metrics and health.
type ops struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

// startOps listens on addr ("" is a loopback port of the system's choice)
// and serves h until stop.
func startOps(addr string, h http.Handler, log *slog.Logger) (*ops, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("HUAMU_METRICS_ADDR %s: %w", addr, err)
	}
	o := &ops{ln: ln, done: make(chan struct{}),
		srv: &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
			WriteTimeout: time.Minute, IdleTimeout: idleTimeout, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}}
	go func() {
		defer close(o.done)
		if err := o.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics http", slog.Any("err", err))
		}
	}()
	return o, nil
}

func (o *ops) stop(ctx context.Context) {
	if o == nil {
		return
	}
	_ = o.srv.Shutdown(ctx)
	<-o.done
}

// sessionSweeper deletes expired back-office sessions every interval.
// Several processes may run it: a row deleted twice is deleted once.
type sessionSweeper struct {
	store    *store.Store
	log      *slog.Logger
	interval time.Duration
	group    startstop.Group
}

func (s *sessionSweeper) Start(ctx context.Context) {
	s.group.Start(ctx, func(ctx context.Context) {
		startstop.Every(ctx, s.interval, func(ctx context.Context) {
			for {
				n, err := s.store.DeleteExpiredSessions(ctx, 1000)
				if err != nil {
					s.log.Error("session sweeper", slog.Any("err", err))
					return
				}
				if n > 0 {
					s.log.Info("expired sessions deleted", slog.Int64("count", n))
				}
				if n < 1000 {
					return
				}
			}
		})
	})
}

func (s *sessionSweeper) Stop() { s.group.Stop() }

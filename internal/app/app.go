// Package app wires a huamu process together — store, Redis, gateway,
// intake workers, outbox senders and the back office — and runs it with one
// Start/Stop shape, so that tests can start the whole exchange on :0 ports.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"huamu/internal/config"
	"huamu/internal/exchange"
	"huamu/internal/groupbuy"
	"huamu/internal/intake"
	"huamu/internal/lexicon"
	"huamu/internal/outbound"
	"huamu/internal/outbox"
	"huamu/internal/prices"
	"huamu/internal/redisx"
	"huamu/internal/store"
	"huamu/internal/upkeep"
	"huamu/internal/web"
	"huamu/matching"
	"huamu/migrations"
	"huamu/smsgw"
)

// Options beyond the environment's configuration.
type Options struct {
	Migrate     bool   // apply pending migrations at start (serve does)
	RedisPrefix string // key prefix, so tests can share one Redis
	Workers     int    // intake workers; default 2
}

// App is one running huamu process.
type App struct {
	cfg  config.Config
	opts Options
	log  *slog.Logger

	Pool     *pgxpool.Pool
	Store    *store.Store
	Redis    *redisx.Client
	Gateway  *smsgw.Gateway
	upkeep   *upkeep.Keeper
	smpp     *intake.Sessions // the SMPP sessions' life, for telling redeliveries from repeats
	key      *store.LeaseKey  // this process's liveness
	intake   *intake.Worker
	sender   *outbox.Sender
	receipts *outbox.Receipts
	expirer  *exchange.Expirer
	lexicon  *lexicon.Provider
	// GroupBuys runs group-buys: SMS joins, deadlines, allocation.
	GroupBuys *groupbuy.Service
	// Prices builds the price index and sends the weekly price bulletin.
	Prices   *prices.Service
	http     *http.Server
	ln       net.Listener
	pprof    *http.Server    // HUAMU_PPROF_ADDR; nil when not asked for
	ops      *ops            // /metrics and /healthz on HUAMU_METRICS_ADDR
	sessions *sessionSweeper // deletes expired back-office sessions

	cancel context.CancelFunc
	done   chan struct{}
	stop   sync.Once
}

// Start connects to PostgreSQL and Redis, migrates when asked (and refuses a
// schema that is behind otherwise), binds to the SMSCs and starts serving.
// It returns once everything runs; Stop ends it.
func Start(ctx context.Context, cfg config.Config, opts Options, log *slog.Logger) (a *App, err error) {
	app := &App{cfg: cfg, opts: opts, log: log, done: make(chan struct{})}
	a = app
	defer func() {
		if err != nil {
			app.closeConns() // not a: every failed return has set it to nil
		}
	}()
	if a.Pool, err = store.Open(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	if opts.Migrate {
		if _, err = store.Migrate(ctx, a.Pool, migrations.FS, log); err != nil {
			return nil, err
		}
	} else if behind, err := store.SchemaBehind(ctx, a.Pool, migrations.FS); err != nil {
		return nil, err
	} else if len(behind) > 0 {
		return nil, fmt.Errorf("database schema is behind (%s): run `huamu migrate`", strings.Join(behind, ", "))
	}
	a.Store = store.New(a.Pool, nil)
	// The process's lease key, held for its life: other processes learn
	// from its lock that this one died, and take over its work at once.
	if a.key, err = a.Store.HoldLeaseKey(ctx); err != nil {
		return nil, err
	}
	if a.Redis, err = redisx.Open(ctx, cfg.RedisURL, opts.RedisPrefix, log); err != nil {
		return nil, err
	}

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a.cancel = cancel
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	outbox.RegisterMetrics(reg, a.Store)

	// The grammar follows the lexicon in PostgreSQL: a clerk's new word
	// counts at once in every process, without a restart.
	a.lexicon = &lexicon.Provider{Store: a.Store, Log: log,
		Wakeups:  a.Redis.Wakeups(runCtx, lexicon.Topic),
		Announce: func(ctx context.Context) { a.Redis.Wake(ctx, lexicon.Topic) }}
	if err = a.lexicon.Load(ctx); err != nil {
		cancel()
		return nil, err
	}
	// Every text goes out through one outbox: the configured signature
	// counts in its length, and the senders are woken after each commit
	// that wrote one.
	out := &outbound.Outbox{Budget: outbound.Budget{Signature: cfg.Signature},
		Wake: func(ctx context.Context) { a.Redis.Wake(ctx, "outbox") }}
	a.GroupBuys = &groupbuy.Service{Store: a.Store, Log: log, OrderTTL: cfg.OrderTTL, Outbox: out}
	flood := a.Redis.Flood()
	a.Prices = &prices.Service{Store: a.Store, Log: log, Outbox: out,
		Settings: func(species string) matching.BandSettings { return lexicon.BandSettings(a.lexicon.Data(), species) },
		Flooding: func(ctx context.Context, phones []string) ([]bool, error) {
			return flood.HitMany(ctx, phones, make([]int, len(phones))) // 0: only ask
		}}
	ex := exchange.New(a.Store, a.lexicon.Grammar, cfg.Signature, log)
	ex.Outbox = out
	ex.OrderTTL = cfg.OrderTTL
	ex.GroupBuys = a.GroupBuys
	ex.Prices = a.Prices
	a.expirer = &exchange.Expirer{Exchange: ex, Log: log}
	duplicates := prometheus.NewCounter(prometheus.CounterOpts{Name: "huamu_sms_mo_duplicates_total",
		Help: "Texts an SMSC delivered again after its first copy's acknowledgement may have been lost, stored as duplicates."})
	reg.MustRegister(duplicates)
	a.smpp = &intake.Sessions{Store: a.Store, Log: log, Key: a.key}
	inbox := &intake.Inbox{Store: a.Store, Duplicates: duplicates, Sessions: a.smpp, Wake: func(ctx context.Context) { a.Redis.Wake(ctx, "intake") },
		Flood: flood, Log: log}
	a.receipts = &outbox.Receipts{Store: a.Store, Log: log}
	a.Gateway = smsgw.New(smsgw.Options{
		Binds: cfg.Binds, Inbox: inbox, Receipts: a.receipts, Sessions: a.smpp,
		Signature: cfg.Signature, Log: log, Metrics: smsgw.NewMetrics(reg), Limiter: a.Redis.Limiter(),
	})
	a.upkeep = &upkeep.Keeper{Store: a.Store, Log: log}
	a.intake = &intake.Worker{Store: a.Store, Exchange: ex, Log: log, Workers: opts.Workers,
		Wakeups:   a.Redis.Wakeups(runCtx, "intake"),
		Processed: func(ctx context.Context) { a.Redis.Wake(ctx, "outbox") }}
	a.sender = &outbox.Sender{Store: a.Store, Gateway: a.Gateway, Log: log, Key: a.key, Wakeups: a.Redis.Wakeups(runCtx, "outbox")}
	a.intake.Handoff = a.sender

	site, err := web.New(web.Options{Store: a.Store, Gateway: a.Gateway, Log: log,
		Lexicon: a.lexicon, Redis: a.Redis, Signature: cfg.Signature, GroupBuys: a.GroupBuys, Exchange: ex, Prices: a.Prices,
		Secure: cfg.SecureCookies(), TrustedProxies: cfg.TrustedProxies})
	if err != nil {
		return nil, err
	}
	if a.ln, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
		return nil, fmt.Errorf("HUAMU_HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	a.http = newHTTPServer(site.Handler(), log)
	ops := opsHandler(a.Pool, a.Redis.Redis(), promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), log)
	if a.ops, err = startOps(cfg.MetricsAddr, ops, log); err != nil {
		_ = a.ln.Close()
		return nil, err
	}
	a.sessions = &sessionSweeper{store: a.Store, log: log, interval: 10 * time.Minute}

	if cfg.PprofAddr != "" {
		if err = a.startPprof(cfg.PprofAddr); err != nil {
			cancel()
			_ = a.ln.Close()
			a.ops.stop(ctx)
			return nil, err
		}
	}
	a.upkeep.Start(runCtx)
	a.smpp.Start(runCtx)
	a.Gateway.Start(runCtx)
	a.intake.Start(runCtx)
	a.expirer.Start(runCtx)
	a.sender.Start(runCtx)
	a.receipts.Start(runCtx)
	a.lexicon.Start(runCtx)
	a.GroupBuys.Start(runCtx)
	a.Prices.Start(runCtx)
	a.sessions.Start(runCtx)
	go func() {
		defer close(a.done)
		if err := a.http.Serve(a.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http", slog.Any("err", err))
		}
	}()
	log.Info("huamu started", slog.String("back_office", "http://"+a.ln.Addr().String()),
		slog.String("metrics", "http://"+a.ops.ln.Addr().String()+"/metrics"), slog.Int("binds", len(cfg.Binds)))
	return a, nil
}

// HTTPAddr is the address the back office listens on.
func (a *App) HTTPAddr() string { return a.ln.Addr().String() }

// MetricsAddr is the address /metrics and /healthz are served on.
func (a *App) MetricsAddr() string { return a.ops.ln.Addr().String() }

// Stop shuts down in order: stop taking MOs (the SMSC keeps them for the
// next process), finish the submits and texts in flight, unbind from the
// SMSCs, stop HTTP, close the pools. Idempotent.
func (a *App) Stop() {
	a.stop.Do(func() {
		a.Gateway.Drain()
		a.GroupBuys.Stop()
		a.Prices.Stop()
		a.sessions.Stop()
		a.expirer.Stop()
		a.sender.Stop()
		a.receipts.Stop()
		a.intake.Stop()
		a.lexicon.Stop()
		a.upkeep.Stop()
		a.Gateway.Stop()
		a.smpp.Stop() // after the gateway: its sessions' clean ends are written
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.http.Shutdown(ctx)
		if a.pprof != nil {
			_ = a.pprof.Close()
		}
		<-a.done
		a.ops.stop(ctx)
		a.cancel()
		a.closeConns()
		a.log.Info("huamu stopped")
	})
}

// startPprof serves net/http/pprof on addr (a loopback address, checked by
// config) for an operator finding where the time goes.
func (a *App) startPprof(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("HUAMU_PPROF_ADDR %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	a.pprof = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := a.pprof.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("pprof", slog.Any("err", err))
		}
	}()
	a.log.Info("profiling", slog.String("pprof", "http://"+ln.Addr().String()+"/debug/pprof/"))
	return nil
}

func (a *App) closeConns() {
	if a.key != nil {
		a.key.Release()
	}
	if a.Redis != nil {
		_ = a.Redis.Close()
	}
	if a.Pool != nil {
		a.Pool.Close()
	}
}

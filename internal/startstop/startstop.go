// Package startstop gives every background part of a huamu process the
// same shape: Start(ctx) launches its goroutines, Stop() cancels them and
// waits until they have returned, and calling Stop twice (or before Start)
// is harmless.
package startstop

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Group is a set of goroutines started and stopped together. The zero value
// is ready to use.
type Group struct {
	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	stopped bool
}

// Start runs each fn in its own goroutine with a context that Stop cancels.
// Later calls add goroutines under the same context; after Stop, none.
func (g *Group) Start(ctx context.Context, fns ...func(ctx context.Context)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return
	}
	if g.ctx == nil {
		g.ctx, g.cancel = context.WithCancel(ctx)
	}
	for _, fn := range fns {
		g.wg.Add(1)
		go func() { defer g.wg.Done(); fn(g.ctx) }()
	}
}

// Stop cancels the goroutines and waits for them. It is idempotent.
func (g *Group) Stop() {
	g.mu.Lock()
	g.stopped = true
	cancel := g.cancel
	g.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	g.wg.Wait()
}

// Fanout turns each wake-up on from into a kick for every worker waiting on
// kick (a buffered channel of one slot per worker), until ctx ends.
func Fanout(ctx context.Context, from <-chan struct{}, kick chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-from:
			for range cap(kick) {
				select {
				case kick <- struct{}{}:
				default:
				}
			}
		}
	}
}

// Every runs fn at once and then every d until ctx ends. fn gets a context
// that is not cancelled with ctx, so a round in progress finishes.
func Every(ctx context.Context, d time.Duration, fn func(ctx context.Context)) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		fn(context.WithoutCancel(ctx))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Recover, deferred at the top of a goroutine's loop or of one round of
// it, turns a panic into a log line with its stack, so that one bad text or
// PDU never takes the process down. It reports nothing: the caller goes on
// with its next round.
func Recover(log *slog.Logger, what string) {
	if r := recover(); r != nil {
		log.Error("recovered from a panic", slog.String("in", what), slog.Any("panic", r),
			slog.String("stack", string(debug.Stack())))
	}
}

// Package upkeep keeps PostgreSQL fast under a steady stream of texts: it
// vacuums the hot queue tables every few seconds, and, on a server whose
// autovacuum is off, refreshes the planner's statistics of tables that
// changed, so that a batch statement keeps its index plan as the history
// grows instead of turning into a scan of the whole table.
package upkeep

import (
	"context"
	"log/slog"
	"time"

	"huamu/internal/startstop"
	"huamu/internal/store"
)

// Keeper runs the upkeep until Stop. Several processes may each run one.
type Keeper struct {
	Store   *store.Store
	Log     *slog.Logger
	Vacuum  time.Duration // between vacuums of the queues; default 1 s
	Analyze time.Duration // between looks for stale statistics; default 1 s (the look is cheap)

	group startstop.Group
}

// Start runs the upkeep in the background.
func (k *Keeper) Start(ctx context.Context) {
	if k.Log == nil {
		k.Log = slog.New(slog.DiscardHandler)
	}
	if k.Vacuum <= 0 {
		k.Vacuum = time.Second
	}
	if k.Analyze <= 0 {
		k.Analyze = time.Second
	}
	k.group.Start(ctx,
		func(ctx context.Context) {
			startstop.Every(ctx, k.Vacuum, func(ctx context.Context) {
				if err := k.Store.VacuumQueues(ctx); err != nil {
					k.Log.Warn("vacuum queues", slog.Any("err", err))
				}
			})
		},
		func(ctx context.Context) {
			startstop.Every(ctx, k.Analyze, func(ctx context.Context) {
				tables, err := k.Store.AnalyzeStale(ctx)
				if err != nil {
					k.Log.Warn("analyze", slog.Any("err", err))
				} else if len(tables) > 0 {
					k.Log.Debug("statistics refreshed", slog.Any("tables", tables))
				}
			})
		})
}

// Stop ends the upkeep. It is idempotent.
func (k *Keeper) Stop() { k.group.Stop() }

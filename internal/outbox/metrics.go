package outbox

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"huamu/internal/store"
)

// RegisterMetrics adds the queue depths to reg, counted in PostgreSQL's
// queue tables at each scrape: MTs waiting to be sent (or being sent), and
// texts waiting for an intake worker. A scrape that cannot reach the database reports -1.
func RegisterMetrics(reg prometheus.Registerer, st *store.Store) {
	count := func(f func(context.Context) (int64, error)) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := f(ctx)
			if err != nil {
				return -1
			}
			return float64(n)
		}
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "huamu_outbox_queued",
			Help: "MTs in the outbox waiting to be submitted."},
			count(func(ctx context.Context) (int64, error) { _, n, err := st.QueueDepth(ctx); return n, err })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "huamu_inbound_waiting",
			Help: "Stored MOs waiting for an intake worker."},
			count(func(ctx context.Context) (int64, error) { n, _, err := st.QueueDepth(ctx); return n, err })),
	)
}

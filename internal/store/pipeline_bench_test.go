package store_test

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"huamu/internal/pgtest"
	"huamu/internal/store"
)

//go:embed testdata/history.sql
var historySQL string

// seedHistory writes n texts of handled history (testdata/history.sql).
func seedHistory(b *testing.B, st *store.Store, n int) {
	b.Helper()
	sql := regexp.MustCompile(`\bN\b`).ReplaceAllString(historySQL, strconv.Itoa(n))
	if _, err := st.Pool().Exec(context.Background(), sql); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPipeline is the database's side of a text's life, a batch of
// 100 at a time as the exchange runs it at load: the MOs committed, the
// texts claimed and answered (a reply each, leased to the sender in the
// same transaction), the submits recorded, the receipts recorded. Run with
// an empty history and with a million texts of history, it shows that the
// rate does not depend on how many texts were handled before:
//
//	go test -run '^$' -bench Pipeline -benchtime 300x ./internal/store/
//
// (300x: 300 batches of 100 texts; texts/s is the figure to compare). As
// upkeep.Keeper does every second, the queues are vacuumed and stale
// statistics refreshed every 20 batches.
func BenchmarkPipeline(b *testing.B) {
	for _, history := range []int{0, 1_000_000} {
		b.Run(fmt.Sprintf("history=%d", history), func(b *testing.B) {
			st := pgtest.Store(b, nil)
			if history > 0 {
				seedHistory(b, st, history)
			}
			ctx := context.Background()
			const batch = 100
			n := 0
			b.ResetTimer()
			for b.Loop() {
				if n%(20*batch) == 0 {
					if err := st.VacuumQueues(ctx); err != nil {
						b.Fatal(err)
					}
					if _, err := st.AnalyzeStale(ctx); err != nil {
						b.Fatal(err)
					}
				}
				texts := make([]store.MO, batch)
				for i := range texts {
					n++
					texts[i] = store.MO{DedupKey: fmt.Sprintf("bench:%d", n), Bind: "mobile-1", Carrier: "mobile",
						Sender: fmt.Sprintf("137%08d", n), Recipient: "10690000", Body: "帮助", ReceivedAt: time.Now()}
				}
				if _, err := st.Receive(ctx, texts, nil, nil); err != nil {
					b.Fatal(err)
				}
				offer := func(k int) *store.Lease {
					return &store.Lease{Owner: fmt.Sprintf("bench/%d", n), For: time.Minute, Max: k}
				}
				p, err := st.ProcessInbound(ctx, batch, func(tx *store.Tx, in store.Inbound) error {
					if _, err := tx.Enqueue(ctx, store.NewMT{InboundID: &in.ID, Recipient: in.Sender, Body: "发\"供 桂花 8公分 200株\"登记货源", Kind: "help"}); err != nil {
						return err
					}
					return tx.FinishInbound(ctx, in.ID, "done", "回复帮助", "", map[string]string{"type": "command"})
				}, offer)
				if err != nil || len(p.Leased) != batch {
					b.Fatalf("processed %+v: %v", p, err)
				}
				outs := make([]store.SendOutcome, len(p.Leased))
				receipts := make([]store.ReceiptIn, len(p.Leased))
				for i, m := range p.Leased {
					id := fmt.Sprintf("m%d", m.ID)
					outs[i] = store.SendOutcome{MT: m, Bind: "mobile-1", Carrier: "mobile", Total: 1,
						Parts: []store.SentPart{{Seq: 1, MessageID: id}}}
					receipts[i] = store.ReceiptIn{IDs: []string{id}, State: "delivered"}
				}
				if err := st.RecordSends(ctx, outs); err != nil {
					b.Fatal(err)
				}
				if _, err := st.RecordReceipts(ctx, receipts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "texts/s")
		})
	}
}

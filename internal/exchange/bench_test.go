package exchange_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"huamu/internal/store"
	"huamu/matching"
)

const (
	bookOffers  = 100_000
	bookSpecies = 120
)

// seedBook COPYs bookOffers open offers across bookSpecies species (桂花 is
// one of them) from 2,000 growers into a fresh database.
func seedBook(b *testing.B) *bench {
	b.Helper()
	bb := newBench(b)
	ctx := context.Background()
	pool := bb.st.Pool()
	const growers = 2000
	members := make([][]any, growers)
	for i := range members {
		members[i] = []any{fmt.Sprintf("137%08d", i), t0}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"members"}, []string{"phone", "created_at"}, pgx.CopyFromRows(members)); err != nil {
		b.Fatal(err)
	}
	var firstMember int64
	if err := pool.QueryRow(ctx, `SELECT min(id) FROM members`).Scan(&firstMember); err != nil {
		b.Fatal(err)
	}
	species := make([]string, bookSpecies)
	species[0] = "桂花"
	for i := 1; i < bookSpecies; i++ {
		species[i] = fmt.Sprintf("树种%03d", i)
	}
	towns := []string{"万春镇", "和盛镇", "寿安镇", "永宁镇", "金马镇", ""}
	r := rand.New(rand.NewPCG(2026, 5))
	rows := make([][]any, bookOffers)
	for i := range rows {
		lo := float64(4 + r.IntN(16))
		spec, _ := json.Marshal(matching.Spec{matching.SpecDia: matching.Between(lo, lo+float64(r.IntN(3)))})
		qty := int64(10 + r.IntN(990))
		price := decimal.New(int64(5000+r.IntN(150000)), -2)
		rows[i] = []any{firstMember + int64(r.IntN(growers)), "supply", species[r.IntN(bookSpecies)], []string{}, spec,
			qty, qty, "株", qty, price, "株", towns[r.IntN(len(towns))], "open",
			t0.Add(-time.Duration(r.IntN(600)) * time.Hour), t0.Add(30 * 24 * time.Hour)}
	}
	cols := []string{"member_id", "side", "species", "attrs", "spec", "qty_min", "qty_max", "unit", "remaining",
		"price_min", "price_per", "town", "state", "created_at", "expires_at"}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"listings"}, cols, pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE listings`); err != nil {
		b.Fatal(err)
	}
	return bb
}

func benchDemand() matching.Listing {
	bid := decimal.RequireFromString("800")
	n := int64(500)
	return matching.Listing{ID: 1 << 40, MemberID: 1 << 40, Side: matching.Demand, Species: "桂花", State: matching.ListingOpen,
		Spec: matching.Spec{matching.SpecDia: matching.Between(8, 10)}, Qty: matching.Qty{Min: &n, Max: &n, Unit: "株"}, Remaining: n,
		Price: &matching.Price{Max: &bid, Per: "株"}, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
}

// BenchmarkMatchDemand_SQL is the real path of a new demand: read the open
// offers of its species from PostgreSQL (100,000 open offers across 120
// species in the table), then rank them.
func BenchmarkMatchDemand_SQL(b *testing.B) {
	bb := seedBook(b)
	ctx := context.Background()
	d := benchDemand()
	var n, candidates int
	b.ReportAllocs()
	for b.Loop() {
		err := bb.st.InTx(ctx, func(tx *store.Tx) error {
			offers, err := tx.OpenListings(ctx, matching.Supply, d.Species)
			candidates = len(offers)
			n = len(matching.RankOffers(d, offers, tx.Now))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(candidates), "candidates")
	b.ReportMetric(float64(n), "matches")
}

// BenchmarkMatchDemand_InMemory ranks the same demand against all 100,000
// offers held in memory: the rules alone.
func BenchmarkMatchDemand_InMemory(b *testing.B) {
	bb := seedBook(b)
	ctx := context.Background()
	rows, err := bb.st.ListListings(ctx, store.ListingFilter{Limit: 1}) // warm the connection
	if err != nil || len(rows) == 0 {
		b.Fatal(err)
	}
	var book []matching.Listing
	for i := range bookSpecies {
		sp := "桂花"
		if i > 0 {
			sp = fmt.Sprintf("树种%03d", i)
		}
		err := bb.st.InTx(ctx, func(tx *store.Tx) error {
			ls, err := tx.OpenListings(ctx, matching.Supply, sp)
			book = append(book, ls...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if len(book) != bookOffers {
		b.Fatalf("loaded %d offers", len(book))
	}
	d := benchDemand()
	var n int
	b.ReportAllocs()
	for b.Loop() {
		n = len(matching.RankOffers(d, book, t0))
	}
	b.ReportMetric(float64(n), "matches")
}

// BenchmarkOrders_WholePath is one complete trade per iteration through
// the intake path: the buyer's 订 stored and handled (lock the offer,
// reserve, store the order, write both texts), then the grower's 确认
// (resolve the pending order, confirm, post the ledger entry, write both
// texts), each in its own transaction as the workers run them.
func BenchmarkOrders_WholePath(b *testing.B) {
	bb := newBench(b)
	ctx := context.Background()
	id := bb.offer(b, grower, "供 桂花 8公分 10000000株 600元")
	var seq atomic.Int64
	handle := func(from, body string) {
		n := seq.Add(1)
		if _, _, err := bb.st.InsertInbound(ctx, store.MO{DedupKey: fmt.Sprintf("b%d", n), Bind: "b", Sender: from, Body: body}); err != nil {
			b.Fatal(err)
		}
		if _, err := bb.st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error {
			return bb.ex.HandleInbound(ctx, tx, in)
		}); err != nil {
			b.Fatal(err)
		}
	}
	order := fmt.Sprintf("订 %d 3", id)
	start := time.Now()
	for b.Loop() {
		handle(buyer, order)
		handle(grower, "确认")
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "orders/s")
	if o := bb.lastOrder(b); o.State != matching.OrderConfirmed {
		b.Fatalf("last order %s", o.State)
	}
}

// BenchmarkOrders_ConcurrentProposals is 订 texts from many buyers against
// one offer, handled by 4 concurrent workers: the contended path, where every
// reservation takes the same row lock.
func BenchmarkOrders_ConcurrentProposals(b *testing.B) {
	bb := newBench(b)
	ctx := context.Background()
	id := bb.offer(b, grower, "供 桂花 8公分 10000000株 600元")
	var seq atomic.Int64
	b.SetParallelism(2) // 2 cores × 2 = 4 workers
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			from := fmt.Sprintf("139%08d", n%5000)
			if _, _, err := bb.st.InsertInbound(ctx, store.MO{DedupKey: fmt.Sprintf("p%d", n), Bind: "b", Sender: from,
				Body: fmt.Sprintf("订 %d 1", id)}); err != nil {
				b.Error(err)
				return
			}
			if _, err := bb.st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error {
				return bb.ex.HandleInbound(ctx, tx, in)
			}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "orders/s")
	bb.checkBooks(b)
}

package groupbuy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"huamu/internal/exchange"
	"huamu/internal/groupbuy"
	"huamu/internal/store"
	"huamu/smsgw"
	"huamu/smsgw/grammar"
)

// BenchmarkCloseAndAllocate2000 closes a group-buy of 2,000 participants at
// its deadline and confirms its allocation across 30 growers with supply
// short by a tenth, reporting the SMS parts it writes:
//
//	go test -run '^$' -bench CloseAndAllocate2000 -benchtime 1x ./internal/groupbuy/
func BenchmarkCloseAndAllocate2000(b *testing.B) {
	for range b.N {
		b.StopTimer()
		st, c, _ := setup(&testing.T{})
		ctx := context.Background()
		svc := &groupbuy.Service{Store: st}
		g := newGroupBuy(&testing.T{}, st, nil)
		// 2,000 members committing 20..200 each, joined a second apart.
		if _, err := st.Pool().Exec(ctx, `INSERT INTO members (phone, created_at)
			SELECT '139' || lpad(i::text, 8, '0'), now() FROM generate_series(1, 2000) i`); err != nil {
			b.Fatal(err)
		}
		if _, err := st.Pool().Exec(ctx, `UPDATE group_buys SET cap = 0, min_total = 1000 WHERE id = $1`, g.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := st.Pool().Exec(ctx, `INSERT INTO group_buy_commitments (group_buy_id, member_id, qty, joined_at, updated_at)
			SELECT $1, m.id, 20 + 10 * (m.id % 19), $2::timestamptz + m.id * interval '1 second', $2
			FROM members m WHERE m.phone LIKE '139%'`, g.ID, t0); err != nil {
			b.Fatal(err)
		}
		var committed int64
		_ = st.Pool().QueryRow(ctx, `SELECT sum(qty) FROM group_buy_commitments WHERE group_buy_id = $1`, g.ID).Scan(&committed)
		per := committed * 9 / 10 / 30
		for i := range 30 {
			offer(&testing.T{}, st, fmt.Sprintf("1370000%04d", i), per, fmt.Sprintf("%d.50", 560+i))
		}
		c.add(49 * time.Hour)
		b.StartTimer()
		start := time.Now()
		if n, err := svc.FireDue(ctx); err != nil || n != 1 {
			b.Fatalf("fired %d: %v", n, err)
		}
		closed := time.Since(start)
		if _, err := svc.Purchase(ctx, g.ID, nil, 0); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		confirmAll(b, st, g.ID) // the growers answer: not the exchange's work to time
		b.StartTimer()
		p, err := svc.Allocate(ctx, g.ID, 0)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		rows, err := st.Pool().Query(ctx, `SELECT body FROM outbox`)
		if err != nil {
			b.Fatal(err)
		}
		texts, parts := 0, 0
		for rows.Next() {
			var body string
			_ = rows.Scan(&body)
			_, n, _ := smsgw.Plan("【花木通】"+body, false)
			texts++
			parts += n
		}
		rows.Close()
		b.ReportMetric(float64(closed.Milliseconds()), "close_ms")
		b.ReportMetric(float64(texts), "texts")
		b.ReportMetric(float64(parts), "sms_parts")
		b.ReportMetric(float64(p.Confirmed), "allocated_units")
		b.ReportMetric(float64(committed), "committed_units")
	}
}

// confirmAll confirms every purchase order of a group-buy straight in the
// database, as growers texting 确认 would.
func confirmAll(b *testing.B, st *store.Store, id int64) {
	orders, err := st.GroupBuyOrders(context.Background(), id)
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	clerk, err := st.UpsertUser(context.Background(), "bench", "bench", store.RoleClerk, "correct horse")
	if err != nil {
		b.Fatal(err)
	}
	ex := exchange.New(st, grammar.Default, "【花木通】", nil)
	for _, id := range ids {
		if _, err := ex.ActOnOrder(context.Background(), clerk.ID, id, exchange.ClerkConfirm, ""); err != nil {
			b.Fatal(err)
		}
	}
}

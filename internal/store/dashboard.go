package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"huamu/matching"
)

// Figures are the dashboard's counts for one period.
type Figures struct {
	TextsIn, TextsOut    int64
	Parsed, NeedsClerk   int64           // texts settled by the grammar, and handed to a clerk
	NewListings, Matches int64           // Matches: texts that carried matches (match, match_reply, digest)
	Orders               int64           // confirmed or delivered orders
	Turnover             decimal.Decimal // confirmed SMS-trade orders
	GroupBuyTurnover     decimal.Decimal // what group-buy participants were charged
}

// ParseRate is the share of texts the grammar settled, in percent (0 when none).
func (f Figures) ParseRate() float64 {
	n := f.Parsed + f.NeedsClerk
	if n == 0 {
		return 0
	}
	return float64(f.Parsed) * 100 / float64(n)
}

// DashboardFigures counts what happened in [from, to); texts of
// matchKinds count as matches.
func (s *Store) DashboardFigures(ctx context.Context, from, to time.Time, matchKinds []string) (Figures, error) {
	var f Figures
	err := s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM inbound WHERE received_at >= $1 AND received_at < $2),
		(SELECT count(*) FROM outbox WHERE created_at >= $1 AND created_at < $2),
		(SELECT count(*) FROM inbound WHERE received_at >= $1 AND received_at < $2 AND state = 'done'),
		(SELECT count(*) FROM inbound WHERE received_at >= $1 AND received_at < $2 AND state IN ('needs_clerk', 'resolved')),
		(SELECT count(*) FROM listings WHERE created_at >= $1 AND created_at < $2),
		(SELECT count(*) FROM outbox WHERE created_at >= $1 AND created_at < $2 AND kind = ANY($3))`, from, to, matchKinds).
		Scan(&f.TextsIn, &f.TextsOut, &f.Parsed, &f.NeedsClerk, &f.NewListings, &f.Matches)
	if err != nil {
		return f, interpret(err, "统计")
	}
	// SMS trade and group-buys apart, as the association reports them: a
	// group-buy's purchases from growers are orders too, but its turnover
	// is what participants were charged (the sale entry's receivables).
	err = s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM orders WHERE created_at >= $1 AND created_at < $2
			AND state IN ('confirmed', 'delivered') AND group_buy_id IS NULL),
		(SELECT coalesce(sum(total), 0) FROM orders WHERE created_at >= $1 AND created_at < $2
			AND state IN ('confirmed', 'delivered') AND group_buy_id IS NULL),
		(SELECT coalesce(sum(p.amount), 0) FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
			WHERE e.kind = 'groupbuy_allocated' AND e.at >= $1 AND e.at < $2
			AND p.amount > 0 AND p.member_id IS NOT NULL)`, from, to).
		Scan(&f.Orders, &f.Turnover, &f.GroupBuyTurnover)
	if err != nil {
		return f, interpret(err, "统计")
	}
	return f, nil
}

// Day is one day's text counts for the dashboard's chart.
type Day struct {
	Date    time.Time
	In, Out int64
}

// DailyTexts counts texts in and out per China day for the days days
// ending with the day of now, oldest first, days without texts included.
func (s *Store) DailyTexts(ctx context.Context, now time.Time, days int) ([]Day, error) {
	end := matching.DayStart(now).AddDate(0, 0, 1)
	start := end.AddDate(0, 0, -days)
	rows, err := s.pool.Query(ctx, `
		SELECT d, (SELECT count(*) FROM inbound WHERE received_at >= d AND received_at < d + interval '1 day'),
			(SELECT count(*) FROM outbox WHERE created_at >= d AND created_at < d + interval '1 day')
		FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 day', interval '1 day') d ORDER BY d`, start, end)
	if err != nil {
		return nil, interpret(err, "统计")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Day, error) {
		var d Day
		err := r.Scan(&d.Date, &d.In, &d.Out)
		return d, err
	})
}

package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// MT is an outbound text in the outbox.
type MT struct {
	ID        int64
	InboundID *int64
	Recipient string
	Body      string
	Kind      string
	State     string
	Attempts  int
	Bind      string
	Parts     int
	LastError string
	CreatedAt time.Time

	// What a leased MT's sender needs (LeaseDue).
	Lease           string // the lease's owner token, which recording the outcome must show
	SentSeqs        []int  // parts an earlier attempt already got accepted: never sent again
	Retaken         bool   // an earlier attempt ended without its outcome (its process died): other parts may have reached the SMSC
	CarrierOverride string // the recipient's carrier when a clerk or experience set it
}

// resend queues an expired MT once more, unless it was unsolicited (as
// written on its row) and the number has opted out since. It returns the
// new row's id, or 0.
func (tx *Tx) resend(ctx context.Context, id int64, m MT, unsolicited bool, plannedParts int) (int64, error) {
	var retry int64
	err := tx.tx.QueryRow(ctx, `INSERT INTO outbox (inbound_id, recipient, body, kind, unsolicited, planned_parts,
			next_attempt_at, created_at, retry_of)
		SELECT $2, $3, $4, $5, $7, $8, $6, $6, $1
		WHERE NOT ($7 AND EXISTS (SELECT 1 FROM members WHERE phone = $3 AND stopped_at IS NOT NULL))
		ON CONFLICT (retry_of) WHERE retry_of IS NOT NULL DO NOTHING RETURNING id`,
		id, m.InboundID, m.Recipient, m.Body, m.Kind, tx.Now, unsolicited, plannedParts).Scan(&retry)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return retry, interpret(err, "短信")
}

// QueueDepth counts the texts waiting for an intake worker and the MTs
// waiting to be submitted (leased ones included), from the queue tables.
func (s *Store) QueueDepth(ctx context.Context) (inbound, outbound int64, err error) {
	err = s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM inbound_queue), (SELECT count(*) FROM outbox_queue)`).
		Scan(&inbound, &outbound)
	return inbound, outbound, interpret(err, "短信")
}

// AnalyzeStale refreshes the planner's statistics of the tables changed
// enough since their last analysis (more than 50 rows and a tenth of the
// table, as autovacuum would), when the server's autovacuum is off; it
// returns the tables it analysed. Without statistics the planner takes a
// batch's join with an index for a scan of the whole table. One process at
// a time does it.
func (s *Store) AnalyzeStale(ctx context.Context) ([]string, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, interpret(err, "统计")
	}
	defer conn.Release()
	var on bool
	if err := conn.QueryRow(ctx, `SELECT current_setting('autovacuum')::bool`).Scan(&on); err != nil || on {
		return nil, interpret(err, "统计")
	}
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(7243601004)`).Scan(&locked); err != nil || !locked {
		return nil, interpret(err, "统计")
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7243601004)`)
	rows, err := conn.Query(ctx, `SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname)
		FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
		WHERE s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
		ORDER BY s.n_mod_since_analyze DESC`)
	if err != nil {
		return nil, interpret(err, "统计")
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, interpret(err, "统计")
	}
	for _, t := range tables {
		if _, err := conn.Exec(ctx, `ANALYZE `+t); err != nil {
			return tables, interpret(err, "统计")
		}
	}
	return tables, nil
}

// VacuumQueues reclaims the dead rows a busy queue leaves behind, so that
// claims stay fast on a server whose autovacuum is off or behind. A vacuum
// another process runs at the same moment is not waited for.
func (s *Store) VacuumQueues(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `VACUUM (SKIP_LOCKED) inbound_queue, outbox_queue`)
	return interpret(err, "队列")
}

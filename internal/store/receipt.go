package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"huamu/smsgw"
)

// finalStates are receipt states after which a part's fate cannot change.
var finalStates = []string{"delivered", "expired", "deleted", "undeliverable", "accepted", "rejected", "skipped"}

// ReceiptIn is a delivery receipt to record: the forms its message id may
// take, the form exactly as written first (smsgw.ReceiptIDCandidates), the
// binds of the SMSC account it came from (none: any), and the state it
// reports.
type ReceiptIn struct {
	IDs     []string
	Binds   []string
	State   string
	ErrCode string
}

// Receipted is what RecordReceipts did with a receipt.
type Receipted struct {
	Matched  bool  // a part with this SMSC id exists; else the receipt waits for it in early_receipts
	OutboxID int64 // its MT
}

// RecordReceipt records one receipt (see RecordReceipts).
func (s *Store) RecordReceipt(ctx context.Context, messageIDs []string, state, errCode string) (Receipted, error) {
	rs, err := s.RecordReceipts(ctx, []ReceiptIn{{IDs: messageIDs, State: state, ErrCode: errCode}})
	if err != nil {
		return Receipted{}, err
	}
	return rs[0], nil
}

// RecordReceipts stores a batch of delivery receipts in one transaction,
// each against the part with its SMSC message id, and settles the MTs they
// complete (see settle). A receipt for a part not recorded yet — it can
// overtake the record of its submit — waits in early_receipts for it.
func (s *Store) RecordReceipts(ctx context.Context, rs []ReceiptIn) ([]Receipted, error) {
	out := make([]Receipted, len(rs))
	err := s.inTxRetrying(ctx, func(tx *Tx) error {
		clear(out)
		if err := tx.matchReceipts(ctx, rs, out, nil); err != nil {
			return err
		}
		var touched []int64
		var unmatched []int
		var unmatchedIDs []string
		for i, r := range rs {
			if out[i].Matched {
				touched = append(touched, out[i].OutboxID)
			} else {
				unmatched = append(unmatched, i)
				unmatchedIDs = append(unmatchedIDs, r.IDs...)
			}
		}
		if len(unmatched) > 0 {
			// Perhaps the part's record is a moment behind: look once
			// more under the lock RecordSends takes for those ids, and
			// keep what is still unmatched for the part to find.
			if err := tx.lockReceiptShards(ctx, unmatchedIDs); err != nil {
				return err
			}
			if err := tx.matchReceipts(ctx, rs, out, unmatched); err != nil {
				return err
			}
			for _, i := range unmatched {
				r := rs[i]
				if out[i].Matched {
					touched = append(touched, out[i].OutboxID)
					continue
				}
				if _, err := tx.tx.Exec(ctx, `INSERT INTO early_receipts (candidates, binds, state, error_code, received_at)
					VALUES ($1, $2, $3, $4, $5)`, r.IDs, binds(r.Binds), r.State, r.ErrCode, tx.Now); err != nil {
					return interpret(err, "回执")
				}
			}
		}
		return tx.settleAll(ctx, touched)
	})
	return out, err
}

// matchReceipts gives each receipt of rs (those at only, when only is not
// nil) to its part: the part sent on one of the receipt's binds whose
// message id is one of the receipt's forms, the exact form before the
// others. It fills out for the receipts it matched.
func (tx *Tx) matchReceipts(ctx context.Context, rs []ReceiptIn, out []Receipted, only []int) error {
	var ids, bindOf, states, errs []string
	var idx, rank []int32
	add := func(i int) {
		r := rs[i]
		scope := r.Binds
		if len(scope) == 0 {
			scope = []string{""} // any bind
		}
		for k, id := range r.IDs {
			for _, b := range scope {
				ids, bindOf, idx, rank = append(ids, id), append(bindOf, b), append(idx, int32(i)), append(rank, int32(k))
			}
		}
		states, errs = append(states, r.State), append(errs, r.ErrCode)
	}
	var stateIdx []int32
	if only == nil {
		for i := range rs {
			add(i)
			stateIdx = append(stateIdx, int32(i))
		}
	} else {
		for _, i := range only {
			add(i)
			stateIdx = append(stateIdx, int32(i))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.tx.Query(ctx, `
		WITH m AS (
			SELECT DISTINCT ON (v.i) v.i, p.outbox_id, p.seq
			FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS v(id, bind, i, r)
			JOIN outbox_parts p ON p.smsc_message_id = v.id AND p.smsc_message_id <> ''
			JOIN outbox o ON o.id = p.outbox_id AND (v.bind = '' OR o.bind = v.bind)
			ORDER BY v.i, v.r, p.outbox_id DESC)
		UPDATE outbox_parts p SET state = s.state, error_code = s.err, receipt_at = $5
		FROM m JOIN unnest($6::int[], $7::text[], $8::text[]) AS s(i, state, err) ON s.i = m.i
		WHERE p.outbox_id = m.outbox_id AND p.seq = m.seq
		RETURNING m.i, p.outbox_id`, ids, bindOf, idx, rank, tx.Now, stateIdx, states, errs)
	if err != nil {
		return interpret(err, "回执")
	}
	var i int32
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&i, &id}, func() error {
		out[i] = Receipted{Matched: true, OutboxID: id}
		return nil
	})
	return interpret(err, "回执")
}

// binds is a text[] never NULL.
func binds(b []string) []string {
	if b == nil {
		return []string{}
	}
	return b
}

// receiptShards is how many advisory locks split the message ids between
// them: a part's record and a receipt that overtook it take the lock of the
// id's shard, so that one of the two always sees the other.
const receiptShards = 16

// lockReceiptShards takes, in order, the locks of the shards of ids.
func (tx *Tx) lockReceiptShards(ctx context.Context, ids []string) error {
	var shards []int32
	for _, id := range ids {
		h := fnv.New32a()
		h.Write([]byte(id))
		shards = append(shards, int32(h.Sum32()%receiptShards))
	}
	slices.Sort(shards)
	shards = slices.Compact(shards)
	_, err := tx.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7243601003000 + s) FROM unnest($1::int[]) AS s ORDER BY s`, shards)
	return interpret(err, "回执")
}

// settleAll brings the MTs in ids up to date with their parts' receipts:
// the usual case, every part delivered, in one statement for all of them;
// the others one by one (settle).
func (tx *Tx) settleAll(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	rows, err := tx.tx.Query(ctx, `
		WITH d AS (
			UPDATE outbox o SET state = 'delivered', final_at = $2
			WHERE o.id = ANY($1) AND o.state = 'submitted' AND o.parts > 0
				AND o.parts = (SELECT count(*) FROM outbox_parts p WHERE p.outbox_id = o.id AND p.state = 'delivered')
			RETURNING o.id, o.recipient, o.carrier),
		c AS (
			-- A delivery clears the number's failures in a row on that carrier.
			UPDATE carrier_evidence e SET undeliverable = 0, delivered_at = $2
			FROM d WHERE e.phone = d.recipient AND e.carrier = d.carrier AND e.undeliverable > 0)
		SELECT id FROM d`, ids, tx.Now)
	if err != nil {
		return interpret(err, "短信")
	}
	delivered, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return interpret(err, "短信")
	}
	for _, id := range ids {
		if !slices.Contains(delivered, id) {
			if err := tx.settle(ctx, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// ApplyEarlyReceipts gives parts the receipts that were kept for them
// because they came first, and settles their MTs. RecordSends does it as it
// records parts; this catches a receipt and a part recorded at the same
// instant by two transactions that could not see each other. Receipts
// still unmatched after a day are dropped: no part of ours will claim them.
func (s *Store) ApplyEarlyReceipts(ctx context.Context) (int, error) {
	n := 0
	err := s.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.tx.Query(ctx, `WITH r AS (
				DELETE FROM early_receipts e
				WHERE EXISTS (SELECT 1 FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id
					WHERE p.smsc_message_id = ANY(e.candidates) AND p.smsc_message_id <> ''
						AND (cardinality(e.binds) = 0 OR o.bind = ANY(e.binds)))
				RETURNING candidates, binds, state, error_code, received_at)
			UPDATE outbox_parts p SET state = r.state, error_code = r.error_code, receipt_at = r.received_at
			FROM r, outbox o
			WHERE p.smsc_message_id = ANY(r.candidates) AND p.smsc_message_id <> '' AND o.id = p.outbox_id
				AND (cardinality(r.binds) = 0 OR o.bind = ANY(r.binds))
			RETURNING p.outbox_id`)
		if err != nil {
			return interpret(err, "回执")
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return interpret(err, "回执")
		}
		n = len(ids)
		if _, err := tx.tx.Exec(ctx, `DELETE FROM early_receipts WHERE received_at < $1`, tx.Now.Add(-24*time.Hour)); err != nil {
			return interpret(err, "回执")
		}
		return tx.settleAll(ctx, ids)
	})
	return n, err
}

// settle decides a submitted MT once every part has a final receipt:
// delivered when all were; otherwise failed, and then what the exchange does
// about it — an MT that expired is sent once more (as a new row, retry_of
// naming this one), and a number that keeps coming back undeliverable on one
// carrier is tried on another (see noteCarrier). last_error says which, in
// Chinese, for clerks. The caller holds the MT's row lock.
func (tx *Tx) settle(ctx context.Context, id int64) error {
	var (
		m                            MT
		n                            int
		allDelivered, allFinal       bool
		anyExpired, anyUndeliverable bool
		carrier                      string
		retryOf                      *int64
		states                       []string
		unsolicited                  bool
		plannedParts                 int
	)
	err := tx.tx.QueryRow(ctx, `
		SELECT o.recipient, o.body, o.kind, o.unsolicited, o.planned_parts, o.inbound_id, o.state, o.parts, o.carrier, o.retry_of,
			count(p.seq), coalesce(bool_and(p.state = 'delivered'), false), coalesce(bool_and(p.state = ANY($2)), false),
			coalesce(bool_or(p.state = 'expired'), false), coalesce(bool_or(p.state = 'undeliverable'), false),
			coalesce(array_agg(DISTINCT p.state) FILTER (WHERE p.state <> 'delivered'), '{}')
		FROM outbox o LEFT JOIN outbox_parts p ON p.outbox_id = o.id
		WHERE o.id = $1 GROUP BY o.id`, id, finalStates).
		Scan(&m.Recipient, &m.Body, &m.Kind, &unsolicited, &plannedParts, &m.InboundID, &m.State, &m.Parts, &carrier, &retryOf,
			&n, &allDelivered, &allFinal, &anyExpired, &anyUndeliverable, &states)
	if err != nil {
		return interpret(err, "短信")
	}
	if m.State != "submitted" || !allFinal || n != m.Parts || n == 0 {
		return nil
	}
	if allDelivered {
		if err := tx.noteCarrier(ctx, m.Recipient, carrier, true); err != nil {
			return err
		}
		_, err := tx.tx.Exec(ctx, `UPDATE outbox SET state = 'delivered', final_at = $2 WHERE id = $1`, id, tx.Now)
		return interpret(err, "短信")
	}
	note := "回执: " + strings.Join(states, ",")
	if anyExpired && retryOf == nil {
		retry, err := tx.resend(ctx, id, m, unsolicited, plannedParts)
		if err != nil {
			return err
		}
		if retry != 0 {
			note += fmt.Sprintf("；已过期，重发一次 (#%d)", retry)
		}
	}
	if anyUndeliverable {
		if err := tx.noteCarrier(ctx, m.Recipient, carrier, false); err != nil {
			return err
		}
		if learned, err := tx.learnCarrier(ctx, m.Recipient, carrier); err != nil {
			return err
		} else if learned != "" {
			note += "；该号码在" + smsgw.Carrier(carrier).Chinese() + "屡次无法送达，疑似携号转网，今后改走" + smsgw.Carrier(learned).Chinese()
		}
	}
	_, err = tx.tx.Exec(ctx, `UPDATE outbox SET state = 'failed', final_at = $2, last_error = $3 WHERE id = $1`,
		id, tx.Now, note)
	return interpret(err, "短信")
}

package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Sending an MT takes two short transactions and no transaction is open
// while the SMSC is asked: LeaseDue leases due MTs to a sender (their
// outbox_queue rows carry its token and stay out of other senders' reach
// until the lease ends), the sender submits them, and RecordSends records
// what the SMSC answered for a whole batch at once.
//
// A sender holds a LeaseKey for as long as its process lives: an advisory
// lock on a connection of its own. When the process dies, the lock goes
// with the connection and ExpireDeadLeases ends its leases at once. The
// next sender to lease such an MT sees that (MT.Retaken): the parts with an
// SMSC id are never sent again; the others may or may not have reached the
// SMSC, so they are sent and counted in ambiguous_parts.

// ErrPermanent marks a send error that retrying cannot fix (a rejected
// number, a text the SMSC refuses); the MT is marked failed.
var ErrPermanent = errors.New("permanent send failure")

// ErrRetrySoon marks a send error that is not the text's fault (throttled,
// no bind up): the MT is due again in a second and no attempt is spent.
var ErrRetrySoon = errors.New("retry soon")

const maxAttempts = 12

// Backoff is the wait before attempt n+1: 2 s doubling to a ceiling of 10 min.
func Backoff(attempt int) time.Duration {
	d := 2 * time.Second
	for i := 1; i < attempt && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// LeaseKey is the liveness of a process's leases: the advisory lock Key,
// held on a connection of its own until Release.
type LeaseKey struct {
	Key  int64
	conn *pgxpool.Conn
}

// HoldLeaseKey takes a fresh lease key and holds its lock.
func (s *Store) HoldLeaseKey(ctx context.Context) (*LeaseKey, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, interpret(err, "租约")
	}
	for {
		key := int64(rand.Uint64() >> 1)
		if key == 0 {
			continue
		}
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
			conn.Release()
			return nil, interpret(err, "租约")
		}
		if ok {
			return &LeaseKey{Key: key, conn: conn}, nil
		}
	}
}

// Release lets the key's lock go.
func (k *LeaseKey) Release() {
	// Closing the connection, not handing it back to the pool, lets the
	// session's lock go with it.
	_ = k.conn.Conn().Close(context.Background())
	k.conn.Release()
}

// ExpireDeadLeases ends the leases of processes whose lease key's lock is
// free — they died — so that their MTs are due again at once. It returns
// how many MTs it freed.
func (s *Store) ExpireDeadLeases(ctx context.Context) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.tx.Exec(ctx, `UPDATE outbox_queue SET lease_until = $1 WHERE lease_until > $1 AND lease_key IN (
			SELECT k FROM (SELECT DISTINCT lease_key AS k FROM outbox_queue WHERE lease_until > $1 AND lease_key <> 0) x
			WHERE pg_try_advisory_xact_lock(k))`, tx.Now)
		n = tag.RowsAffected()
		return interpret(err, "租约")
	})
	return n, err
}

// Lease is what a sender offers to take MTs over directly: the token and
// key to lease them under, for how long, and how many it has room for.
type Lease struct {
	Owner string
	Key   int64
	For   time.Duration
	Max   int
}

// leaseWritten leases, in tx, the MTs tx wrote to a number whose carrier
// tx knows (the batch's senders) under the lease offer gives for them, as
// many as it has room for, and returns them and the lease.
func (tx *Tx) leaseWritten(ctx context.Context, offer func(n int) *Lease) ([]MT, *Lease, error) {
	var fit []writtenMT
	for _, w := range tx.wb.written {
		if _, known := tx.wb.carriers[w.row.recipient]; known {
			fit = append(fit, w)
		}
	}
	if len(fit) == 0 {
		return nil, nil, nil
	}
	l := offer(len(fit))
	if l == nil {
		return nil, nil, nil
	}
	fit = fit[:min(len(fit), l.Max)]
	out := make([]MT, len(fit))
	ids := make([]int64, len(fit))
	for i, w := range fit {
		out[i] = MT{ID: w.id, InboundID: w.row.inboundID, Recipient: w.row.recipient, Body: w.row.body, Kind: w.row.kind,
			State: "queued", CreatedAt: w.row.createdAt, Lease: l.Owner, CarrierOverride: tx.wb.carriers[w.row.recipient]}
		ids[i] = w.id
	}
	_, err := tx.tx.Exec(ctx, `UPDATE outbox_queue SET lease_until = $2, lease_owner = $3, lease_key = $4
		WHERE outbox_id = ANY($1)`, ids, tx.Now.Add(l.For), l.Owner, l.Key)
	if err != nil {
		return nil, l, interpret(err, "短信")
	}
	return out, l, nil
}

// LeaseDue leases up to limit due MTs, oldest due first, to owner (a token
// naming this lease, unique across processes) held by key, until lease
// from now.
func (s *Store) LeaseDue(ctx context.Context, owner string, key int64, limit int, lease time.Duration) ([]MT, error) {
	var out []MT
	err := s.inHotTx(ctx, func(tx *Tx) error {
		// One statement: the lease and the read of what it leased see the
		// same snapshot.
		rows, err := tx.tx.Query(ctx, `
			WITH c AS (
				SELECT outbox_id, lease_owner FROM outbox_queue
				WHERE due_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
				ORDER BY due_at, outbox_id LIMIT $1 FOR UPDATE SKIP LOCKED),
			u AS (
				UPDATE outbox_queue q SET lease_until = $3, lease_owner = $4, lease_key = $5 FROM c WHERE q.outbox_id = c.outbox_id
				RETURNING q.outbox_id, c.lease_owner AS prev)
			SELECT u.outbox_id, coalesce(o.state, ''), o.inbound_id, coalesce(o.recipient, ''), coalesce(o.body, ''),
				coalesce(o.kind, ''), coalesce(o.attempts, 0), coalesce(o.created_at, $2), u.prev <> '',
				-- Only an MT tried before can have parts recorded.
				CASE WHEN o.attempts > 0 OR u.prev <> '' THEN coalesce((SELECT array_agg(p.seq ORDER BY p.seq) FROM outbox_parts p
					WHERE p.outbox_id = o.id AND p.smsc_message_id <> ''), '{}') ELSE '{}' END,
				CASE WHEN o.attempts > 0 OR u.prev <> '' THEN EXISTS (SELECT 1 FROM outbox_parts p
					WHERE p.outbox_id = o.id AND p.smsc_message_id = '') ELSE false END,
				coalesce((SELECT carrier_override FROM members WHERE phone = o.recipient), '')
			FROM u LEFT JOIN outbox o ON o.id = u.outbox_id
			ORDER BY u.outbox_id`, limit, tx.Now, tx.Now.Add(lease), owner, key)
		if err != nil {
			return interpret(err, "短信")
		}
		var stale []int64
		for rows.Next() {
			m := MT{Lease: owner}
			var submitting bool
			if err := rows.Scan(&m.ID, &m.State, &m.InboundID, &m.Recipient, &m.Body, &m.Kind, &m.Attempts, &m.CreatedAt,
				&m.Retaken, &m.SentSeqs, &submitting, &m.CarrierOverride); err != nil {
				rows.Close()
				return interpret(err, "短信")
			}
			// A part left "submitting" by a version that marked parts one
			// by one is as unknown as one under a lease that ran out.
			m.Retaken = m.Retaken || submitting
			if m.State != "queued" {
				stale = append(stale, m.ID) // settled another way meanwhile
				continue
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			return interpret(err, "短信")
		}
		if len(stale) > 0 {
			_, err := tx.tx.Exec(ctx, `DELETE FROM outbox_queue WHERE outbox_id = ANY($1)`, stale)
			return interpret(err, "短信")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SentPart is one submitted part of an MT and the SMSC's id for it.
type SentPart struct {
	Seq       int
	MessageID string
}

// SendOutcome is what one attempt at a leased MT achieved.
type SendOutcome struct {
	MT      MT         // as LeaseDue returned it
	Bind    string     // the bind it went out on ("" when none was up)
	Carrier string     // of the bind, for learning which carrier reaches a number
	Parts   []SentPart // parts the SMSC accepted in this attempt
	Total   int        // parts the text has
	Unknown bool       // parts went out without an answer: the SMSC may have them
	// Err is nil when every part not sent before was accepted; it wraps
	// ErrPermanent when retrying cannot help, ErrRetrySoon when the text
	// is not at fault, and anything else spends an attempt and backs off.
	Err error
}

// RecordSends records the outcomes of a batch of attempts in one
// transaction: each accepted part with its SMSC id, and each MT submitted,
// due again (soon, or after a backoff), or failed. An MT whose lease was
// taken over meanwhile (its sender hung past the lease) keeps the parts the
// SMSC accepted, but its state is left to the sender that holds it now.
func (s *Store) RecordSends(ctx context.Context, outs []SendOutcome) error {
	if len(outs) == 0 {
		return nil
	}
	return s.inTxRetrying(ctx, func(tx *Tx) error {
		var pOut []int64
		var pSeq []int32
		var pMsg, pBind []string
		for _, o := range outs {
			for _, p := range o.Parts {
				pOut, pSeq, pMsg, pBind = append(pOut, o.MT.ID), append(pSeq, int32(p.Seq)), append(pMsg, p.MessageID), append(pBind, o.Bind)
			}
		}
		receipted, err := tx.recordParts(ctx, pOut, pSeq, pMsg, pBind)
		if err != nil {
			return err
		}

		// What each outcome makes of its MT, and of its queue row.
		type plan struct {
			state, lastErr  string
			attempts, parts int
			resent          int
			next            *time.Time
			final, sub      *time.Time
		}
		plans := make(map[int64]plan, len(outs))
		var doneID, qID []int64
		var doneTok, qTok, qMark []string
		var qDue []time.Time
		now := tx.Now
		for _, o := range outs {
			m := o.MT
			p := plan{state: "queued", attempts: m.Attempts, parts: -1}
			if m.Retaken {
				p.resent = len(o.Parts) // each may be a second copy of a part the dead attempt sent
			}
			switch {
			case o.Err == nil:
				p.state, p.attempts, p.parts, p.sub = "submitted", p.attempts+1, o.Total, &now
				if p.parts <= 0 {
					p.parts = len(o.Parts) + len(m.SentSeqs)
				}
			case errors.Is(o.Err, ErrRetrySoon):
				t := now.Add(time.Second)
				p.lastErr, p.next = o.Err.Error(), &t
			default:
				p.attempts++
				p.lastErr = o.Err.Error()
				if errors.Is(o.Err, ErrPermanent) || p.attempts >= maxAttempts {
					p.state, p.final = "failed", &now
				} else {
					t := now.Add(Backoff(p.attempts))
					p.next = &t
				}
			}
			plans[m.ID] = p
			if p.next == nil {
				doneID, doneTok = append(doneID, m.ID), append(doneTok, m.Lease)
				continue
			}
			// Parts of unknown fate are marked for the next attempt as a
			// dead sender's would be: it resends and counts them.
			marker := ""
			if o.Unknown {
				marker = "unknown"
			}
			qID, qTok, qMark, qDue = append(qID, m.ID), append(qTok, m.Lease), append(qMark, marker), append(qDue, *p.next)
		}
		// Only a lease still ours is ended: an MT taken over meanwhile (its
		// sender hung past the lease) is the new holder's to record.
		var owned []int64
		if len(doneID) > 0 {
			rows, err := tx.tx.Query(ctx, `DELETE FROM outbox_queue q USING unnest($1::bigint[], $2::text[]) AS v(id, tok)
				WHERE q.outbox_id = v.id AND q.lease_owner = v.tok RETURNING q.outbox_id`, doneID, doneTok)
			if err != nil {
				return interpret(err, "短信")
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return interpret(err, "短信")
			}
			owned = append(owned, ids...)
		}
		if len(qID) > 0 {
			rows, err := tx.tx.Query(ctx, `UPDATE outbox_queue q SET due_at = v.due, lease_until = NULL, lease_key = 0, lease_owner = v.mark
				FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[]) AS v(id, tok, mark, due)
				WHERE q.outbox_id = v.id AND q.lease_owner = v.tok RETURNING q.outbox_id`, qID, qTok, qMark, qDue)
			if err != nil {
				return interpret(err, "短信")
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return interpret(err, "短信")
			}
			owned = append(owned, ids...)
		}
		if len(owned) > 0 {
			n := len(owned)
			uState, uBind, uCarrier, uErr := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			uAttempts, uParts, uResent := make([]int32, n), make([]int32, n), make([]int32, n)
			uNext, uFinal, uSubmitted := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
			byID := make(map[int64]SendOutcome, len(outs))
			for _, o := range outs {
				byID[o.MT.ID] = o
			}
			for i, id := range owned {
				p, o := plans[id], byID[id]
				uState[i], uBind[i], uCarrier[i], uErr[i] = p.state, o.Bind, o.Carrier, p.lastErr
				uAttempts[i], uParts[i], uResent[i] = int32(p.attempts), int32(p.parts), int32(p.resent)
				uNext[i], uFinal[i], uSubmitted[i] = p.next, p.final, p.sub
			}
			_, err := tx.tx.Exec(ctx, `UPDATE outbox o SET state = v.state, attempts = v.attempts,
				bind = CASE WHEN v.bind <> '' THEN v.bind ELSE o.bind END,
				carrier = CASE WHEN v.state = 'submitted' THEN v.carrier ELSE o.carrier END,
				parts = CASE WHEN v.parts >= 0 THEN v.parts ELSE o.parts END,
				last_error = v.last_error,
				next_attempt_at = coalesce(v.next_at, o.next_attempt_at),
				submitted_at = coalesce(v.submitted_at, o.submitted_at),
				final_at = coalesce(v.final_at, o.final_at),
				ambiguous_parts = o.ambiguous_parts + v.resent
				FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[],
					$9::timestamptz[], $10::timestamptz[], $11::timestamptz[])
					AS v(id, state, bind, carrier, last_error, attempts, parts, resent, next_at, final_at, submitted_at)
				WHERE o.id = v.id`,
				owned, uState, uBind, uCarrier, uErr, uAttempts, uParts, uResent, uNext, uFinal, uSubmitted)
			if err != nil {
				return interpret(err, "短信")
			}
		}
		// Receipts that overtook their parts' records settle their MTs now.
		return tx.settleAll(ctx, receipted)
	})
}

// recordParts stores the SMSC's id for each accepted part (a part left
// "submitting" by an older version is completed), then gives each the
// receipt that may have overtaken it, and returns the MTs that got one.
func (tx *Tx) recordParts(ctx context.Context, outbox []int64, seq []int32, msgID, bind []string) ([]int64, error) {
	if len(outbox) == 0 {
		return nil, nil
	}
	_, err := tx.tx.Exec(ctx, `INSERT INTO outbox_parts (outbox_id, seq, smsc_message_id, state, submitted_at)
		SELECT v.o, v.s, v.m, 'submitted', $4 FROM unnest($1::bigint[], $2::int[], $3::text[]) AS v(o, s, m)
		ON CONFLICT (outbox_id, seq) DO UPDATE
		SET smsc_message_id = EXCLUDED.smsc_message_id, state = 'submitted', submitted_at = EXCLUDED.submitted_at
		WHERE outbox_parts.smsc_message_id = ''`, outbox, seq, msgID, tx.Now)
	if err != nil {
		return nil, fmt.Errorf("record parts: %w", interpret(err, "短信分段"))
	}
	// A receipt recorded at this moment, before it could see the parts,
	// waits for this lock and looks again; one recorded before is found
	// here.
	if err := tx.lockReceiptShards(ctx, msgID); err != nil {
		return nil, err
	}
	rows, err := tx.tx.Query(ctx, `WITH v AS (
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) AS v(id, outbox, bind)),
		r AS (
			DELETE FROM early_receipts e WHERE e.candidates && $1::text[] AND EXISTS (
				SELECT 1 FROM v WHERE e.candidates @> ARRAY[v.id] AND (cardinality(e.binds) = 0 OR v.bind = ANY(e.binds)))
			RETURNING e.candidates, e.binds, e.state, e.error_code, e.received_at)
		UPDATE outbox_parts p SET state = r.state, error_code = r.error_code, receipt_at = r.received_at
		FROM r, v
		WHERE p.outbox_id = v.outbox AND p.smsc_message_id = v.id AND v.id = ANY(r.candidates)
			AND (cardinality(r.binds) = 0 OR v.bind = ANY(r.binds))
		RETURNING p.outbox_id`, msgID, outbox, bind)
	if err != nil {
		return nil, interpret(err, "回执")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return ids, interpret(err, "回执")
}

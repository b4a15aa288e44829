package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// MO is a complete mobile-originated text as the gateway hands it over.
type MO struct {
	DedupKey   string   // same key ⇒ same text redelivered
	AltKeys    []string // earlier keys of the same text (a previous dedup window)
	Bind       string
	Carrier    string
	Sender     string
	Recipient  string
	Body       string
	ReceivedAt time.Time
	// Hold, when set, stores the text straight for a clerk with this reason
	// (e.g. "flood") and HoldNote as its outcome: no worker answers it.
	Hold     string
	HoldNote string
}

// Inbound is a stored MO and what became of it.
type Inbound struct {
	ID          int64
	Sender      string
	Recipient   string
	Carrier     string
	Body        string
	ReceivedAt  time.Time
	State       string // new, done, needs_clerk, resolved
	Outcome     string
	Reason      string
	Parse       json.RawMessage
	ProcessedAt *time.Time
}

// InsertInbound commits one MO (see Receive). A redelivery (its DedupKey or
// one of its AltKeys already stored) is stored once: dup is true and id
// names the first copy.
func (s *Store) InsertInbound(ctx context.Context, mo MO) (id int64, dup bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		ids, dups, err := tx.insertTexts(ctx, []MO{mo})
		if err != nil {
			return err
		}
		id, dup = ids[0], dups[0]
		return nil
	})
	return id, dup, err
}

// Receive commits what the SMSC delivered together, in one transaction:
// whole texts as inbound rows, and parts of long texts, each long text
// joined into an inbound row in the transaction of the part that completes
// it. A redelivery — a key already stored, or a copy earlier in the same
// batch — is stored once. It returns how many new texts wait for a worker.
func (s *Store) Receive(ctx context.Context, texts []MO, parts []Part, join Joiner) (waiting int, err error) {
	err = s.inTxRetrying(ctx, func(tx *Tx) error {
		waiting = 0
		if len(texts) > 0 {
			_, dups, err := tx.insertTexts(ctx, texts)
			if err != nil {
				return err
			}
			for i, d := range dups {
				if !d && (texts[i].Hold == "" || texts[i].Hold == "fragment") {
					waiting++
				}
			}
		}
		// Parts in a fixed order, so that two batches locking the same
		// long texts take their locks in the same order.
		order := make([]int, len(parts))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(parts[a].groupLock(), parts[b].groupLock()) })
		for _, i := range order {
			_, complete, err := tx.addPart(ctx, parts[i], join)
			if err != nil {
				return err
			}
			if complete && (parts[i].Hold == "" || parts[i].Hold == "fragment") {
				waiting++
			}
		}
		return nil
	})
	return waiting, err
}

// insertTexts stores mos unless they are redeliveries, in one statement,
// and returns each one's row id and whether it was a redelivery.
func (tx *Tx) insertTexts(ctx context.Context, mos []MO) (ids []int64, dups []bool, err error) {
	n := len(mos)
	ids, dups = make([]int64, n), make([]bool, n)
	var (
		keys, alts, binds, carriers, senders, recipients, bodies, states, reasons, outcomes []string
		received                                                                            []time.Time
		rows                                                                                []int // mos index of each row to insert
	)
	seen := map[string]int{} // key → mos index of the first copy in this batch
	first := make([]int, n)  // the copy each MO repeats, or itself
	for i, mo := range mos {
		first[i] = i
		for _, k := range append([]string{mo.DedupKey}, mo.AltKeys...) {
			if j, ok := seen[k]; ok {
				first[i], dups[i] = j, true
				break
			}
		}
		if dups[i] {
			continue
		}
		for _, k := range append([]string{mo.DedupKey}, mo.AltKeys...) {
			seen[k] = i
		}
		if mo.ReceivedAt.IsZero() {
			mo.ReceivedAt = tx.Now
		}
		state := "new"
		if mo.Hold != "" && mo.Hold != "fragment" {
			state = "needs_clerk"
		}
		alt := ""
		if len(mo.AltKeys) > 0 {
			alt = mo.AltKeys[0]
		}
		// PostgreSQL text holds neither NUL nor invalid UTF-8; a decoded
		// SMS may carry both. Refusing the row would make the SMSC
		// redeliver it forever.
		keys, alts = append(keys, mo.DedupKey), append(alts, alt)
		binds, carriers = append(binds, mo.Bind), append(carriers, mo.Carrier)
		senders, recipients = append(senders, storable(mo.Sender)), append(recipients, storable(mo.Recipient))
		bodies, received = append(bodies, storable(mo.Body)), append(received, mo.ReceivedAt)
		states, reasons, outcomes = append(states, state), append(reasons, mo.Hold), append(outcomes, mo.HoldNote)
		rows = append(rows, i)
	}
	if len(rows) > 0 {
		// A key already stored (this window's, or the previous window's
		// for a text that straddles two) is a redelivery.
		r, err := tx.tx.Query(ctx, `
			INSERT INTO inbound (dedup_key, bind, carrier, sender, recipient, body, received_at, state, reason, outcome)
			SELECT v.k, v.bind, v.carrier, v.sender, v.recipient, v.body, v.received_at, v.state, v.reason, v.outcome
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
				$8::timestamptz[], $9::text[], $10::text[], $11::text[])
				AS v(k, alt, bind, carrier, sender, recipient, body, received_at, state, reason, outcome)
			WHERE v.alt = '' OR NOT EXISTS (SELECT 1 FROM inbound i WHERE i.dedup_key = v.alt)
			ON CONFLICT (dedup_key) DO NOTHING
			RETURNING id, dedup_key`,
			keys, alts, binds, carriers, senders, recipients, bodies, received, states, reasons, outcomes)
		if err != nil {
			return nil, nil, interpret(err, "短信")
		}
		inserted := map[string]int64{}
		for r.Next() {
			var id int64
			var k string
			if err := r.Scan(&id, &k); err != nil {
				r.Close()
				return nil, nil, interpret(err, "短信")
			}
			inserted[k] = id
		}
		if err := r.Err(); err != nil {
			return nil, nil, interpret(err, "短信")
		}
		var missing []string
		for _, i := range rows {
			if id, ok := inserted[mos[i].DedupKey]; ok {
				ids[i] = id
			} else {
				dups[i] = true // stored before, or by a racing copy
				missing = append(missing, mos[i].DedupKey)
				missing = append(missing, mos[i].AltKeys...)
			}
		}
		if len(missing) > 0 {
			if err := tx.firstCopies(ctx, mos, rows, ids, missing); err != nil {
				return nil, nil, err
			}
		}
	}
	for i := range mos {
		if first[i] != i {
			ids[i] = ids[first[i]]
		}
	}
	return ids, dups, nil
}

// firstCopies fills ids for the redeliveries among rows with the id of the
// copy stored first.
func (tx *Tx) firstCopies(ctx context.Context, mos []MO, rows []int, ids []int64, keys []string) error {
	r, err := tx.tx.Query(ctx, `SELECT dedup_key, id FROM inbound WHERE dedup_key = ANY($1)`, keys)
	if err != nil {
		return interpret(err, "短信")
	}
	stored := map[string]int64{}
	for r.Next() {
		var k string
		var id int64
		if err := r.Scan(&k, &id); err != nil {
			r.Close()
			return interpret(err, "短信")
		}
		stored[k] = id
	}
	if err := r.Err(); err != nil {
		return interpret(err, "短信")
	}
	for _, i := range rows {
		if ids[i] != 0 {
			continue
		}
		for _, k := range append([]string{mos[i].DedupKey}, mos[i].AltKeys...) {
			if id, ok := stored[k]; ok && (ids[i] == 0 || id < ids[i]) {
				ids[i] = id
			}
		}
	}
	return nil
}

// ClaimInbound takes the oldest waiting text, locked so no other worker
// sees it, and runs fn on it in the same transaction. fn must settle the row
// (tx.FinishInbound); its effects commit together with it, and an error
// from fn undoes them and leaves the text waiting. id is 0 when nothing was
// waiting; on an error it names the row whose handling failed. Workers use
// ProcessInbound, which takes many at once.
func (s *Store) ClaimInbound(ctx context.Context, fn func(*Tx, Inbound) error) (id int64, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		ins, err := tx.claimInbound(ctx, 1)
		if err != nil || len(ins) == 0 {
			return err
		}
		id = ins[0].ID
		return fn(tx, ins[0])
	})
	return id, err
}

// claimInbound deletes up to limit of the oldest rows from the queue,
// skipping those another worker holds, and returns their texts. Until tx
// commits, the rows stay locked; if it never does, they wait again.
func (tx *Tx) claimInbound(ctx context.Context, limit int) ([]Inbound, error) {
	return tx.claim(ctx, `WITH c AS (
			DELETE FROM inbound_queue WHERE inbound_id IN (
				SELECT inbound_id FROM inbound_queue ORDER BY inbound_id LIMIT $1 FOR UPDATE SKIP LOCKED)
			RETURNING inbound_id)
		SELECT i.id, i.sender, i.recipient, i.carrier, i.body, i.received_at, i.state, i.reason
		FROM inbound i JOIN c ON c.inbound_id = i.id WHERE i.state = 'new' ORDER BY i.id`, limit)
}

// claim runs a claiming statement that returns whole inbound rows. The
// claim and the read of what it claims are one statement: in two, the
// read's snapshot could miss texts committed after the claim's.
func (tx *Tx) claim(ctx context.Context, sql string, arg any) ([]Inbound, error) {
	rows, err := tx.tx.Query(ctx, sql, arg)
	if err != nil {
		return nil, fmt.Errorf("claim inbound: %w", err)
	}
	ins, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Inbound, error) {
		var in Inbound
		err := r.Scan(&in.ID, &in.Sender, &in.Recipient, &in.Carrier, &in.Body, &in.ReceivedAt, &in.State, &in.Reason)
		return in, err
	})
	if err != nil {
		return nil, fmt.Errorf("claim inbound: %w", err)
	}
	return ins, nil
}

// Processed is what ProcessInbound did with a batch.
type Processed struct {
	Claimed  int             // texts taken from the queue
	Failed   map[int64]error // texts handed to a clerk because handling them failed
	Deferred int             // texts put back for a later batch (a deadlock or serialization failure)
	Written  int             // outbound texts written
	Leased   []MT            // of those, the ones leased to the offer's sender, to hand it
	Lease    *Lease          // the lease they were written under, nil when none was offered
}

// ProcessInbound claims up to limit of the oldest waiting texts and runs fn
// on each, in id order, in one transaction: each text in a savepoint of its
// own (opened only if its handling runs a statement), one commit for the
// whole batch. A text whose fn fails has its savepoint rolled back and goes
// to a clerk with the reason "internal_error"; one that lost a deadlock or
// a serialization conflict waits for a later batch. An error that is not
// the text's — the database going away — undoes the whole batch, and every
// text waits again. When the batch cannot commit for another reason (a
// write of one text refused at the end), its texts are taken one at a time,
// so that only the one at fault goes to a clerk.
//
// With offer, the texts written to the batch's senders (replies, the usual
// case) are leased, in the same transaction, under the lease offer gives
// for that many (or fewer), and returned in Processed.Leased, so that they
// go out the moment it commits without waiting for a sender to find them.
// The caller hands them to the sender, or gives the lease back, whatever
// the error.
func (s *Store) ProcessInbound(ctx context.Context, limit int, fn func(*Tx, Inbound) error, offer func(n int) *Lease) (Processed, error) {
	var p Processed
	var claimed []int64
	err := s.inHotTx(ctx, func(tx *Tx) error {
		p, claimed = Processed{}, nil
		ins, err := tx.claimInbound(ctx, limit)
		if err != nil || len(ins) == 0 {
			return err
		}
		p.Claimed = len(ins)
		senders := make([]string, len(ins))
		for i, in := range ins {
			claimed = append(claimed, in.ID)
			senders[i] = in.Sender
		}
		if err := tx.knowStopped(ctx, senders); err != nil {
			return err
		}
		for _, in := range ins {
			if err := tx.handle(ctx, in, fn, &p); err != nil {
				return err
			}
		}
		if err := tx.wb.writeUpTo(ctx, tx.tx.(*stmtTx).base, tx.wb.end()); err != nil {
			return err
		}
		p.Written = len(tx.wb.written)
		if offer != nil {
			p.Leased, p.Lease, err = tx.leaseWritten(ctx, offer)
		}
		return err
	})
	if err == nil || len(claimed) == 0 || IsConnectionError(err) || ctx.Err() != nil {
		return p, err
	}
	p = Processed{Claimed: len(claimed), Lease: p.Lease} // the lease given back: nothing was leased
	for _, id := range claimed {
		if err := s.processOne(ctx, id, fn, &p); err != nil {
			return p, err
		}
	}
	return p, nil
}

// handle runs fn on one claimed text in a savepoint of tx and settles a
// failure; it returns only errors that end the whole batch.
func (tx *Tx) handle(ctx context.Context, in Inbound, fn func(*Tx, Inbound) error, p *Processed) error {
	err := tx.Savepoint(ctx, func(tx *Tx) error { return fn(tx, in) })
	switch {
	case err == nil:
		return nil
	case IsConnectionError(err) || ctx.Err() != nil:
		return err
	case isRetryable(err):
		if _, err := tx.tx.Exec(ctx, `INSERT INTO inbound_queue (inbound_id) VALUES ($1) ON CONFLICT DO NOTHING`, in.ID); err != nil {
			return interpret(err, "短信")
		}
		p.Deferred++
		return nil
	}
	if p.Failed == nil {
		p.Failed = map[int64]error{}
	}
	p.Failed[in.ID] = err
	return tx.failInbound(ctx, in.ID, err)
}

func (tx *Tx) failInbound(ctx context.Context, id int64, cause error) error {
	_, err := tx.tx.Exec(ctx, `UPDATE inbound SET state = 'needs_clerk', reason = 'internal_error',
		outcome = $2, processed_at = $3 WHERE id = $1`, id, storable("处理出错: "+cause.Error()), tx.Now)
	return interpret(err, "短信")
}

// processOne claims text id, if it still waits, and handles it in a
// transaction of its own; when even that cannot commit, the text goes to a
// clerk.
func (s *Store) processOne(ctx context.Context, id int64, fn func(*Tx, Inbound) error, p *Processed) error {
	err := s.inHotTx(ctx, func(tx *Tx) error {
		ins, err := tx.claim(ctx, `WITH c AS (DELETE FROM inbound_queue WHERE inbound_id = $1 RETURNING inbound_id)
			SELECT i.id, i.sender, i.recipient, i.carrier, i.body, i.received_at, i.state, i.reason
			FROM inbound i JOIN c ON c.inbound_id = i.id WHERE i.state = 'new'`, id)
		if err != nil || len(ins) == 0 {
			return err
		}
		return tx.handle(ctx, ins[0], fn, p)
	})
	if err == nil || IsConnectionError(err) || ctx.Err() != nil {
		return err
	}
	if p.Failed == nil {
		p.Failed = map[int64]error{}
	}
	p.Failed[id] = err
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.Exec(ctx, `DELETE FROM inbound_queue WHERE inbound_id = $1`, id); err != nil {
			return interpret(err, "短信")
		}
		return tx.failInbound(ctx, id, err)
	})
}

// InboundFilter narrows ListInbound.
type InboundFilter struct {
	Sender string
	State  string
	Limit  int
}

// ListInbound returns recent inbound texts, newest first.
func (s *Store) ListInbound(ctx context.Context, f InboundFilter) ([]Inbound, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := s.pool.Query(ctx, `
		SELECT id, sender, recipient, carrier, body, received_at, state, outcome, reason, parse, processed_at
		FROM inbound
		WHERE ($1 = '' OR sender = $1) AND ($2 = '' OR state = $2)
		ORDER BY id DESC LIMIT $3`, f.Sender, f.State, f.Limit)
	if err != nil {
		return nil, interpret(err, "短信")
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Inbound, error) {
		var in Inbound
		err := r.Scan(&in.ID, &in.Sender, &in.Recipient, &in.Carrier, &in.Body, &in.ReceivedAt,
			&in.State, &in.Outcome, &in.Reason, &in.Parse, &in.ProcessedAt)
		return in, err
	})
}

// CountInbound counts texts in a state ("" for all).
func (s *Store) CountInbound(ctx context.Context, state string) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM inbound WHERE $1 = '' OR state = $1`, state).Scan(&n)
	return n, interpret(err, "短信")
}

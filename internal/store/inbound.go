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
	// DedupKey names the text by what its SMSC repeats when it delivers
	// it again. A later text with the same key, within Redelivery, is a
	// redelivery when the first copy's acknowledgement may not have
	// reached the SMSC (see isRedelivery), and is stored as its duplicate;
	// otherwise it is a person's repeat, a new text.
	DedupKey   string
	Session    string        // the SMPP session it came on ("" when not known)
	Redelivery time.Duration // default DefaultRedelivery
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

// Received is what Receive stored.
type Received struct {
	Waiting    int // new texts waiting for a worker
	Duplicates int // redeliveries, stored as duplicates of their first copies
}

// Receive commits what the SMSC delivered together, in one transaction:
// whole texts as inbound rows, and parts of long texts, each long text
// joined into an inbound row in the transaction of the part that completes
// it. A redelivered text is stored as a duplicate of its first copy, and
// not handled again; a redelivered part is stored once.
func (s *Store) Receive(ctx context.Context, texts []MO, parts []Part, join Joiner) (Received, error) {
	var r Received
	err := s.inTxRetrying(ctx, func(tx *Tx) error {
		r = Received{}
		if len(texts) > 0 {
			_, dups, err := tx.insertTexts(ctx, texts)
			if err != nil {
				return err
			}
			for i, d := range dups {
				switch {
				case d:
					r.Duplicates++
				case texts[i].Hold == "" || texts[i].Hold == "fragment":
					r.Waiting++
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
				r.Waiting++
			}
		}
		return nil
	})
	return r, err
}

// DefaultRedelivery is how long after a text its SMSC may deliver it again
// when MO.Redelivery is not set.
const DefaultRedelivery = 10 * time.Minute

// ackGrace is how long after a text was stored its session had to stay up
// for the acknowledgement to have surely reached the SMSC; lateStore is how
// long after its arrival a text may be stored before the SMSC may have given
// up waiting for our answer and delivered it again.
const (
	ackGrace  = 10 * time.Second
	lateStore = 5 * time.Second
	// staleAfter is how long a process may be silent about its sessions
	// before it is taken for dead (it says so every sessionBeat).
	staleAfter = 3 * SessionBeat
)

// firstCopy is what the store knows of a text's first copy.
type firstCopy struct {
	id                   int64
	session              string
	receivedAt, storedAt time.Time
	known                bool // the session is registered
	ended, alive         *time.Time
	clean                bool
	dead                 bool // its process's lease key is free: it died
}

// isRedelivery decides whether a text that repeats first (same key, within
// the window) is its SMSC delivering it again — which it does only when our
// acknowledgement of the first copy may not have reached it: the session
// ended, not cleanly, within ackGrace of storing it; the process died (its
// lease key's lock is free, or it has been silent for staleAfter; its last
// word then counts as the end); or the first copy was stored so late that
// the SMSC may have stopped waiting. Anything else is a person sending the
// same text again.
func isRedelivery(f firstCopy, now time.Time) bool {
	if f.session == "" || !f.known {
		return true // a copy from before sessions were kept, or whose session is not written yet
	}
	if f.storedAt.Sub(f.receivedAt) > lateStore {
		return true
	}
	if f.clean {
		return false
	}
	end := f.ended
	if end == nil && f.alive != nil && (f.dead || now.Sub(*f.alive) > staleAfter) {
		end = f.alive // the process died: its last word
	}
	return end != nil && end.Sub(f.storedAt) < ackGrace
}

// insertTexts stores mos in one statement: each a new text, or a
// redelivery stored as the duplicate of its first copy. It returns each
// one's row id (the first copy's, for a duplicate) and whether it was a
// duplicate.
func (tx *Tx) insertTexts(ctx context.Context, mos []MO) (ids []int64, dups []bool, err error) {
	n := len(mos)
	ids, dups = make([]int64, n), make([]bool, n)
	first, err := tx.firstCopies(ctx, mos)
	if err != nil {
		return nil, nil, err
	}
	var (
		keys, sessions, binds, carriers, senders, recipients, bodies, states, reasons, outcomes []string
		received                                                                                []time.Time
		dupOf                                                                                   []*int64
		inBatch                                                                                 []int // batch index of the first copy, for duplicates of one
	)
	seen := map[string]int{} // key → batch index of its first copy in this batch
	for i, mo := range mos {
		if mo.ReceivedAt.IsZero() {
			mo.ReceivedAt = tx.Now
		}
		state, reason, outcome := "new", mo.Hold, mo.HoldNote
		if mo.Hold != "" && mo.Hold != "fragment" {
			state = "needs_clerk"
		}
		var of *int64
		firstInBatch := -1
		if j, ok := seen[mo.DedupKey]; ok && mo.DedupKey != "" {
			// The same PDU twice in one batch: the first copy has not even
			// been acknowledged yet.
			firstInBatch = j
		} else if f, ok := first[mo.DedupKey]; ok && isRedelivery(f, tx.Now) {
			id := f.id
			of, ids[i] = &id, f.id
		}
		if firstInBatch >= 0 || of != nil {
			dups[i] = true
			state, reason = "duplicate", "redelivery"
			outcome = "短信中心重发的同一条短信，已存为重复，未再处理"
		} else if mo.DedupKey != "" {
			seen[mo.DedupKey] = i
		}
		// PostgreSQL text holds neither NUL nor invalid UTF-8; a decoded
		// SMS may carry both. Refusing the row would make the SMSC
		// redeliver it forever.
		keys, sessions = append(keys, mo.DedupKey), append(sessions, mo.Session)
		binds, carriers = append(binds, mo.Bind), append(carriers, mo.Carrier)
		senders, recipients = append(senders, storable(mo.Sender)), append(recipients, storable(mo.Recipient))
		bodies, received = append(bodies, storable(mo.Body)), append(received, mo.ReceivedAt)
		states, reasons, outcomes = append(states, state), append(reasons, reason), append(outcomes, outcome)
		dupOf, inBatch = append(dupOf, of), append(inBatch, firstInBatch)
	}
	// Rows go in, and their ids come back, in the order given; a duplicate
	// of a copy earlier in the batch points at it by its position.
	r, err := tx.tx.Query(ctx, `
		WITH v AS (
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
				$8::timestamptz[], $9::text[], $10::text[], $11::text[], $12::bigint[])
				WITH ORDINALITY AS v(k, session, bind, carrier, sender, recipient, body, received_at, state, reason, outcome, dup_of, n))
		INSERT INTO inbound (dedup_key, session, bind, carrier, sender, recipient, body, received_at, state, reason, outcome,
			duplicate_of, stored_at)
		SELECT k, session, bind, carrier, sender, recipient, body, received_at, state, reason, outcome, dup_of, $13
		FROM v ORDER BY n
		RETURNING id`,
		keys, sessions, binds, carriers, senders, recipients, bodies, received, states, reasons, outcomes, dupOf, tx.Now)
	if err != nil {
		return nil, nil, interpret(err, "短信")
	}
	rowIDs, err := pgx.CollectRows(r, pgx.RowTo[int64])
	if err != nil {
		return nil, nil, interpret(err, "短信")
	}
	if len(rowIDs) != n {
		return nil, nil, fmt.Errorf("store %d texts: %d rows came back", n, len(rowIDs))
	}
	var link []int64
	var to []int64
	for i := range mos {
		switch {
		case inBatch[i] >= 0:
			ids[i] = rowIDs[inBatch[i]]
			link, to = append(link, rowIDs[i]), append(to, rowIDs[inBatch[i]])
		case !dups[i]:
			ids[i] = rowIDs[i]
		}
	}
	if len(link) > 0 {
		_, err := tx.tx.Exec(ctx, `UPDATE inbound i SET duplicate_of = v.of FROM unnest($1::bigint[], $2::bigint[]) AS v(id, of)
			WHERE i.id = v.id`, link, to)
		if err != nil {
			return nil, nil, interpret(err, "短信")
		}
	}
	return ids, dups, nil
}

// firstCopies finds, for the keys of mos, the latest first copy stored
// within the widest of their redelivery windows, with what is known of the
// session it came on.
func (tx *Tx) firstCopies(ctx context.Context, mos []MO) (map[string]firstCopy, error) {
	var keys []string
	widest := time.Duration(0)
	for _, mo := range mos {
		if mo.DedupKey == "" {
			continue
		}
		keys = append(keys, mo.DedupKey)
		w := mo.Redelivery
		if w <= 0 {
			w = DefaultRedelivery
		}
		widest = max(widest, w)
	}
	out := map[string]firstCopy{}
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := tx.tx.Query(ctx, `
		SELECT DISTINCT ON (i.dedup_key) i.dedup_key, i.id, i.session, i.received_at, coalesce(i.stored_at, i.received_at),
			s.id IS NOT NULL, s.ended_at, s.alive_at, coalesce(s.clean, false),
			-- A process that died let its lease key's lock go with its connection.
			coalesce(s.ended_at IS NULL AND s.key <> 0 AND pg_try_advisory_xact_lock_shared(s.key), false)
		FROM inbound i LEFT JOIN smpp_sessions s ON s.id = i.session
		WHERE i.dedup_key = ANY($1) AND i.duplicate_of IS NULL AND i.received_at >= $2
		ORDER BY i.dedup_key, i.id DESC`, keys, tx.Now.Add(-widest))
	if err != nil {
		return nil, interpret(err, "短信")
	}
	var k string
	var f firstCopy
	_, err = pgx.ForEachRow(rows, []any{&k, &f.id, &f.session, &f.receivedAt, &f.storedAt, &f.known, &f.ended, &f.alive, &f.clean, &f.dead},
		func() error {
			out[k] = f
			return nil
		})
	if err != nil {
		return nil, interpret(err, "短信")
	}
	// Each text's own window.
	for _, mo := range mos {
		f, ok := out[mo.DedupKey]
		w := mo.Redelivery
		if w <= 0 {
			w = DefaultRedelivery
		}
		if ok && f.receivedAt.Before(tx.Now.Add(-w)) {
			delete(out, mo.DedupKey)
		}
	}
	return out, nil
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
		// The worker wakes the senders itself, and only for the texts its
		// own sender does not take over (intake.Worker.Processed): a wake
		// per batch would cost every process a lease query per batch.
		tx.wb.afterCommit, tx.wb.afterKeys = nil, nil
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

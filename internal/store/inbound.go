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

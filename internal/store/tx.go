package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"huamu/smsgw"
)

// Tx is one transaction with the time captured when it began.
//
// Two kinds of write wait in the transaction's memory instead of going to
// PostgreSQL one statement each: outbound texts (Enqueue) and what became of
// an inbound text (FinishInbound). They are written together, one statement
// per kind, before the next statement of the transaction runs and before it
// commits, so no statement can miss them; a worker handling a batch of
// texts that need nothing else (帮助, a malformed text) sends nothing to
// PostgreSQL for them but those two statements per batch.
type Tx struct {
	tx  pgx.Tx
	Now time.Time
	wb  *writeBehind
	sp  *stmtTx // this Tx's savepoint, when it is one (Savepoint, ProcessInbound)
}

func newTx(t pgx.Tx, now time.Time) *Tx {
	wb := &writeBehind{}
	return &Tx{tx: &stmtTx{base: t, wb: wb}, Now: now, wb: wb}
}

// InTx runs fn in one transaction and commits when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	return s.inTx(ctx, pgx.TxOptions{}, fn)
}

// hotTx begins the transactions of the texts' path (MOs, workers,
// senders, receipts), which run the same few statements many times a
// second: their plans are made once per connection (generic plans) instead
// of at every run, which measured a fifth of PostgreSQL's CPU at 500 texts
// a second. Their statements are written to take an index whatever the
// figures (upkeep keeps the statistics fresh); the back office's searches,
// which are not, keep plans made for their arguments.
var hotTx = pgx.TxOptions{BeginQuery: "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan"}

// inHotTx is InTx for the texts' path (see hotTx).
func (s *Store) inHotTx(ctx context.Context, fn func(*Tx) error) error {
	return s.inTx(ctx, hotTx, fn)
}

func (s *Store) inTx(ctx context.Context, o pgx.TxOptions, fn func(*Tx) error) error {
	var wb *writeBehind
	err := pgx.BeginTxFunc(ctx, s.pool, o, func(t pgx.Tx) error {
		tx := newTx(t, s.now())
		wb = tx.wb
		if err := fn(tx); err != nil {
			return err
		}
		return tx.wb.writeUpTo(ctx, t, tx.wb.end())
	})
	if err == nil {
		for _, k := range wb.afterKeys {
			wb.afterCommit[k](ctx)
		}
	}
	return err
}

// inTxRetrying is inHotTx for a batch that may lose a deadlock or a
// serialization conflict to another batch: it tries again, a few times.
func (s *Store) inTxRetrying(ctx context.Context, fn func(*Tx) error) error {
	var err error
	for try := 0; try < 4; try++ {
		if err = s.inHotTx(ctx, fn); err == nil || !isRetryable(err) {
			return err
		}
	}
	return err
}

// Savepoint runs fn in a savepoint of tx: when fn fails, what it wrote is
// undone (its waiting writes included) and tx goes on. The savepoint is only
// opened when fn runs a statement.
func (tx *Tx) Savepoint(ctx context.Context, fn func(*Tx) error) error {
	child := tx.child()
	if err := fn(child); err != nil {
		if rerr := child.rollback(ctx); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	return interpret(child.release(ctx), "事务")
}

// child is a Tx whose statements run in a savepoint of tx, opened before
// its first statement.
func (tx *Tx) child() *Tx {
	sp := &stmtTx{up: tx.tx.(*stmtTx), wb: tx.wb, mark: tx.wb.end()}
	return &Tx{tx: sp, Now: tx.Now, wb: tx.wb, sp: sp}
}

// rollback undoes what a child Tx wrote, waiting writes included.
func (tx *Tx) rollback(ctx context.Context) error {
	tx.wb.truncate(tx.sp.mark)
	if tx.sp.base != nil {
		return tx.sp.base.Rollback(ctx)
	}
	return nil
}

// release keeps what a child Tx wrote; its waiting writes now wait in its
// parent.
func (tx *Tx) release(ctx context.Context) error {
	if tx.sp.base != nil {
		return tx.sp.base.Commit(ctx)
	}
	return nil
}

// writeBehind holds a transaction's writes that wait for its next
// statement. Positions count every write the transaction made of a kind,
// written or waiting, so that a savepoint's mark stays valid as the writes
// before it go out.
type writeBehind struct {
	outbox   pendingRows[outboxRow]
	finished pendingRows[finishRow]
	// notStopped holds senders known not to be on the stoplist in this
	// transaction, and carriers the carrier override of every sender
	// looked up ("" for none) (ProcessInbound reads them for its batch).
	notStopped map[string]bool
	carriers   map[string]string
	// written are the outbox rows this transaction wrote, for a sender
	// that takes them over directly (ProcessInbound's offer).
	written []writtenMT
	// afterCommit runs once the transaction commits, in afterKeys order.
	afterCommit map[string]func(context.Context)
	afterKeys   []string
}

// writtenMT is an outbox row written, at its position among the writes.
type writtenMT struct {
	pos int
	id  int64
	row outboxRow
}

type outboxRow struct {
	inboundID             *int64
	recipient, body, kind string
	unsolicited           bool
	parts                 int
	createdAt             time.Time
}

type finishRow struct {
	id                     int64
	state, outcome, reason string
	parse                  *string
	at                     time.Time
}

// pendingRows are the waiting writes of one kind: rows[i] is write base+i.
type pendingRows[T any] struct {
	base int
	rows []T
}

func (p *pendingRows[T]) end() int { return p.base + len(p.rows) }

// take removes and returns the waiting writes before position upTo.
func (p *pendingRows[T]) take(upTo int) []T {
	n := min(max(upTo-p.base, 0), len(p.rows))
	out := p.rows[:n:n]
	p.rows = p.rows[n:]
	p.base += n
	return out
}

// truncate forgets the writes from position m on: those waiting are
// dropped, those written are undone by the savepoint's rollback.
func (p *pendingRows[T]) truncate(m int) {
	if m <= p.base {
		p.rows, p.base = nil, m
		return
	}
	p.rows = p.rows[:min(m-p.base, len(p.rows))]
}

// mark is a position in each kind of write.
type mark struct{ outbox, finished int }

func (wb *writeBehind) end() mark { return mark{wb.outbox.end(), wb.finished.end()} }

func (wb *writeBehind) truncate(m mark) {
	wb.outbox.truncate(m.outbox)
	wb.finished.truncate(m.finished)
	for len(wb.written) > 0 && wb.written[len(wb.written)-1].pos >= m.outbox {
		wb.written = wb.written[:len(wb.written)-1]
	}
}

// writeUpTo writes, on t, every waiting write before m, one statement per
// kind.
func (wb *writeBehind) writeUpTo(ctx context.Context, t pgx.Tx, m mark) error {
	first := wb.outbox.base
	if rows := wb.outbox.take(m.outbox); len(rows) > 0 {
		ids := make([]*int64, len(rows))
		to, body, kind := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
		unsolicited, parts := make([]bool, len(rows)), make([]int32, len(rows))
		at := make([]time.Time, len(rows))
		for i, r := range rows {
			ids[i], to[i], body[i], kind[i], at[i] = r.inboundID, r.recipient, r.body, r.kind, r.createdAt
			unsolicited[i], parts[i] = r.unsolicited, int32(r.parts)
		}
		// Rows go in, and their ids come back, in the order given.
		r, err := t.Query(ctx, `INSERT INTO outbox (inbound_id, recipient, body, kind, unsolicited, planned_parts, next_attempt_at, created_at)
			SELECT v.i, v.r, v.b, v.k, v.u, v.p, v.t, v.t
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::int[], $7::timestamptz[])
			AS v(i, r, b, k, u, p, t) RETURNING id`, ids, to, body, kind, unsolicited, parts, at)
		if err != nil {
			return interpret(err, "短信")
		}
		newIDs, err := pgx.CollectRows(r, pgx.RowTo[int64])
		if err != nil {
			return interpret(err, "短信")
		}
		for i, id := range newIDs {
			if i < len(rows) {
				wb.written = append(wb.written, writtenMT{pos: first + i, id: id, row: rows[i]})
			}
		}
	}
	if rows := wb.finished.take(m.finished); len(rows) > 0 {
		ids := make([]int64, len(rows))
		state, outcome, reason := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
		parse := make([]*string, len(rows))
		at := make([]time.Time, len(rows))
		for i, r := range rows {
			ids[i], state[i], outcome[i], reason[i], parse[i], at[i] = r.id, r.state, r.outcome, r.reason, r.parse, r.at
		}
		_, err := t.Exec(ctx, `UPDATE inbound i SET state = v.s, outcome = v.o, reason = v.r, parse = v.p::jsonb, processed_at = v.t
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS v(id, s, o, r, p, t)
			WHERE i.id = v.id`, ids, state, outcome, reason, parse, at)
		if err != nil {
			return interpret(err, "短信")
		}
	}
	return nil
}

// NewMT is an outbound text to write, as internal/outbound prepared it:
// the store keeps what it is told and decides nothing by its kind.
type NewMT struct {
	InboundID   *int64 // the text it answers, if any
	Recipient   string
	Body        string
	Kind        string
	Unsolicited bool // not asked for: never resent to a number that opted out since
	Parts       int  // the SMS parts it costs, signature included
}

// Enqueue writes an outbound text in tx, so it commits with the change that
// causes it; the outbox_queue trigger makes it due at once. A text to what
// is not a mobile number is not written; queued reports whether the text
// was. Use internal/outbound's Enqueue, which applies the kind's rules.
func (tx *Tx) Enqueue(ctx context.Context, m NewMT) (queued bool, err error) {
	if !smsgw.IsMobile(m.Recipient) {
		return false, nil // the association itself, or a service number: nobody to text
	}
	tx.wb.outbox.rows = append(tx.wb.outbox.rows, outboxRow{inboundID: m.InboundID, recipient: m.Recipient, body: m.Body,
		kind: m.Kind, unsolicited: m.Unsolicited, parts: m.Parts, createdAt: tx.Now})
	return true, nil
}

// Stopped reports whether phone is on the stoplist (it texted 退订).
func (tx *Tx) Stopped(ctx context.Context, phone string) (bool, error) {
	if tx.wb.notStopped[phone] {
		return false, nil // known in this batch (knowStopped)
	}
	var stopped bool
	err := tx.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM members WHERE phone = $1 AND stopped_at IS NOT NULL)`,
		phone).Scan(&stopped)
	return stopped, interpret(err, "短信")
}

// AfterCommit runs fn once tx has committed (never when it rolls back),
// once per key however many times it is asked for in the transaction, its
// savepoints included. It is for hints such as waking the senders, which
// may run in vain when a savepoint that asked is rolled back.
func (tx *Tx) AfterCommit(key string, fn func(context.Context)) {
	if tx.wb.afterCommit == nil {
		tx.wb.afterCommit = map[string]func(context.Context){}
	}
	if _, ok := tx.wb.afterCommit[key]; !ok {
		tx.wb.afterCommit[key] = fn
		tx.wb.afterKeys = append(tx.wb.afterKeys, key)
	}
}

// FinishInbound records what became of an inbound text.
func (tx *Tx) FinishInbound(ctx context.Context, id int64, state, outcome, reason string, parse any) error {
	r := finishRow{id: id, state: state, outcome: storable(outcome), reason: reason, at: tx.Now}
	if parse != nil {
		raw, err := json.Marshal(parse)
		if err != nil {
			return fmt.Errorf("finish inbound %d: %w", id, err)
		}
		s := string(raw)
		r.parse = &s
	}
	tx.wb.finished.rows = append(tx.wb.finished.rows, r)
	return nil
}

// stmtTx is the pgx.Tx every store method runs its statements on. Before
// each statement it writes what waits in the transaction's memory. One that
// is a savepoint is opened only when its first statement comes, so that a
// text handled without a statement costs no savepoint; what waited from
// before it is written first, outside it.
type stmtTx struct {
	up   *stmtTx // the enclosing transaction or savepoint; nil at the top
	base pgx.Tx  // the transaction, or the savepoint once opened
	wb   *writeBehind
	mark mark // where a savepoint's own writes begin
}

var _ pgx.Tx = (*stmtTx)(nil)

// target is the pgx.Tx a statement runs on, with every waiting write sent.
func (s *stmtTx) target(ctx context.Context) (pgx.Tx, error) {
	t, err := s.opened(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.wb.writeUpTo(ctx, t, s.wb.end()); err != nil {
		return nil, err
	}
	return t, nil
}

// opened returns the pgx.Tx of s, opening s's savepoint when it is one not
// yet open.
func (s *stmtTx) opened(ctx context.Context) (pgx.Tx, error) {
	if s.base != nil {
		return s.base, nil
	}
	pt, err := s.up.opened(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.wb.writeUpTo(ctx, pt, s.mark); err != nil {
		return nil, err
	}
	sp, err := pt.Begin(ctx)
	if err != nil {
		return nil, err
	}
	s.base = sp
	return sp, nil
}

func (s *stmtTx) Begin(ctx context.Context) (pgx.Tx, error) {
	t, err := s.target(ctx)
	if err != nil {
		return nil, err
	}
	return t.Begin(ctx)
}

func (s *stmtTx) Commit(ctx context.Context) error {
	t, err := s.target(ctx)
	if err != nil {
		return err
	}
	return t.Commit(ctx)
}

func (s *stmtTx) Rollback(ctx context.Context) error {
	if s.base == nil {
		return nil
	}
	return s.base.Rollback(ctx)
}

func (s *stmtTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	t, err := s.target(ctx)
	if err != nil {
		return 0, err
	}
	return t.CopyFrom(ctx, table, cols, src)
}

func (s *stmtTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	t, err := s.target(ctx)
	if err != nil {
		return errBatch{err}
	}
	return t.SendBatch(ctx, b)
}

func (s *stmtTx) LargeObjects() pgx.LargeObjects {
	t, _ := s.opened(context.Background())
	return t.LargeObjects()
}

func (s *stmtTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	t, err := s.target(ctx)
	if err != nil {
		return nil, err
	}
	return t.Prepare(ctx, name, sql)
}

func (s *stmtTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	t, err := s.target(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	return t.Exec(ctx, sql, args...)
}

func (s *stmtTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	t, err := s.target(ctx)
	if err != nil {
		return nil, err
	}
	return t.Query(ctx, sql, args...)
}

func (s *stmtTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	t, err := s.target(ctx)
	if err != nil {
		return errRow{err}
	}
	return t.QueryRow(ctx, sql, args...)
}

func (s *stmtTx) Conn() *pgx.Conn {
	t, _ := s.opened(context.Background())
	return t.Conn()
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

type errBatch struct{ err error }

func (b errBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b errBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b errBatch) QueryRow() pgx.Row                { return errRow(b) }
func (b errBatch) Close() error                     { return b.err }
func (b errBatch) Tx() pgx.Tx                       { return nil }

package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"huamu/matching"
)

// The ledger is append-only (the database refuses UPDATE and DELETE on its
// tables) and each entry's postings must sum to zero, checked by
// matching.Entry.Validate here and by a deferred constraint trigger at
// commit. Balances are always sums over postings.

// EntryMeta says who or what caused an entry.
type EntryMeta struct {
	InboundID *int64 // the text that caused it
	UserID    *int64 // the clerk who recorded it
	Memo      string
}

// PostEntry appends e with its postings and returns it with its id. An
// entry that does not validate is refused before it reaches the database; a
// second entry with the same (Kind, Ref) is CodeConflict.
func (tx *Tx) PostEntry(ctx context.Context, e matching.Entry, meta EntryMeta) (matching.Entry, error) {
	if err := e.Validate(); err != nil {
		return e, err
	}
	if e.At.IsZero() {
		e.At = tx.Now
	}
	err := tx.tx.QueryRow(ctx, `INSERT INTO ledger_entries (kind, ref, at, inbound_id, user_id, memo)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		string(e.Kind), e.Ref, e.At, meta.InboundID, meta.UserID, meta.Memo).Scan(&e.ID)
	if err != nil {
		return e, interpret(err, "账目"+e.Ref)
	}
	accounts := make([]string, len(e.Postings))
	amounts := make([]decimal.Decimal, len(e.Postings))
	for i, p := range e.Postings {
		accounts[i], amounts[i] = string(p.Account), p.Amount
	}
	_, err = tx.tx.Exec(ctx, `INSERT INTO ledger_postings (entry_id, account, amount)
		SELECT $1, a, m FROM unnest($2::text[], $3::numeric[]) AS t(a, m)`, e.ID, accounts, amounts)
	return e, interpret(err, "账目")
}

// EntryByRef returns the entry of kind and ref with its postings.
func (s *Store) EntryByRef(ctx context.Context, kind matching.EntryKind, ref string) (matching.Entry, error) {
	es, err := s.entries(ctx, `WHERE e.kind = $1 AND e.ref = $2`, string(kind), ref)
	if err != nil {
		return matching.Entry{}, err
	}
	if len(es) == 0 {
		return matching.Entry{}, matching.Errorf(matching.CodeNotFound, "找不到账目%s", ref)
	}
	return es[0], nil
}

// MemberEntries returns, in ledger order, every entry with a posting to one
// of member's accounts, each with all its postings.
func (s *Store) MemberEntries(ctx context.Context, member int64) ([]matching.Entry, error) {
	return s.entries(ctx, `WHERE e.id IN (SELECT entry_id FROM ledger_postings WHERE member_id = $1)`, member)
}

// AllEntries returns the whole ledger in order; for checks and tests.
func (s *Store) AllEntries(ctx context.Context) ([]matching.Entry, error) {
	return s.entries(ctx, ``)
}

func (s *Store) entries(ctx context.Context, where string, args ...any) ([]matching.Entry, error) {
	rows, err := s.pool.Query(ctx, `SELECT e.id, e.kind, e.ref, e.at, p.account, p.amount
		FROM ledger_entries e JOIN ledger_postings p ON p.entry_id = e.id `+where+`
		ORDER BY e.id, p.id`, args...)
	if err != nil {
		return nil, interpret(err, "账目")
	}
	defer rows.Close()
	var out []matching.Entry
	for rows.Next() {
		var (
			id            int64
			kind, ref, ac string
			at            time.Time
			amount        decimal.Decimal
		)
		if err := rows.Scan(&id, &kind, &ref, &at, &ac, &amount); err != nil {
			return nil, interpret(err, "账目")
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, matching.Entry{ID: id, Kind: matching.EntryKind(kind), Ref: ref, At: at})
		}
		last := &out[len(out)-1]
		last.Postings = append(last.Postings, matching.Posting{Account: matching.Account(ac), Amount: amount})
	}
	return out, interpret(rows.Err(), "账目")
}

// MemberStatement is a member's postings with the running balance, and
// their balance now, derived from the postings.
func (s *Store) MemberStatement(ctx context.Context, member int64) ([]matching.StatementLine, decimal.Decimal, error) {
	es, err := s.MemberEntries(ctx, member)
	if err != nil {
		return nil, decimal.Zero, err
	}
	lines := matching.Statement(member, es)
	bal := decimal.Zero
	if len(lines) > 0 {
		bal = lines[len(lines)-1].Balance
	}
	return lines, bal, nil
}

// LedgerImbalance returns the sum of every posting (zero when the books
// balance) and the ids of entries whose postings do not sum to zero.
func (s *Store) LedgerImbalance(ctx context.Context) (decimal.Decimal, []int64, error) {
	var total decimal.Decimal
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(amount), 0) FROM ledger_postings`).Scan(&total); err != nil {
		return total, nil, interpret(err, "账目")
	}
	rows, err := s.pool.Query(ctx, `SELECT entry_id FROM ledger_postings GROUP BY entry_id HAVING sum(amount) <> 0`)
	if err != nil {
		return total, nil, interpret(err, "账目")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return total, ids, interpret(err, "账目")
}

package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// This file claims stored texts and handles them: the intake workers' side
// of the inbound table. Storing what the SMSC delivers is in inbound.go.

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

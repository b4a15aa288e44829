package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"huamu/internal/pgtest"
	"huamu/internal/store"
)

// A text seen again whose first copy came on a session nobody recorded (an
// older version's, or one whose record is a moment behind) is taken for a
// redelivery: stored as a duplicate of the first, and not handed to a
// worker again; after the window it is a new text.
func TestInsertInbound_ARedeliveryIsStoredAsADuplicate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	st := pgtest.Store(t, func() time.Time { return now })
	ctx := context.Background()
	mo := store.MO{DedupKey: "h:abc", Bind: "mobile-1", Sender: "13800000001", Body: "供 桂花", ReceivedAt: now}
	id1, dup1, err := st.InsertInbound(ctx, mo)
	if err != nil || dup1 {
		t.Fatal(err, dup1)
	}
	now = now.Add(time.Minute)
	mo.ReceivedAt = now
	id2, dup2, err := st.InsertInbound(ctx, mo)
	if err != nil || !dup2 || id2 != id1 {
		t.Fatalf("redelivery: id %d dup %v err %v, want the first copy %d, a duplicate", id2, dup2, err, id1)
	}
	rows, _ := st.ListInbound(ctx, store.InboundFilter{})
	if len(rows) != 2 || rows[0].State != "duplicate" || rows[0].Reason != "redelivery" {
		t.Fatalf("rows %+v, want the copy stored as a duplicate", rows)
	}
	if in, _, _ := st.QueueDepth(ctx); in != 1 {
		t.Fatalf("%d texts waiting, want only the first copy", in)
	}
	now = now.Add(store.DefaultRedelivery)
	mo.ReceivedAt = now
	if _, dup, _ := st.InsertInbound(ctx, mo); dup {
		t.Fatal("the same text after the redelivery window was taken for a redelivery")
	}
}

// A text delivered again after the process that stored its first copy was
// killed is a redelivery at once: the dead process's lease key is free,
// long before its silence would tell.
func TestInsertInbound_ACopyAfterItsProcessDiedIsARedelivery(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	key, err := st.HoldLeaseKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SessionStarted(ctx, "dead/mobile-1/1", "mobile-1", key.Key); err != nil {
		t.Fatal(err)
	}
	mo := store.MO{DedupKey: "h:k", Session: "dead/mobile-1/1", Bind: "mobile-1", Sender: "13800000001", Body: "确认"}
	if _, dup, err := st.InsertInbound(ctx, mo); err != nil || dup {
		t.Fatal(err, dup)
	}
	key.Release() // killed: its connection, and the lock, go
	mo.Session = "next/mobile-1/1"
	var dup bool
	for deadline := time.Now().Add(10 * time.Second); !dup && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, dup, err = st.InsertInbound(ctx, mo); err != nil {
			t.Fatal(err)
		}
	}
	if !dup {
		t.Fatal("a copy after its process died was taken for a person's repeat")
	}
}

// The same text twice from a number whose first copy's acknowledgement
// surely reached the SMSC — its session still up, or closed cleanly, or
// dropped long after — is a person sending it again: a new text. The same
// text when the session dropped just after the first copy was stored, or
// the process died, is the SMSC delivering it again.
func TestInsertInbound_APersonsRepeatIsANewTextARedeliveryIsNot(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	st := pgtest.Store(t, func() time.Time { return now })
	ctx := context.Background()
	cases := []struct {
		name    string
		end     func(id string)
		wantDup bool
	}{
		{"SessionStillUp", func(string) {}, false},
		{"ClosedCleanly", func(id string) { _ = st.SessionEnded(ctx, id, true) }, false},
		{"DroppedRightAfter", func(id string) { _ = st.SessionEnded(ctx, id, false) }, true},
		{"DroppedLongAfter", func(id string) { now = now.Add(time.Minute); _ = st.SessionEnded(ctx, id, false) }, false},
		{"ProcessWentSilent", func(id string) { now = now.Add(time.Minute) }, true},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			session := fmt.Sprintf("g/mobile-1/%d", i)
			if err := st.SessionStarted(ctx, session, "mobile-1", 0); err != nil {
				t.Fatal(err)
			}
			mo := store.MO{DedupKey: fmt.Sprint("h:", i), Session: session, Bind: "mobile-1", Sender: "13800000001",
				Body: "确认", ReceivedAt: now}
			if _, dup, err := st.InsertInbound(ctx, mo); err != nil || dup {
				t.Fatal(err, dup)
			}
			tc.end(session)
			now = now.Add(2 * time.Second)
			mo.ReceivedAt, mo.Session = now, session+"/next"
			if _, dup, err := st.InsertInbound(ctx, mo); err != nil || dup != tc.wantDup {
				t.Fatalf("second copy taken for a duplicate: %v (%v), want %v", dup, err, tc.wantDup)
			}
		})
	}
}

func TestAddPart_JoinsOnceWhenPartsArriveTogether(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	join := func(ps []store.Part) (string, error) {
		s := ""
		for _, p := range ps {
			s += string(p.Body)
		}
		return s, nil
	}
	var wg sync.WaitGroup
	completes := make(chan int64, 6)
	for round := range 2 { // every part delivered twice, concurrently
		for seq := 1; seq <= 3; seq++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := store.Part{DedupKey: "p" + string(rune('0'+seq)), Bind: "b", Sender: "13800000001", Ref: 7, Total: 3,
					Seq: seq, Body: []byte{byte('a' + seq - 1)}, ReceivedAt: time.Now()}
				id, complete, err := st.AddPart(ctx, p, join)
				if err != nil {
					t.Error(round, err)
				}
				if complete {
					completes <- id
				}
			}()
		}
	}
	wg.Wait()
	close(completes)
	if len(completes) != 1 {
		t.Fatalf("message completed %d times, want once", len(completes))
	}
	rows, _ := st.ListInbound(ctx, store.InboundFilter{})
	if len(rows) != 1 || rows[0].Body != "abc" {
		t.Fatalf("inbound %+v, want one row with the parts joined in order", rows)
	}
}

func TestHandOnStaleParts_IncompleteTextBecomesFragment(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	st := pgtest.Store(t, func() time.Time { return now })
	ctx := context.Background()
	join := func(ps []store.Part) (string, error) { return string(ps[0].Body) + "…", nil }
	if _, complete, err := st.AddPart(ctx, store.Part{DedupKey: "x1", Bind: "b", Sender: "13800000001", Ref: 9, Total: 2,
		Seq: 1, Body: []byte("求购桂花"), ReceivedAt: now}, join); err != nil || complete {
		t.Fatal(err, complete)
	}
	if n, err := st.HandOnStaleParts(ctx, 2*time.Minute, join); err != nil || n != 0 {
		t.Fatalf("fresh part handed on: %d %v", n, err)
	}
	now = now.Add(3 * time.Minute)
	if n, err := st.HandOnStaleParts(ctx, 2*time.Minute, join); err != nil || n != 1 {
		t.Fatalf("handed on %d (%v), want 1", n, err)
	}
	rows, _ := st.ListInbound(ctx, store.InboundFilter{})
	if len(rows) != 1 || rows[0].Reason != "fragment" || rows[0].Body != "求购桂花…" || rows[0].State != "new" {
		t.Fatalf("got %+v", rows)
	}
}

func TestInsertInbound_StoresTextsPostgreSQLCannotHoldAsIs(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	body := "供 桂花\x00 8公分 \xff\xfe200株"
	id, _, err := st.InsertInbound(ctx, store.MO{DedupKey: "nul", Bind: "b", Sender: "13800000001", Body: body})
	if err != nil {
		t.Fatalf("a text with NUL and invalid UTF-8 was refused: %v (the SMSC would redeliver it forever)", err)
	}
	rows, _ := st.ListInbound(ctx, store.InboundFilter{})
	if len(rows) != 1 || rows[0].ID != id || rows[0].Body != "供 桂花\uFFFD 8公分 \uFFFD200株" {
		t.Fatalf("stored %q", rows[0].Body)
	}
}

// One batch with a redelivery inside it (the same key twice, and a copy
// across the dedup window's boundary) stores each text once.
func TestReceive_RedeliveriesInsideOneBatchAreStoredOnce(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	a := store.MO{DedupKey: "h:a", Session: "g/b/1", Bind: "b", Sender: "13800000001", Body: "帮助"}
	b := store.MO{DedupKey: "h:b", Session: "g/b/1", Bind: "b", Sender: "13800000002", Body: "帮助"}
	r, err := st.Receive(ctx, []store.MO{a, b, a, b}, nil, nil)
	if err != nil || r.Waiting != 2 || r.Duplicates != 2 {
		t.Fatalf("received %+v (%v), want the two texts once each and two duplicates", r, err)
	}
	// And again in a later batch, the first copies' session not known.
	if r, err := st.Receive(ctx, []store.MO{b, a}, nil, nil); err != nil || r.Waiting != 0 || r.Duplicates != 2 {
		t.Fatalf("a later redelivery: %+v (%v), want two duplicates", r, err)
	}
	var first, dups int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE duplicate_of IS NULL),
		count(*) FILTER (WHERE duplicate_of IS NOT NULL AND state = 'duplicate') FROM inbound`).Scan(&first, &dups); err != nil || first != 2 || dups != 4 {
		t.Fatalf("%d first copies and %d duplicates (%v), want 2 and 4", first, dups, err)
	}
	if in, _, _ := st.QueueDepth(ctx); in != 2 {
		t.Fatalf("%d texts queued, want 2", in)
	}
}

// In a batch, a text whose handling fails has its own work undone and goes
// to a clerk; the texts before and after it commit.
func TestProcessInbound_AFailingTextGoesToAClerkTheOthersCommit(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	var texts []store.MO
	for i := range 3 {
		texts = append(texts, store.MO{DedupKey: fmt.Sprint(i), Bind: "b", Sender: fmt.Sprintf("1380000000%d", i), Body: fmt.Sprint("text ", i)})
	}
	if _, err := st.Receive(ctx, texts, nil, nil); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProcessInbound(ctx, 10, func(tx *store.Tx, in store.Inbound) error {
		if err := tx.FinishInbound(ctx, in.ID, "done", "ok", "", nil); err != nil {
			return err
		}
		if in.Body == "text 1" {
			return errors.New("broken")
		}
		return nil
	}, nil)
	if err != nil || p.Claimed != 3 || len(p.Failed) != 1 {
		t.Fatalf("processed %+v (%v), want 3 claimed and 1 failed", p, err)
	}
	rows, _ := st.ListInbound(ctx, store.InboundFilter{})
	for _, r := range rows {
		want := "done"
		if r.Body == "text 1" {
			want = "needs_clerk"
		}
		if r.State != want {
			t.Errorf("%q is %s, want %s", r.Body, r.State, want)
		}
	}
	if in, _, _ := st.QueueDepth(ctx); in != 0 {
		t.Fatalf("%d texts still queued, want none", in)
	}
	// A clerk sends the failed text back to be parsed again: it is queued.
	if _, err := st.Pool().Exec(ctx, `UPDATE inbound SET state = 'new' WHERE body = 'text 1'`); err != nil {
		t.Fatal(err)
	}
	if in, _, _ := st.QueueDepth(ctx); in != 1 {
		t.Fatalf("%d texts queued after a clerk's reparse, want 1", in)
	}
}

// A batch undone as a whole (the worker's process died before it
// committed) leaves every text waiting for the next worker.
func TestProcessInbound_ABatchThatNeverCommitsLeavesItsTextsWaiting(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	if _, err := st.Receive(ctx, []store.MO{{DedupKey: "x", Bind: "b", Sender: "13800000001", Body: "帮助"}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	dying, kill := context.WithCancel(ctx)
	_, err := st.ProcessInbound(dying, 10, func(tx *store.Tx, in store.Inbound) error {
		kill()
		return nil
	}, nil)
	if err == nil {
		t.Fatal("the batch committed after its context ended")
	}
	// Its row lock goes when PostgreSQL sees the connection close, a moment later.
	var p store.Processed
	for deadline := time.Now().Add(10 * time.Second); p.Claimed == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		p, err = st.ProcessInbound(ctx, 10, func(tx *store.Tx, in store.Inbound) error {
			return tx.FinishInbound(ctx, in.ID, "done", "ok", "", nil)
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	if p.Claimed != 1 {
		t.Fatalf("the next worker claimed %d, want the text", p.Claimed)
	}
}

// A batch of texts leaves waking the senders to its worker, which wakes
// them only for texts its own sender did not take over: hooks asked for
// while handling the texts do not run. Any other transaction runs them
// once, after it commits.
func TestProcessInbound_LeavesTheWakeToTheWorker(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	if _, err := st.Receive(ctx, []store.MO{{DedupKey: "1", Bind: "b", Sender: "13800000001", Body: "帮助"}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	ran := 0
	wake := func(context.Context) { ran++ }
	p, err := st.ProcessInbound(ctx, 10, func(tx *store.Tx, in store.Inbound) error {
		tx.AfterCommit("wake", wake)
		return tx.FinishInbound(ctx, in.ID, "done", "ok", "", nil)
	}, nil)
	if err != nil || p.Claimed != 1 || ran != 0 {
		t.Fatalf("claimed %d (%v), hook ran %d times; want 1 claimed and no hook", p.Claimed, err, ran)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		tx.AfterCommit("wake", wake)
		tx.AfterCommit("wake", wake)
		return nil
	})
	if err != nil || ran != 1 {
		t.Fatalf("hook ran %d times after a commit (%v), want once", ran, err)
	}
}

// With a sender's offer, the replies a batch writes to its senders are
// leased to that sender in the batch's own transaction: no other sender
// leases them, and a text whose handling failed leaves nothing leased.
func TestProcessInbound_RepliesAreLeasedToTheOfferingSender(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	var texts []store.MO
	for i := range 3 {
		texts = append(texts, store.MO{DedupKey: fmt.Sprint(i), Bind: "b", Sender: fmt.Sprintf("1380000000%d", i), Body: fmt.Sprint("text ", i)})
	}
	if _, err := st.Receive(ctx, texts, nil, nil); err != nil {
		t.Fatal(err)
	}
	offer := func(n int) *store.Lease { return &store.Lease{Owner: "w/1", Key: 0, For: time.Minute, Max: n} }
	p, err := st.ProcessInbound(ctx, 10, func(tx *store.Tx, in store.Inbound) error {
		if _, err := tx.Enqueue(ctx, store.NewMT{InboundID: &in.ID, Recipient: in.Sender, Body: "回复", Kind: "reply"}); err != nil {
			return err
		}
		// A notice to a number that did not text in this batch.
		if _, err := tx.Enqueue(ctx, store.NewMT{InboundID: &in.ID, Recipient: "13900000009", Body: "通知", Kind: "order"}); err != nil {
			return err
		}
		if in.Body == "text 1" {
			return errors.New("broken")
		}
		return tx.FinishInbound(ctx, in.ID, "done", "ok", "", nil)
	}, offer)
	if err != nil {
		t.Fatal(err)
	}
	if p.Written != 4 || len(p.Leased) != 2 {
		t.Fatalf("written %d, leased %d; want 4 written (the failed text's undone) and the 2 replies leased", p.Written, len(p.Leased))
	}
	for _, m := range p.Leased {
		if m.Lease != "w/1" || m.Recipient == "13900000009" || m.Recipient == "13800000001" || m.Body != "回复" {
			t.Errorf("leased %+v", m)
		}
	}
	others, err := st.LeaseDue(ctx, "other/1", 0, 10, time.Minute)
	if err != nil || len(others) != 2 {
		t.Fatalf("another sender leased %d (%v), want only the 2 notices", len(others), err)
	}
}

// Texts committed while workers claim are all handled once: none is taken
// from the queue and then missed (a claim must read the texts it takes in
// the snapshot it takes them in).
func TestProcessInbound_TextsCommittedWhileClaimingAreNeverLost(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	const batches, per = 60, 10
	// Each handling writes the text's id with its effects: a text handled
	// twice by transactions that both commit breaks the key, and that text
	// goes to a clerk (and so is counted below). A handling that is rolled
	// back and done again (a batch retried after a deadlock) is no double.
	if _, err := st.Pool().Exec(ctx, `CREATE TABLE handled_once (id bigint PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				p, err := st.ProcessInbound(ctx, 7, func(tx *store.Tx, in store.Inbound) error {
					if err := tx.Exec(ctx, `INSERT INTO handled_once (id) VALUES ($1)`, in.ID); err != nil {
						return err
					}
					return tx.FinishInbound(ctx, in.ID, "done", "ok", "", nil)
				}, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if p.Claimed == 0 {
					select {
					case <-done:
						return
					default:
					}
				}
			}
		}()
	}
	for b := range batches {
		var mos []store.MO
		for i := range per {
			mos = append(mos, store.MO{DedupKey: fmt.Sprintf("%d-%d", b, i), Bind: "b", Sender: "13800000001", Body: "帮助"})
		}
		if _, err := st.Receive(ctx, mos, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	var left int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM inbound WHERE state <> 'done'`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("%d texts left unhandled or handled twice (%v), want none", left, err)
	}
	var once int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM handled_once`).Scan(&once); err != nil || once != batches*per {
		t.Fatalf("%d texts handled, want %d (%v)", once, batches*per, err)
	}
}

// Parts that never complete (part 2 of 2, a fresh reference each time)
// cannot pile up: past MaxWaitingParts waiting for one number, the next
// part goes to a clerk at once, held, not answered.
func TestAddPart_ANumberWithTooManyPartsWaitingHasTheNextHeldForAClerk(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	join := func(ps []store.Part) (string, error) { return string(ps[0].Body) + "…", nil }
	for i := range store.MaxWaitingParts + 1 {
		_, _, err := st.AddPart(ctx, store.Part{DedupKey: fmt.Sprint("w", i), Bind: "b", Sender: "13800000001", Ref: i, Total: 2,
			Seq: 2, Body: []byte("尾巴")}, join)
		if err != nil {
			t.Fatal(err)
		}
	}
	rows, err := st.ListInbound(ctx, store.InboundFilter{Sender: "13800000001"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].State != "needs_clerk" || rows[0].Reason != "flood" {
		t.Fatalf("inbound %+v, want the part past the cap held for a clerk", rows)
	}
}

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

func enqueue(t *testing.T, st *store.Store, n int) {
	t.Helper()
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		for range n {
			if _, err := tx.Enqueue(context.Background(), store.NewMT{Recipient: "13800000001", Body: "测试", Kind: "reply"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sendDue leases every due MT as one sender would and records for each the
// outcome attempt gives it; it returns the MTs it leased.
func sendDue(t *testing.T, st *store.Store, attempt func(store.MT) store.SendOutcome) []store.MT {
	t.Helper()
	ctx := context.Background()
	mts, err := st.LeaseDue(ctx, "test/1", 0, 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	outs := make([]store.SendOutcome, len(mts))
	for i, m := range mts {
		outs[i] = attempt(m)
		outs[i].MT = m
	}
	if err := st.RecordSends(ctx, outs); err != nil {
		t.Fatal(err)
	}
	return mts
}

func TestLeaseDue_FourSendersNeverLeaseOneRowTwice(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	enqueue(t, st, 60)
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				mts, err := st.LeaseDue(context.Background(), fmt.Sprintf("s%d/%d", w, n), 0, 7, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(mts) == 0 {
					return
				}
				mu.Lock()
				for _, m := range mts {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 60 {
		t.Fatalf("%d rows leased, want 60", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("row %d leased %d times", id, n)
		}
	}
}

func TestRecordSends_ErrorsRetryWithBackoffOrFail(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := pgtest.Store(t, clock)
	enqueue(t, st, 1)
	ctx := context.Background()
	fail := func(err error) func(store.MT) store.SendOutcome {
		return func(store.MT) store.SendOutcome { return store.SendOutcome{Bind: "b", Err: err} }
	}
	if got := sendDue(t, st, fail(errors.New("timeout"))); len(got) != 1 {
		t.Fatalf("leased %d, want the MT", len(got))
	}
	if got := sendDue(t, st, fail(nil)); len(got) != 0 {
		t.Fatal("a row that just failed is due again at once; want a backoff")
	}
	now = now.Add(store.Backoff(1))
	if got := sendDue(t, st, fail(store.ErrPermanent)); len(got) != 1 {
		t.Fatal("the row was not due again after its backoff")
	}
	rows, err := st.ListOutbox(ctx, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].State != "failed" || rows[0].Attempts != 2 {
		t.Fatalf("state %s after %d attempts, want failed after 2", rows[0].State, rows[0].Attempts)
	}
	if in, out, err := st.QueueDepth(ctx); err != nil || in != 0 || out != 0 {
		t.Fatalf("queues hold %d texts and %d MTs (%v) after the MT failed, want none", in, out, err)
	}
}

func TestRecordSends_RetrySoonSpendsNoAttempt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	st := pgtest.Store(t, func() time.Time { return now })
	enqueue(t, st, 1)
	sendDue(t, st, func(store.MT) store.SendOutcome { return store.SendOutcome{Err: store.ErrRetrySoon} })
	now = now.Add(time.Second)
	got := sendDue(t, st, func(store.MT) store.SendOutcome {
		return store.SendOutcome{Bind: "b", Parts: []store.SentPart{{Seq: 1, MessageID: "m1"}}, Total: 1}
	})
	if len(got) != 1 || got[0].Attempts != 0 {
		t.Fatalf("after a retry-soon: %+v, want the MT due a second later with no attempt spent", got)
	}
}

func TestRecordSends_PartialSendKeepsAcceptedPartsAndSkipsThemNextTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	st := pgtest.Store(t, func() time.Time { return now })
	enqueue(t, st, 1)
	ctx := context.Background()
	sendDue(t, st, func(store.MT) store.SendOutcome {
		return store.SendOutcome{Bind: "b", Parts: []store.SentPart{{Seq: 1, MessageID: "111"}}, Total: 2, Err: errors.New("link dropped")}
	})
	now = now.Add(time.Hour)
	var skipped []int
	sendDue(t, st, func(m store.MT) store.SendOutcome {
		skipped = m.SentSeqs
		return store.SendOutcome{Bind: "b", Parts: []store.SentPart{{Seq: 2, MessageID: "112"}}, Total: 2}
	})
	if len(skipped) != 1 || skipped[0] != 1 {
		t.Fatalf("second attempt told %v were sent, want [1]", skipped)
	}
	rows, _ := st.ListOutbox(ctx, store.OutboxFilter{})
	if rows[0].State != "submitted" || rows[0].Parts != 2 {
		t.Fatalf("state %s parts %d, want submitted with 2 parts", rows[0].State, rows[0].Parts)
	}
	// Receipts for both parts make the MT delivered.
	for _, id := range []string{"111", "112"} {
		if r, err := st.RecordReceipt(ctx, []string{id}, "delivered", ""); !r.Matched || err != nil {
			t.Fatal(r, err)
		}
	}
	rows, _ = st.ListOutbox(ctx, store.OutboxFilter{})
	if rows[0].State != "delivered" {
		t.Fatalf("state %s after both receipts, want delivered", rows[0].State)
	}
}

// A sender that hangs past its lease loses the MT to another; when it comes
// back, the parts the SMSC accepted from it are kept, but the MT's state is
// the new holder's to record.
func TestRecordSends_ALeaseTakenOverIsNotRecordedByTheOldHolder(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	st := pgtest.Store(t, func() time.Time { return now })
	enqueue(t, st, 1)
	ctx := context.Background()
	old, err := st.LeaseDue(ctx, "old/1", 0, 10, time.Minute)
	if err != nil || len(old) != 1 {
		t.Fatal(old, err)
	}
	now = now.Add(2 * time.Minute)
	taken, err := st.LeaseDue(ctx, "new/1", 0, 10, time.Minute)
	if err != nil || len(taken) != 1 || !taken[0].Retaken {
		t.Fatalf("takeover: %+v %v, want the MT, marked retaken", taken, err)
	}
	err = st.RecordSends(ctx, []store.SendOutcome{{MT: old[0], Bind: "b", Parts: []store.SentPart{{Seq: 1, MessageID: "late"}},
		Total: 2, Err: store.ErrPermanent}})
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := st.ListOutbox(ctx, store.OutboxFilter{})
	if rows[0].State != "queued" {
		t.Fatalf("state %s after the old holder recorded a failure, want it left to the new holder", rows[0].State)
	}
	err = st.RecordSends(ctx, []store.SendOutcome{{MT: taken[0], Bind: "b", Parts: []store.SentPart{{Seq: 2, MessageID: "new2"}}, Total: 2}})
	if err != nil {
		t.Fatal(err)
	}
	var state string
	var parts, ambiguous int
	err = st.Pool().QueryRow(ctx, `SELECT state, parts, ambiguous_parts FROM outbox WHERE id = $1`, taken[0].ID).Scan(&state, &parts, &ambiguous)
	if err != nil || state != "submitted" || parts != 2 || ambiguous != 1 {
		t.Fatalf("state %s parts %d ambiguous %d (%v), want submitted with the new holder's part, counted ambiguous", state, parts, ambiguous, err)
	}
}

// A sender's leases live as long as its process: when the process dies
// (its lease key's connection closes), another takes its MTs over at once,
// long before the leases would run out, and sees them as retaken.
func TestExpireDeadLeases_AnotherSenderTakesOverAtOnceWhenOneDies(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	enqueue(t, st, 3)
	ctx := context.Background()
	dead, err := st.HoldLeaseKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	alive, err := st.HoldLeaseKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer alive.Release()
	if got, err := st.LeaseDue(ctx, "dead/1", dead.Key, 2, time.Hour); err != nil || len(got) != 2 {
		t.Fatal(got, err)
	}
	if got, err := st.LeaseDue(ctx, "alive/1", alive.Key, 10, time.Hour); err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	if n, err := st.ExpireDeadLeases(ctx); err != nil || n != 0 {
		t.Fatalf("freed %d leases (%v) while both senders live", n, err)
	}
	dead.Release()
	// The lock goes when PostgreSQL sees the connection close, a moment later.
	var freed int64
	for deadline := time.Now().Add(10 * time.Second); freed == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if freed, err = st.ExpireDeadLeases(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if freed != 2 {
		t.Fatalf("freed %d leases after one sender died, want its 2", freed)
	}
	got, err := st.LeaseDue(ctx, "alive/2", alive.Key, 10, time.Hour)
	if err != nil || len(got) != 2 || !got[0].Retaken || !got[1].Retaken {
		t.Fatalf("takeover: %+v %v, want the dead sender's 2 MTs, retaken", got, err)
	}
}

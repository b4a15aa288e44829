package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"huamu/internal/pgtest"
	"huamu/internal/store"
)

func enqueue(t *testing.T, st *store.Store, n int) {
	t.Helper()
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		for range n {
			if _, err := tx.Enqueue(context.Background(), nil, "13800000001", "测试", "reply"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSendDue_TwoSendersNeverSendOneRowTwice(t *testing.T) {
	st := pgtest.Store(t, nil)
	enqueue(t, st, 60)
	var mu sync.Mutex
	seen := map[int64]int{}
	var calls atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				did, err := st.SendDue(context.Background(), func(ctx context.Context, m store.MT) (store.SendResult, error) {
					calls.Add(1)
					mu.Lock()
					seen[m.ID]++
					mu.Unlock()
					time.Sleep(2 * time.Millisecond) // hold the claim while "submitting"
					return store.SendResult{Bind: "b", Parts: []store.SentPart{{Seq: 1, MessageID: "m"}}}, nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				if !did {
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) != 60 || calls.Load() != 60 {
		t.Fatalf("%d rows sent in %d calls, want 60 in 60", len(seen), calls.Load())
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("row %d sent %d times", id, n)
		}
	}
}

func TestSendDue_ErrorsRetryWithBackoffOrFail(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := pgtest.Store(t, clock)
	enqueue(t, st, 1)
	ctx := context.Background()
	fail := func(err error) func(context.Context, store.MT) (store.SendResult, error) {
		return func(context.Context, store.MT) (store.SendResult, error) { return store.SendResult{Bind: "b"}, err }
	}
	if did, err := st.SendDue(ctx, fail(errors.New("timeout"))); !did || err != nil {
		t.Fatal(did, err)
	}
	if did, _ := st.SendDue(ctx, fail(nil)); did {
		t.Fatal("a row that just failed is due again at once; want a backoff")
	}
	now = now.Add(store.Backoff(1))
	if did, err := st.SendDue(ctx, fail(store.ErrPermanent)); !did || err != nil {
		t.Fatal(did, err)
	}
	rows, err := st.ListOutbox(ctx, store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].State != "failed" || rows[0].Attempts != 2 {
		t.Fatalf("state %s after %d attempts, want failed after 2", rows[0].State, rows[0].Attempts)
	}
}

func TestSendDue_PartialSendKeepsAcceptedPartsAndSkipsThemNextTime(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	st := pgtest.Store(t, func() time.Time { return now })
	enqueue(t, st, 1)
	ctx := context.Background()
	_, err := st.SendDue(ctx, func(context.Context, store.MT) (store.SendResult, error) {
		return store.SendResult{Bind: "b", Parts: []store.SentPart{{Seq: 1, MessageID: "111"}}}, errors.New("link dropped")
	})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	var skipped []int
	_, err = st.SendDue(ctx, func(_ context.Context, m store.MT) (store.SendResult, error) {
		skipped = m.SentSeqs
		return store.SendResult{Bind: "b", Parts: []store.SentPart{{Seq: 2, MessageID: "112"}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
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

func TestEnqueue_SkipsUnsolicitedTextsToStoppedNumbers(t *testing.T) {
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	if _, err := st.Pool().Exec(ctx, `INSERT INTO members (phone, stopped_at, created_at) VALUES ('13800000009', now(), now())`); err != nil {
		t.Fatal(err)
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		match, err := tx.Enqueue(ctx, nil, "13800000009", "新货源", "match")
		if err != nil || match {
			t.Errorf("match text to a stopped number queued=%v err=%v", match, err)
		}
		reply, err := tx.Enqueue(ctx, nil, "13800000009", "已退订", "reply")
		if err != nil || !reply {
			t.Errorf("reply to the number's own text queued=%v err=%v", reply, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

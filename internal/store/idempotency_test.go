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
	"huamu/matching"
)

// onceSetup is a store on a clock the test moves (advance), a clerk and an
// API client.
func onceSetup(t *testing.T) (st *store.Store, advance func(time.Duration), user, client int64) {
	t.Helper()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	st = pgtest.Store(t, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance = func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	ctx := context.Background()
	u, err := st.UpsertUser(ctx, "li", "李", store.RoleClerk, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	_, c, err := st.CreateAPIClient(ctx, u.ID, "合作社系统", true)
	if err != nil {
		t.Fatal(err)
	}
	return st, advance, u.ID, c.ID
}

// audited is an effect: one audit line by user, counted by effects.
func audited(ctx context.Context, user int64, runs *atomic.Int64, a store.Answer) func(*store.Tx) (store.Answer, error) {
	return func(tx *store.Tx) (store.Answer, error) {
		runs.Add(1)
		return a, tx.Audit(ctx, user, "test.effect", "x", "")
	}
}

func effects(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'test.effect'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOnce_ARepeatRunsNothingAndGetsTheFirstAnswer(t *testing.T) {
	t.Parallel()
	st, _, user, _ := onceSetup(t)
	ctx := context.Background()
	k := store.OnceKey{UserID: user, Key: "k1", Hash: []byte("POST /bulletins body=a")}
	var runs atomic.Int64
	first, replayed, err := st.Once(ctx, k, audited(ctx, user, &runs, store.Answer{Status: 303, Location: "/bulletins/7", Message: "群发已开始：3人"}))
	if err != nil || replayed {
		t.Fatalf("first: %v, replayed %t", err, replayed)
	}
	again, replayed, err := st.Once(ctx, k, audited(ctx, user, &runs, store.Answer{Status: 303, Location: "/bulletins/8"}))
	if err != nil || !replayed || again.Location != "/bulletins/7" || again.Message != first.Message || again.Status != 303 {
		t.Fatalf("repeat: %+v, replayed %t, %v", again, replayed, err)
	}
	if runs.Load() != 1 || effects(t, st) != 1 {
		t.Fatalf("ran %d times, %d effects", runs.Load(), effects(t, st))
	}
	if a, ok, err := st.Answered(ctx, k); err != nil || !ok || a.Location != "/bulletins/7" {
		t.Fatalf("Answered: %+v %t %v", a, ok, err)
	}
	if _, ok, err := st.Answered(ctx, store.OnceKey{UserID: user, Key: "never", Hash: k.Hash}); err != nil || ok {
		t.Fatalf("Answered for an unused key: %t %v", ok, err)
	}
}

func TestOnce_AKeyForADifferentRequestIsRefused(t *testing.T) {
	t.Parallel()
	st, _, user, client := onceSetup(t)
	ctx := context.Background()
	var runs atomic.Int64
	k := store.OnceKey{APIClientID: client, Key: "order-1", Hash: []byte("body 1")}
	if _, _, err := st.Once(ctx, k, audited(ctx, user, &runs, store.Answer{Status: 201, Body: []byte(`{"id":1}`)})); err != nil {
		t.Fatal(err)
	}
	k.Hash = []byte("body 2")
	_, _, err := st.Once(ctx, k, audited(ctx, user, &runs, store.Answer{Status: 201}))
	if !errors.Is(err, store.ErrKeyReused) || matching.ErrorCodeOf(err) != matching.CodeConflict || matching.ChineseMessage(err) == "" {
		t.Fatalf("the same key for another body: %v", err)
	}
	if _, _, err := st.Answered(ctx, k); !errors.Is(err, store.ErrKeyReused) {
		t.Fatalf("Answered for another body: %v", err)
	}
	if runs.Load() != 1 {
		t.Fatalf("ran %d times", runs.Load())
	}
}

func TestOnce_AFailedRequestKeepsNoKey(t *testing.T) {
	t.Parallel()
	st, _, user, _ := onceSetup(t)
	ctx := context.Background()
	k := store.OnceKey{UserID: user, Key: "k", Hash: []byte("h")}
	boom := errors.New("boom")
	_, _, err := st.Once(ctx, k, func(tx *store.Tx) (store.Answer, error) {
		if err := tx.Audit(ctx, user, "test.effect", "x", ""); err != nil {
			return store.Answer{}, err
		}
		return store.Answer{}, boom
	})
	if !errors.Is(err, boom) || effects(t, st) != 0 {
		t.Fatalf("failed first try: %v, %d effects", err, effects(t, st))
	}
	var runs atomic.Int64
	if _, replayed, err := st.Once(ctx, k, audited(ctx, user, &runs, store.Answer{Status: 303})); err != nil || replayed || runs.Load() != 1 {
		t.Fatalf("a retry after a failure: replayed %t, %v, ran %d", replayed, err, runs.Load())
	}
}

func TestOnce_ConcurrentRepeatsTakeEffectOnce(t *testing.T) {
	t.Parallel()
	st, _, user, client := onceSetup(t)
	ctx := context.Background()
	k := store.OnceKey{APIClientID: client, Key: "double-click", Hash: []byte("h")}
	var runs atomic.Int64
	var wg sync.WaitGroup
	answers := make([]store.Answer, 8)
	errs := make([]error, 8)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i], _, errs[i] = st.Once(ctx, k, func(tx *store.Tx) (store.Answer, error) {
				n := runs.Add(1)
				time.Sleep(50 * time.Millisecond) // the others arrive meanwhile
				return store.Answer{Status: 201, Body: []byte{byte('0' + n)}}, tx.Audit(ctx, user, "test.effect", "x", "")
			})
		}()
	}
	wg.Wait()
	for i := range answers {
		if errs[i] != nil || string(answers[i].Body) != string(answers[0].Body) || answers[i].Status != 201 {
			t.Fatalf("request %d: %+v %v (first %+v)", i, answers[i], errs[i], answers[0])
		}
	}
	if runs.Load() != 1 || effects(t, st) != 1 {
		t.Fatalf("ran %d times, %d effects", runs.Load(), effects(t, st))
	}
}

func TestOnce_KeysOfDifferentOwnersNeverMeet(t *testing.T) {
	t.Parallel()
	st, _, user, client := onceSetup(t)
	ctx := context.Background()
	var runs atomic.Int64
	for _, k := range []store.OnceKey{
		{UserID: user, Key: "same", Hash: []byte("a")},
		{APIClientID: client, Key: "same", Hash: []byte("b")},
	} {
		if _, replayed, err := st.Once(ctx, k, audited(ctx, user, &runs, store.Answer{Status: 200})); err != nil || replayed {
			t.Fatalf("%+v: replayed %t, %v", k, replayed, err)
		}
	}
	if runs.Load() != 2 {
		t.Fatalf("ran %d times", runs.Load())
	}
}

func TestOnce_AKeyExpiresAfterADayAndIsSweptAsOthersAreUsed(t *testing.T) {
	t.Parallel()
	st, advance, user, _ := onceSetup(t)
	ctx := context.Background()
	var runs atomic.Int64
	k := store.OnceKey{UserID: user, Key: "old", Hash: []byte("h")}
	old := store.OnceKey{UserID: user, Key: "older", Hash: []byte("h")}
	for _, k := range []store.OnceKey{k, old} {
		if _, _, err := st.Once(ctx, k, audited(ctx, user, &runs, store.Answer{Status: 303})); err != nil {
			t.Fatal(err)
		}
	}
	advance(store.IdempotencyTTL + time.Minute)
	if _, ok, err := st.Answered(ctx, k); err != nil || ok {
		t.Fatalf("an expired key still answers: %t %v", ok, err)
	}
	if _, replayed, err := st.Once(ctx, k, audited(ctx, user, &runs, store.Answer{Status: 303})); err != nil || replayed || runs.Load() != 3 {
		t.Fatalf("an expired key: replayed %t, %v, ran %d", replayed, err, runs.Load())
	}
	var left []string
	rows, _ := st.Pool().Query(ctx, `SELECT key FROM idempotency_keys ORDER BY key`)
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		left = append(left, s)
	}
	if rows.Err() != nil || len(left) != 1 || left[0] != "old" {
		t.Fatalf("keys left after the sweep: %v %v", left, rows.Err())
	}
}

func TestOnce_RefusesAKeyWithoutAnOwnerOrTooLong(t *testing.T) {
	t.Parallel()
	st, _, user, _ := onceSetup(t)
	ctx := context.Background()
	never := func(*store.Tx) (store.Answer, error) { t.Fatal("ran"); return store.Answer{}, nil }
	for name, k := range map[string]store.OnceKey{
		"NoOwner":   {Key: "k", Hash: []byte("h")},
		"NoKey":     {UserID: user, Hash: []byte("h")},
		"TooLong":   {UserID: user, Key: string(make([]byte, store.MaxKeyLen+1)), Hash: []byte("h")},
		"NoHash":    {UserID: user, Key: "k"},
		"TwoOwners": {UserID: user, APIClientID: 1, Key: "k", Hash: []byte("h")},
	} {
		if _, _, err := st.Once(ctx, k, never); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

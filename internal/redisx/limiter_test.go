package redisx_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"huamu/internal/redistest"
	"huamu/internal/redisx"
)

func open(t *testing.T, prefix string) *redisx.Client {
	t.Helper()
	c, err := redisx.Open(context.Background(), redistest.URL(), prefix, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// wait takes parts from l's bucket for bind, waiting as Take says, the way a
// bind's sender does.
func wait(ctx context.Context, l *redisx.Limiter, bind string, tps, parts int) error {
	for parts > 0 {
		granted, d, err := l.Take(ctx, bind, tps, parts)
		if err != nil {
			return err
		}
		parts -= granted
		if granted == 0 || (parts > 0 && d > 0) {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
	}
	return nil
}

// Two processes on one bind share its rate: together they take at least as
// long as one process alone sending all their parts would.
func TestLimiter_TwoProcessesShareOneBindRate(t *testing.T) {
	t.Parallel()
	prefix := redistest.Prefix(t)
	a, b := open(t, prefix).Limiter(), open(t, prefix).Limiter()
	const tps, each = 50, 50
	capacity := 10 // Burst 0.2 of 50
	ctx := context.Background()
	start := time.Now()
	var wg sync.WaitGroup
	for _, l := range []*redisx.Limiter{a, b} {
		for range 2 { // two senders in each process
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each / 2 {
					if err := wait(ctx, l, "mobile-1", tps, 1); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	// 100 parts at 50/s with a bucket of 10: at least 90/50 s. A limiter
	// that did not share its bucket would let each process finish in 0.8 s.
	min := time.Duration(float64(2*each-capacity)/tps*float64(time.Second)) - 50*time.Millisecond
	if elapsed < min {
		t.Fatalf("100 parts at 50 TPS over two processes took %v, want at least %v", elapsed, min)
	}
}

// A long text counts as many parts as it has: 30 parts at 20 TPS, with a
// bucket of 4, take at least (30-4)/20 s.
func TestLimiter_CountsPartsNotMessages(t *testing.T) {
	t.Parallel()
	l := open(t, redistest.Prefix(t)).Limiter()
	ctx := context.Background()
	start := time.Now()
	if err := wait(ctx, l, "unicom-1", 20, 30); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 1250*time.Millisecond {
		t.Fatalf("30 parts at 20 TPS went in %v, want at least 1.3 s", d)
	}
}

// Each bind has its own bucket: a drained mobile bind does not hold back a
// unicom one.
func TestLimiter_BindsHaveTheirOwnBuckets(t *testing.T) {
	t.Parallel()
	l := open(t, redistest.Prefix(t)).Limiter()
	ctx := context.Background()
	if g, _, err := l.Take(ctx, "mobile-1", 1, 1); err != nil || g != 1 {
		t.Fatalf("first part on mobile-1: granted %d (%v)", g, err)
	}
	if g, w, err := l.Take(ctx, "mobile-1", 1, 1); err != nil || g != 0 || w <= 0 {
		t.Fatalf("mobile-1 drained: granted %d, wait %v (%v); want none and a wait", g, w, err)
	}
	if g, _, err := l.Take(ctx, "unicom-1", 1, 1); err != nil || g != 1 {
		t.Fatalf("unicom-1 after mobile-1 drained: granted %d (%v), want 1", g, err)
	}
}

// Take grants what the bucket holds, never more, and when it holds less
// than a part says how long until it does.
func TestLimiter_TakeGrantsWhatTheBucketHoldsAndSaysHowLongToWait(t *testing.T) {
	t.Parallel()
	l := open(t, redistest.Prefix(t)).Limiter()
	ctx := context.Background()
	g, w, err := l.Take(ctx, "telecom-1", 10, 5) // a bucket of 2 at 10 TPS
	if err != nil || g != 2 || w != 0 {
		t.Fatalf("first take of 5: granted %d wait %v (%v), want 2 and no wait", g, w, err)
	}
	g, w, err = l.Take(ctx, "telecom-1", 10, 5)
	if err != nil || g != 0 || w <= 0 || w > 110*time.Millisecond {
		t.Fatalf("second take: granted %d wait %v (%v), want none and at most 100 ms", g, w, err)
	}
}

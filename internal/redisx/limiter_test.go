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

// Two processes on one bind share its rate: together they take at least as
// long as one process alone sending all their parts would.
func TestLimiter_TwoProcessesShareOneBindRate(t *testing.T) {
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
					if err := l.Wait(ctx, "mobile-1", tps, 1); err != nil {
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

// A long text counts as many parts as it has: after a 30-part text at 20
// TPS, the next part waits for the debt to be paid.
func TestLimiter_CountsPartsNotMessages(t *testing.T) {
	l := open(t, redistest.Prefix(t)).Limiter()
	ctx := context.Background()
	if err := l.Wait(ctx, "unicom-1", 20, 30); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := l.Wait(ctx, "unicom-1", 20, 1); err != nil {
		t.Fatal(err)
	}
	// bucket of 4: 30 taken leaves -26; one more part needs 27 tokens = 1.35 s
	if d := time.Since(start); d < 1250*time.Millisecond {
		t.Fatalf("part after a 30-part text waited %v, want about 1.35 s", d)
	}
}

// Each bind has its own bucket: a drained mobile bind does not hold back a
// unicom one.
func TestLimiter_BindsHaveTheirOwnBuckets(t *testing.T) {
	prefix := redistest.Prefix(t)
	l := open(t, prefix).Limiter()
	ctx := context.Background()
	if err := l.Wait(ctx, "mobile-1", 1, 60); err != nil { // a minute of debt
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx, "unicom-1", 1, 1) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("unicom-1 waited on mobile-1's debt")
	}
}

// Waiting ends with the context.
func TestLimiter_WaitEndsWithContext(t *testing.T) {
	l := open(t, redistest.Prefix(t)).Limiter()
	if err := l.Wait(context.Background(), "telecom-1", 1, 100); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx, "telecom-1", 1, 1); err == nil {
		t.Fatal("Wait returned nil for a part 100 s away with a 100 ms context")
	}
}

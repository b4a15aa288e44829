package redisx_test

import (
	"context"
	"sync"
	"testing"

	"huamu/internal/redistest"
)

func TestLoginGuard_SimultaneousAttemptsNeverPassTheLimit(t *testing.T) {
	t.Parallel()
	prefix := redistest.Prefix(t)
	ctx := context.Background()
	// Two processes share the counters.
	a, b := open(t, prefix).LoginGuard(), open(t, prefix).LoginGuard()
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := a
			if i%2 == 1 {
				g = b
			}
			at, err := g.Attempt(ctx, "li", "203.0.113.7", "", false)
			if err != nil {
				t.Error(err)
				return
			}
			if at.Allowed {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != a.MaxPerAccount {
		t.Fatalf("%d of 60 simultaneous attempts allowed, want %d", allowed, a.MaxPerAccount)
	}
	at, err := a.Attempt(ctx, "li", "203.0.113.7", "", false)
	if err != nil || at.Allowed || at.RetryAfter <= 0 {
		t.Fatalf("after the limit: %+v %v, want refused with a time to wait", at, err)
	}
}

func TestLoginGuard_ARightPasswordGivesItsAttemptBack(t *testing.T) {
	t.Parallel()
	g := open(t, redistest.Prefix(t)).LoginGuard()
	ctx := context.Background()
	// 19 failures from one address, then a success, then more: the success
	// does not count against the address.
	for i := range 19 {
		if at, _ := g.Attempt(ctx, "user"+string(rune('a'+i)), "198.51.100.1", "", false); !at.Allowed {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, err := g.Attempt(ctx, "li", "198.51.100.1", "", false)
	if err != nil || !ok.Allowed {
		t.Fatalf("attempt 20: %+v %v", ok, err)
	}
	if err := g.Succeeded(ctx, ok); err != nil {
		t.Fatal(err)
	}
	if at, _ := g.Attempt(ctx, "wang", "198.51.100.1", "", false); !at.Allowed {
		t.Fatal("a success counted as a failure of the address")
	}
	if at, _ := g.Attempt(ctx, "zhao", "198.51.100.1", "", false); at.Allowed {
		t.Fatal("21 failures from one address allowed")
	}
	// A known device is counted on its own.
	dev, err := g.RememberDevice(ctx, "li", "")
	if err != nil {
		t.Fatal(err)
	}
	if known, _ := g.KnownDevice(ctx, "li", dev); !known {
		t.Fatal("the device is not known after a login")
	}
	if known, _ := g.KnownDevice(ctx, "wang", dev); known {
		t.Fatal("the device is known for an account it never logged in to")
	}
	if at, _ := g.Attempt(ctx, "li", "198.51.100.1", dev, true); !at.Allowed {
		t.Fatal("a known device held back by its address's failures")
	}
}

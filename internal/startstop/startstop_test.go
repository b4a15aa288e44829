package startstop

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestGroup_StopCancelsAndWaitsForEveryGoroutine(t *testing.T) {
	var g Group
	var running, finished atomic.Int32
	loop := func(ctx context.Context) {
		running.Add(1)
		<-ctx.Done()
		time.Sleep(10 * time.Millisecond) // work that must finish before Stop returns
		finished.Add(1)
	}
	g.Start(context.Background(), loop, loop)
	g.Start(context.Background(), loop)
	for running.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	g.Stop()
	if finished.Load() != 3 {
		t.Fatalf("Stop returned with %d of 3 goroutines finished", finished.Load())
	}
	g.Stop() // idempotent
	g.Start(context.Background(), func(context.Context) { t.Error("started after Stop") })
	g.Stop()
}

func TestGroup_StopBeforeStartIsHarmless(t *testing.T) {
	var g Group
	g.Stop()
}

func TestFanout_KicksEveryWorkerOncePerWakeup(t *testing.T) {
	from, kick := make(chan struct{}), make(chan struct{}, 3)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { Fanout(ctx, from, kick); close(done) }()
	from <- struct{}{}
	from <- struct{}{} // coalesced: the slots are already full
	time.Sleep(20 * time.Millisecond)
	if len(kick) != 3 {
		t.Fatalf("%d kicks waiting, want one per worker (3)", len(kick))
	}
	cancel()
	<-done
}

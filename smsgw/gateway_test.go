package smsgw_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"huamu/internal/smsc"
	"huamu/smsgw"
)

// inbox stores nothing; it panics on its first batch when told to.
type inbox struct {
	panicOnce atomic.Bool
	got       atomic.Int64
}

func (in *inbox) Deliver(_ context.Context, mos []smsgw.MO) []error {
	if in.panicOnce.CompareAndSwap(true, false) {
		panic("a bug in the inbox")
	}
	in.got.Add(int64(len(mos)))
	return make([]error, len(mos))
}

func bound(t *testing.T, in smsgw.Inbox) (*smsc.Server, *smsgw.Gateway) {
	t.Helper()
	sim, err := smsc.Start(smsc.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	gw := smsgw.New(smsgw.Options{Inbox: in, Binds: []smsgw.BindConfig{{Name: "mobile-1", SystemID: "t", Password: "p",
		Addr: sim.Addr(), Window: 4}}})
	gw.Start(context.Background())
	t.Cleanup(gw.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := gw.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	return sim, gw
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// A panic in what an SMSC answer runs (here a submit's callback, on the
// bind's read loop) is recovered: the bind is dropped and bound again, and
// texts go on flowing.
func TestGateway_APanicOnTheReadLoopDropsTheBindNotTheProcess(t *testing.T) {
	sim, gw := bound(t, &inbox{})
	gw.Enqueue(smsgw.MT{To: "13800000001", Text: "测试"}, func(smsgw.Submitted, error) { panic("a bug in a callback") })
	waitFor(t, "the bind dropped and bound again", func() bool {
		return len(sim.Submits()) == 1 && gw.Status()[0].State == smsgw.BindUp && sim.Bound() == 1
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if _, err := submit(ctx, gw, smsgw.MT{To: "13800000002", Text: "之后"}); err == nil {
			break
		} else if ctx.Err() != nil {
			t.Fatalf("no submit went through after the panic: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A panic while committing a batch of MOs fails that batch: the SMSC is
// asked to deliver them again, and they are stored on its next try.
func TestGateway_APanicCommittingABatchAsksForItAgain(t *testing.T) {
	in := &inbox{}
	in.panicOnce.Store(true)
	sim, _ := bound(t, in)
	mo := sim.Inject("13800000001", "10690000", "帮助")
	waitFor(t, "the MO stored after the panic", func() bool {
		for _, m := range sim.MOs() {
			if m.ID == mo.ID && m.Acked == 1 {
				return in.got.Load() == 1
			}
		}
		return false
	})
}

// submit enqueues m and waits for every part's answer.
func submit(ctx context.Context, gw *smsgw.Gateway, m smsgw.MT) (smsgw.Submitted, error) {
	type result struct {
		s   smsgw.Submitted
		err error
	}
	ch := make(chan result, 1)
	gw.Enqueue(m, func(s smsgw.Submitted, err error) { ch <- result{s, err} })
	select {
	case r := <-ch:
		return r.s, r.err
	case <-ctx.Done():
		return smsgw.Submitted{}, ctx.Err()
	}
}

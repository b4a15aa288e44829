package intake_test

import (
	"context"
	"testing"
	"time"

	"huamu/internal/intake"
	"huamu/internal/pgtest"
	"huamu/smsgw"
)

func TestDrain_RefusedMOsWaitAtTheSMSCForTheNextProcess(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	sim, old := startGateway(t, &intake.Inbox{Store: st})
	old.Drain() // shutting down: take no more MOs
	mo := sim.Inject("13800000001", "10690000", "求购 桂花 8公分 100株")
	time.Sleep(800 * time.Millisecond)
	if n := acked(sim, mo.ID); n != 0 {
		t.Fatalf("a draining gateway acknowledged %d parts", n)
	}
	if n, _ := st.CountInbound(context.Background(), ""); n != 0 {
		t.Fatalf("a draining gateway stored %d texts", n)
	}
	old.Stop()
	// The next process binds and gets the text the SMSC kept.
	next := smsgw.New(smsgw.Options{Inbox: &intake.Inbox{Store: st}, Binds: []smsgw.BindConfig{{Name: "mobile-1",
		SystemID: "t", Password: "p", Addr: sim.Addr(), Carrier: smsgw.Mobile, Window: 4}}})
	next.Start(context.Background())
	defer next.Stop()
	waitFor(t, "the kept MO acked by the next process", func() bool { return acked(sim, mo.ID) == 1 })
	if n, _ := st.CountInbound(context.Background(), ""); n != 1 {
		t.Fatalf("%d texts stored, want the kept one once", n)
	}
}

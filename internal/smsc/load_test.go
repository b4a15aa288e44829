package smsc_test

import (
	"context"
	"testing"
	"time"

	"huamu/internal/smsc"
	"huamu/smsgw"
)

// echo is an ESME's application that answers every text with one reply.
type echo struct{ gw *smsgw.Gateway }

func (e *echo) Deliver(_ context.Context, mos []smsgw.MO) []error {
	for _, mo := range mos {
		e.gw.Enqueue(smsgw.MT{To: mo.Sender, Text: "收到"}, func(smsgw.Submitted, error) {})
	}
	return make([]error, len(mos))
}

// A load run sends every text once from a number of its own, within its
// window, and reports each one acknowledged and answered, with latencies,
// throughput and the ESME it went to.
func TestLoad_EveryTextIsSentAckedAndAnsweredOnce(t *testing.T) {
	sim, err := smsc.Start(smsc.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	app := &echo{}
	gw := smsgw.New(smsgw.Options{Inbox: app, Binds: []smsgw.BindConfig{{Name: "mobile-1", SystemID: "t", Password: "p",
		Addr: sim.Addr(), Window: 8}}})
	app.gw = gw
	gw.Start(context.Background())
	t.Cleanup(gw.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := gw.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sim.StartLoad(smsc.LoadSpec{Count: 300, Window: 16, Text: "帮助"}); err != nil {
		t.Fatal(err)
	}
	if err := sim.StartLoad(smsc.LoadSpec{Count: 1}); err == nil {
		t.Fatal("a second load run started while the first went on")
	}
	var rep smsc.LoadReport
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		rep, _ = sim.LoadReport()
		if !rep.Running || time.Now().After(deadline) {
			break
		}
	}
	if rep.Sent != 300 || rep.Acked != 300 || rep.Replied != 300 || rep.Refused != 0 {
		t.Fatalf("sent %d, acked %d, replied %d, refused %d; want 300, 300, 300, 0", rep.Sent, rep.Acked, rep.Replied, rep.Refused)
	}
	if rep.Throughput <= 0 || rep.Reply.P50 <= 0 || rep.Reply.Max < rep.Reply.P99 || rep.Ack.P50 <= 0 {
		t.Fatalf("figures %+v %+v %v", rep.Ack, rep.Reply, rep.Throughput)
	}
	if len(rep.ESMEs) != 1 || rep.PID == 0 {
		t.Fatalf("ESMEs %v pid %d, want the one bound connection and this process", rep.ESMEs, rep.PID)
	}
	if n := len(sim.Submits()); n != 0 {
		t.Fatalf("%d load replies kept in the MT log, want none (a load run's are only counted)", n)
	}
}

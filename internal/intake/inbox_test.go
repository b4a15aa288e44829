package intake_test

import (
	"context"
	"testing"
	"time"

	"huamu/internal/intake"
	"huamu/internal/pgtest"
	"huamu/internal/smsc"
	"huamu/smsgw"
)

// startGateway binds a gateway with inbox to a fresh simulator.
func startGateway(t *testing.T, inbox smsgw.Inbox) (*smsc.Server, *smsgw.Gateway) {
	t.Helper()
	sim, err := smsc.Start(smsc.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	gw := smsgw.New(smsgw.Options{Inbox: inbox, Binds: []smsgw.BindConfig{{Name: "mobile-1", SystemID: "t",
		Password: "p", Addr: sim.Addr(), Carrier: smsgw.Mobile, Window: 4}}})
	gw.Start(context.Background())
	t.Cleanup(gw.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := gw.WaitUp(ctx); err != nil {
		t.Fatal("bind never came up")
	}
	return sim, gw
}

func acked(sim *smsc.Server, id int64) int {
	for _, m := range sim.MOs() {
		if m.ID == id {
			return m.Acked
		}
	}
	return -1
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDeliver_AcknowledgedOnlyAfterCommit(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	// Every insert into inbound fails: the commit cannot happen.
	_, err := st.Pool().Exec(ctx, `
		CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'disk full'; END $$;
		CREATE TRIGGER refuse BEFORE INSERT ON inbound FOR EACH ROW EXECUTE FUNCTION refuse();`)
	if err != nil {
		t.Fatal(err)
	}
	sim, _ := startGateway(t, &intake.Inbox{Store: st})
	mo := sim.Inject("13800000001", "10690000", "供 桂花 8公分 200株 600元 万春镇")
	time.Sleep(1500 * time.Millisecond) // several delivery attempts
	if n := acked(sim, mo.ID); n != 0 {
		t.Fatalf("SMSC saw %d acks for a text that was never committed", n)
	}
	if n, _ := st.CountInbound(ctx, ""); n != 0 {
		t.Fatalf("%d rows stored despite the failing trigger", n)
	}
	// The database recovers: the SMSC's redelivery is stored, then acked.
	if _, err := st.Pool().Exec(ctx, `DROP TRIGGER refuse ON inbound`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the ack after recovery", func() bool { return acked(sim, mo.ID) == 1 })
	if n, _ := st.CountInbound(ctx, ""); n != 1 {
		t.Fatalf("%d rows after recovery, want 1", n)
	}
}

func TestDeliver_LongTextInPartsIsJoinedOnce(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	sim, _ := startGateway(t, &intake.Inbox{Store: st})
	text := "出售紫薇 地径5公分 高杆 分枝点1.5米 300株 150元 和盛镇 另有银杏 米径10公分 80棵 价格可谈 🌳 需要的联系13800001001 有效期半个月"
	mo := sim.Inject("13800000001", "10690000", text)
	if mo.Parts < 2 {
		t.Fatalf("test text fits one SMS (%d parts); make it longer", mo.Parts)
	}
	waitFor(t, "every part acked", func() bool { return acked(sim, mo.ID) == mo.Parts })
	rows, err := st.ListInbound(context.Background(), storeFilter())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Body != text {
		t.Fatalf("stored %d rows, first %q; want the whole text once", len(rows), first(rows))
	}
}

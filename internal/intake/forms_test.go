package intake_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"huamu/internal/intake"
	"huamu/internal/pgtest"
	"huamu/internal/smsc"
	"huamu/internal/store"
	"huamu/smsgw"
)

// A long MO arrives whole whatever form the handset and SMSC carry it in,
// including characters outside the BMP that a part boundary may cut.
func TestDeliver_LongMOInEveryFormIsJoinedWhole(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	sim, _ := startGateway(t, &intake.Inbox{Store: st})
	text := strings.Repeat("出售紫薇🌸地径5公分𠮷高杆300株", 8)
	forms := []smsc.Form{smsc.FormUDH8, smsc.FormUDH16, smsc.FormSAR, smsc.FormPayload}
	senders := []string{"13800000011", "13800000012", "13800000013", "13800000014"}
	for i, f := range forms {
		mo := sim.InjectAs(senders[i], "10690000", text, f)
		if f != smsc.FormPayload && mo.Parts < 3 {
			t.Fatalf("%s: %d parts, want a long text", f, mo.Parts)
		}
		waitFor(t, string(f)+" acked", func() bool { return acked(sim, mo.ID) == mo.Parts })
	}
	for i, f := range forms {
		rows, err := st.ListInbound(context.Background(), store.InboundFilter{Sender: senders[i]})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Body != text {
			t.Errorf("%s: %d rows, first %q; want the text whole once", f, len(rows), first(rows))
		}
	}
}

// deliverBody builds a deliver_sm body (after the header) from 13800000021.
func deliverBody(esm, dc byte, sm []byte, smLen int) []byte {
	b := []byte{0, 1, 1}
	b = append(b, "13800000021\x00"...)
	b = append(b, 0, 0)
	b = append(b, "10690000\x00"...)
	b = append(b, esm, 0, 0, 0, 0, 0, 0, dc, 0, byte(smLen))
	return append(b, sm...)
}

// A deliver_sm that gosmpp cannot parse (a UDH longer than the message
// under UDHI, or a body shorter than its own lengths) used to close the
// bind, and the SMSC redelivered it after every rebind for ever. Now each
// is acknowledged once and kept for a clerk, and texts behind it flow.
func TestDeliver_MalformedPDUsAreKeptForAClerkNotLooped(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	sim, _ := startGateway(t, &intake.Inbox{Store: st})
	badUDH := sim.InjectRaw("13800000021", deliverBody(0x40, 0x08, []byte{0x05, 0x00, 0x03, 0x01}, 4))
	short := sim.InjectRaw("13800000021", deliverBody(0x00, 0x08, []byte{0x4e, 0x0a, 0x00}, 50))
	after := sim.Inject("13800000022", "10690000", "求购 桂花 8公分 100株")
	waitFor(t, "all three acked", func() bool {
		return acked(sim, badUDH.ID) >= 1 && acked(sim, short.ID) >= 1 && acked(sim, after.ID) == 1
	})
	if a, b := acked(sim, badUDH.ID), acked(sim, short.ID); a != 1 || b != 1 {
		t.Fatalf("malformed PDUs acked %d and %d times, want once each", a, b)
	}
	rows, err := st.ListInbound(context.Background(), store.InboundFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var malformed, kept, good int
	for _, r := range rows {
		switch {
		case r.Reason == "malformed" && r.State == "needs_clerk":
			malformed++
		case r.Sender == "13800000021":
			kept++
		case r.Sender == "13800000022":
			good++
		}
	}
	if malformed != 1 || kept != 1 || good != 1 {
		t.Fatalf("stored %d malformed for a clerk, %d kept whole, %d good; want 1, 1, 1: %+v", malformed, kept, good, rows)
	}
}

// losingAck commits like the Inbox, then drops the SMSC's connections
// before the gateway can acknowledge: the SMSC delivers the text again.
type losingAck struct {
	*intake.Inbox
	sim  *smsc.Server
	once sync.Once
}

func (l *losingAck) Deliver(ctx context.Context, mos []smsgw.MO) []error {
	errs := l.Inbox.Deliver(ctx, mos)
	l.once.Do(l.sim.DropConnections)
	return errs
}

// startGatewayWithSessions is startGateway with the SMPP sessions' life
// kept in the store, as a process keeps it.
func startGatewayWithSessions(t *testing.T, st *store.Store, wrap func(*smsc.Server, *intake.Sessions) smsgw.Inbox) *smsc.Server {
	t.Helper()
	sim, err := smsc.Start(smsc.Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	sessions := &intake.Sessions{Store: st}
	sessions.Start(context.Background())
	gw := smsgw.New(smsgw.Options{Inbox: wrap(sim, sessions), Sessions: sessions, Binds: []smsgw.BindConfig{{Name: "mobile-1",
		SystemID: "t", Password: "p", Addr: sim.Addr(), Carrier: smsgw.Mobile, Window: 4}}})
	gw.Start(context.Background())
	t.Cleanup(func() { gw.Stop(); sessions.Stop() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := gw.WaitUp(ctx); err != nil {
		t.Fatal("bind never came up")
	}
	return sim
}

// The SMSC delivers a text again when our acknowledgement was lost (the
// link dropped between our commit and our answer): the second copy is
// stored as a duplicate of the first, shown as such, and not handled again.
func TestDeliver_ATextDeliveredAgainAfterALostAckIsStoredAsADuplicate(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	sim := startGatewayWithSessions(t, st, func(sim *smsc.Server, sessions *intake.Sessions) smsgw.Inbox {
		return &losingAck{Inbox: &intake.Inbox{Store: st, Sessions: sessions}, sim: sim}
	})
	mo := sim.Inject("13800000021", "10690000", "确认")
	waitFor(t, "the text acknowledged after its redelivery", func() bool { return acked(sim, mo.ID) == 1 })
	rows, err := st.ListInbound(context.Background(), store.InboundFilter{Sender: "13800000021"})
	if err != nil {
		t.Fatal(err)
	}
	first, dups := 0, 0
	for _, r := range rows {
		switch r.State {
		case "new":
			first++
		case "duplicate":
			dups++
		}
	}
	if first != 1 || dups < 1 || first+dups != len(rows) {
		t.Fatalf("rows %+v, want the text once and its redelivery as a duplicate", rows)
	}
	var linked int
	if err := st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM inbound d JOIN inbound f ON f.id = d.duplicate_of
		WHERE d.state = 'duplicate' AND f.state = 'new'`).Scan(&linked); err != nil || linked != dups {
		t.Fatalf("%d of %d duplicates point at the first copy (%v)", linked, dups, err)
	}
}

// A person sending the same text twice (确认 for two orders, 帮助 twice) is
// answered twice: on a link that stayed up, the second is a new text.
func TestDeliver_ThePersonSendingTheSameTextAgainIsANewText(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	sim := startGatewayWithSessions(t, st, func(_ *smsc.Server, sessions *intake.Sessions) smsgw.Inbox {
		return &intake.Inbox{Store: st, Sessions: sessions}
	})
	a := sim.Inject("13800000021", "10690000", "确认")
	waitFor(t, "the first acknowledged", func() bool { return acked(sim, a.ID) == 1 })
	b := sim.Inject("13800000021", "10690000", "确认")
	waitFor(t, "the second acknowledged", func() bool { return acked(sim, b.ID) == 1 })
	rows, err := st.ListInbound(context.Background(), store.InboundFilter{Sender: "13800000021"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].State != "new" || rows[1].State != "new" {
		t.Fatalf("rows %+v, want two texts, each to be answered", rows)
	}
}

// A long text in binary (data_coding 0x04) used to fail its join, be asked
// again and again, and only minutes later become fragments. Now it is kept
// whole as its bytes for a clerk, and each part acknowledged once.
func TestDeliver_LongTextInAnUnknownAlphabetIsKeptAndAckedAtOnce(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	sim, _ := startGateway(t, &intake.Inbox{Store: st})
	part := func(seq byte, data []byte) []byte {
		sm := append([]byte{0x05, 0x00, 0x03, 0x7a, 0x02, seq}, data...)
		return deliverBody(0x40, 0x04, sm, len(sm))
	}
	one := sim.InjectRaw("13800000021", part(1, []byte{0xde, 0xad}))
	two := sim.InjectRaw("13800000021", part(2, []byte{0xbe, 0xef}))
	waitFor(t, "both parts acked", func() bool { return acked(sim, one.ID) >= 1 && acked(sim, two.ID) >= 1 })
	if a, b := acked(sim, one.ID), acked(sim, two.ID); a != 1 || b != 1 {
		t.Fatalf("parts acked %d and %d times, want once each", a, b)
	}
	rows, err := st.ListInbound(context.Background(), store.InboundFilter{Sender: "13800000021"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || !strings.Contains(rows[0].Body, "deadbeef") {
		t.Fatalf("stored %+v, want one text holding the bytes deadbeef", rows)
	}
}

package outbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/linxGnu/gosmpp/data"

	"huamu/internal/intake"
	"huamu/internal/outbox"
	"huamu/internal/pgtest"
	"huamu/internal/redistest"
	"huamu/internal/redisx"
	"huamu/internal/smsc"
	"huamu/internal/store"
	"huamu/smsgw"
)

const signature = "【花木通】"

// rig is a gateway bound to a fresh simulator, with senders and receipts on
// a fresh database, and the per-bind rate limit in Redis.
type rig struct {
	st  *store.Store
	sim *smsc.Server
	gw  *smsgw.Gateway
}

func newRig(t *testing.T, window, tps int) *rig {
	t.Helper()
	st := pgtest.Store(t, nil)
	sim, err := smsc.Start(smsc.Config{Addr: "127.0.0.1:0", ReceiptDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	rc, err := redisx.Open(context.Background(), redistest.URL(), redistest.Prefix(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rc.Close() })
	rec := &outbox.Receipts{Store: st}
	gw := smsgw.New(smsgw.Options{Inbox: &intake.Inbox{Store: st}, Receipts: rec, Signature: signature,
		Limiter: rc.Limiter(), Binds: []smsgw.BindConfig{{Name: "mobile-1", SystemID: "t", Password: "p",
			Addr: sim.Addr(), Carrier: smsgw.Mobile, Window: window, TPS: tps}}})
	gw.Start(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := gw.WaitUp(ctx); err != nil {
		t.Fatal("bind never came up")
	}
	sender := &outbox.Sender{Store: st, Gateway: gw}
	sender.Start(context.Background())
	rec.Start(context.Background())
	t.Cleanup(func() { sender.Stop(); rec.Stop(); gw.Stop() })
	return &rig{st: st, sim: sim, gw: gw}
}

func (r *rig) enqueue(t *testing.T, to, body string) {
	t.Helper()
	err := r.st.InTx(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Enqueue(context.Background(), store.NewMT{Recipient: to, Body: body, Kind: "reply"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *rig) states(t *testing.T) map[string]int {
	t.Helper()
	rows, err := r.st.ListOutbox(context.Background(), store.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, m := range rows {
		out[m.State]++
	}
	return out
}

// A long Chinese MT with an emoji and a rare (astral) character goes out in
// parts that share one reference, each within 140 octets, the handset
// shows it whole with the signature, and a receipt for every part makes it
// delivered.
func TestSend_LongMTInPartsWithReceiptsForEveryPart(t *testing.T) {
	t.Parallel()
	r := newRig(t, 4, 0)
	body := strings.Repeat("桂花8公分200株600元万春镇🌸𠮷", 12)
	r.enqueue(t, "13800000001", body)
	waitFor(t, "the MT delivered", 10*time.Second, func() bool { return r.states(t)["delivered"] == 1 })
	subs := r.sim.Submits()
	if len(subs) < 3 {
		t.Fatalf("%d parts submitted, want a long text in several", len(subs))
	}
	for _, s := range subs {
		if s.Ref != subs[0].Ref || s.Total != len(subs) {
			t.Fatalf("part %d has ref %d/%d parts, want one reference %d over %d", s.Seq, s.Ref, s.Total, subs[0].Ref, len(subs))
		}
	}
	msgs := r.sim.Messages()
	if len(msgs) != 1 || msgs[0].Text != signature+body {
		t.Fatalf("handset shows %d messages, first %q", len(msgs), msgs[0].Text)
	}
	var receipted int
	err := r.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM outbox_parts WHERE state = 'delivered'`).Scan(&receipted)
	if err != nil || receipted != len(subs) {
		t.Fatalf("%d parts have a delivered receipt (%v), want %d", receipted, err, len(subs))
	}
}

// Throttling is answered by pausing the bind with a growing backoff, not
// by spinning, and the text still goes out once.
func TestSend_ThrottlingIsAnsweredWithBackoff(t *testing.T) {
	// Not parallel: it measures the gaps between retries at the simulator.
	r := newRig(t, 4, 0)
	r.sim.Throttle(4)
	r.enqueue(t, "13800000001", "帮助: 供 桂花 8公分 200株 600元")
	waitFor(t, "the MT delivered", 20*time.Second, func() bool { return r.states(t)["delivered"] == 1 })
	at := r.sim.Throttled()
	if len(at) != 4 {
		t.Fatalf("%d throttled submits, want 4", len(at))
	}
	for i := 1; i < len(at); i++ {
		// pauses are 200 ms doubling, with jitter down to half
		if gap := at[i].Sub(at[i-1]); gap < 90*time.Millisecond {
			t.Fatalf("retry %d came %v after a throttle: no backoff", i, gap)
		}
	}
	if got := at[3].Sub(at[0]); got < 600*time.Millisecond {
		t.Fatalf("three backoffs took %v, want them to grow (at least 0.6 s)", got)
	}
	if n := len(r.sim.Submits()); n != 1 {
		t.Fatalf("%d accepted submits, want the text once", n)
	}
}

// The SMSC drops the TCP connection while a window of submits is in
// flight, twice: every MT still reaches its handset whole, and no part the
// SMSC accepted is submitted again.
func TestSend_DroppedConnectionMidWindowLosesNothingAndSendsNothingTwice(t *testing.T) {
	t.Parallel()
	r := newRig(t, 10, 0)
	const n = 40
	for i := range n {
		r.enqueue(t, fmt.Sprintf("138%08d", i), strings.Repeat(fmt.Sprintf("第%d条 求购桂花 8公分 100株 ", i), 4))
	}
	for drop := 0; drop < 2; drop++ {
		target := (drop + 1) * 25
		waitFor(t, "submits under way", 20*time.Second, func() bool { return len(r.sim.Submits()) >= target })
		r.sim.DropConnections()
	}
	waitFor(t, "every MT delivered", 60*time.Second, func() bool { return r.states(t)["delivered"] == n })
	type part struct {
		to       string
		ref, seq int
	}
	seen := map[part]int{}
	for _, s := range r.sim.Submits() {
		seen[part{s.To, s.Ref, s.Seq}]++
	}
	for p, c := range seen {
		if c != 1 {
			t.Errorf("part %+v accepted %d times", p, c)
		}
	}
	msgs := r.sim.Messages()
	if len(msgs) != n {
		t.Fatalf("handsets got %d whole messages, want %d", len(msgs), n)
	}
	for _, m := range msgs {
		if !strings.HasPrefix(m.Text, signature+"第") {
			t.Errorf("message to %s garbled: %q", m.To, m.Text)
		}
	}
}

// The bind's rate holds under the pipelined sender: 60 parts at 20 parts a
// second (a bucket of 4) take at least 2.8 s, and no second sees more than
// 24 of them, however many the window would let through.
func TestSend_BindRateHoldsUnderThePipeline(t *testing.T) {
	// Not parallel: it measures when parts reach the simulator, which other
	// tests' load would bunch up.
	r := newRig(t, 10, 20)
	const n = 60
	for i := range n {
		r.enqueue(t, fmt.Sprintf("138%08d", i), "帮助")
	}
	waitFor(t, "every MT submitted", 20*time.Second, func() bool { return len(r.sim.Submits()) == n })
	subs := r.sim.Submits()
	if span := subs[n-1].At.Sub(subs[0].At); span < 2700*time.Millisecond {
		t.Fatalf("%d parts at 20 TPS went out in %v, want at least 2.8 s", n, span)
	}
	for i := range subs {
		in := 0
		for j := i; j < n && subs[j].At.Sub(subs[i].At) < time.Second; j++ {
			in++
		}
		if in > 24 {
			t.Fatalf("%d parts within a second from part %d, want at most 24 (20 TPS and a bucket of 4)", in, i)
		}
	}
}

// An SMSC's system error (ESME_RSYSERR) used to count as "bind down" and be
// tried again every second, for ever. It spends an attempt and backs off,
// and the texts behind it are not held up.
func TestSend_ASystemErrorBacksOffWithoutStallingOthers(t *testing.T) {
	t.Parallel()
	r := newRig(t, 4, 0)
	r.sim.Refuse(1, data.ESME_RSYSERR)
	r.enqueue(t, "13800000001", "第一条")
	waitFor(t, "the refused MT back in the queue", 10*time.Second, func() bool {
		rows, _ := r.st.ListOutbox(context.Background(), store.OutboxFilter{Recipient: "13800000001"})
		return len(rows) == 1 && rows[0].Attempts == 1 && strings.Contains(rows[0].LastError, "SYSERR")
	})
	refusedAt := time.Now()
	r.enqueue(t, "13800000002", "第二条")
	waitFor(t, "the second MT delivered", 5*time.Second, func() bool {
		rows, _ := r.st.ListOutbox(context.Background(), store.OutboxFilter{Recipient: "13800000002"})
		return len(rows) == 1 && rows[0].State == "delivered"
	})
	if time.Since(refusedAt) > store.Backoff(1) {
		t.Fatalf("the second MT waited %v, as long as the refused one's backoff", time.Since(refusedAt))
	}
	waitFor(t, "the refused MT delivered after its backoff", 10*time.Second, func() bool {
		rows, _ := r.st.ListOutbox(context.Background(), store.OutboxFilter{Recipient: "13800000001"})
		return rows[0].State == "delivered"
	})
}

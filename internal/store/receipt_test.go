package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"huamu/internal/pgtest"
	"huamu/internal/store"
)

// sendAll sends every due MT, each part accepted with the id prefix+seq, on
// carrier, and returns the MTs it saw.
func sendAll(t *testing.T, st *store.Store, carrier string, prefix string) []store.MT {
	t.Helper()
	var seen []store.MT
	for {
		did, err := st.SendDue(context.Background(), func(_ context.Context, m store.MT) (store.SendResult, error) {
			seen = append(seen, m)
			return store.SendResult{Bind: carrier + "-1", Carrier: carrier,
				Parts: []store.SentPart{{Seq: 1, MessageID: fmt.Sprintf("%s%d", prefix, m.ID)}}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !did {
			return seen
		}
	}
}

func receipt(t *testing.T, st *store.Store, id, state string) store.Receipted {
	t.Helper()
	r, err := st.RecordReceipt(context.Background(), []string{id}, state, "")
	if err != nil || !r.Matched {
		t.Fatalf("receipt %s %s: %+v %v", id, state, r, err)
	}
	return r
}

func outboxRows(t *testing.T, st *store.Store) []store.MT {
	t.Helper()
	rows, err := st.ListOutbox(context.Background(), store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestReceipt_ExpiredMTIsResentOnceOnly(t *testing.T) {
	st := pgtest.Store(t, nil)
	enqueue(t, st, 1)
	first := sendAll(t, st, "mobile", "a")
	receipt(t, st, fmt.Sprintf("a%d", first[0].ID), "expired")
	rows := outboxRows(t, st)
	if len(rows) != 2 || rows[1].State != "failed" || rows[0].State != "queued" || rows[0].Body != rows[1].Body {
		t.Fatalf("after an expiry: %+v, want the MT failed and one copy queued", rows)
	}
	if rows[1].LastError == "" {
		t.Fatal("the expired MT does not say what happened")
	}
	second := sendAll(t, st, "mobile", "b")
	if len(second) != 1 {
		t.Fatalf("resent %d MTs, want 1", len(second))
	}
	receipt(t, st, fmt.Sprintf("b%d", second[0].ID), "expired")
	if rows := outboxRows(t, st); len(rows) != 2 || rows[0].State != "failed" {
		t.Fatalf("after the resend expired too: %d rows, newest %s; want no third try", len(rows), rows[0].State)
	}
}

func TestReceipt_RepeatedUndeliverableOnOneCarrierLearnsAnother(t *testing.T) {
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	override := func() string {
		var c string
		_ = st.Pool().QueryRow(ctx, `SELECT coalesce(carrier_override, '') FROM members WHERE phone = '13800000001'`).Scan(&c)
		return c
	}
	fail := func(n int, state string) {
		for range n {
			enqueue(t, st, 1)
			m := sendAll(t, st, "mobile", "u")
			receipt(t, st, fmt.Sprintf("u%d", m[0].ID), state)
		}
	}
	fail(store.LearnAfter-1, "undeliverable")
	fail(1, "delivered") // a delivery in between: the count starts again
	fail(store.LearnAfter-1, "undeliverable")
	if c := override(); c != "" {
		t.Fatalf("carrier learned as %q before %d failures in a row", c, store.LearnAfter)
	}
	fail(1, "undeliverable")
	if c := override(); c != "unicom" {
		t.Fatalf("after %d undeliverable on mobile the number routes to %q, want unicom", store.LearnAfter, c)
	}
	rows := outboxRows(t, st)
	if rows[0].LastError == "" {
		t.Fatal("the MT that taught the carrier does not tell the clerk")
	}
	// The next MT goes out with the learned carrier.
	enqueue(t, st, 1)
	next := sendAll(t, st, "unicom", "n")
	if len(next) != 1 || next[0].CarrierOverride != "unicom" {
		t.Fatalf("next MT carries override %q, want unicom", next[0].CarrierOverride)
	}
}

func TestReceipt_LearnsTheThirdCarrierWhenTheSecondFailsToo(t *testing.T) {
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	for _, carrier := range []string{"mobile", "unicom"} {
		for range store.LearnAfter {
			enqueue(t, st, 1)
			m := sendAll(t, st, carrier, carrier)
			receipt(t, st, fmt.Sprintf("%s%d", carrier, m[0].ID), "undeliverable")
		}
	}
	var c string
	if err := st.Pool().QueryRow(ctx, `SELECT carrier_override FROM members WHERE phone = '13800000001'`).Scan(&c); err != nil || c != "telecom" {
		t.Fatalf("override %q (%v), want telecom after mobile and unicom both failed", c, err)
	}
}

// A receipt can come while the MT's sender still holds its row (a long text
// whose first part is delivered before the last is sent). Recording it must
// not wait for that sender: it runs on the bind's read loop, which the
// sender is waiting on. The MT is settled when the sender commits.
func TestReceipt_DoesNotWaitForTheSenderHoldingTheMT(t *testing.T) {
	st := pgtest.Store(t, nil)
	enqueue(t, st, 1)
	ctx := context.Background()
	_, err := st.SendDue(ctx, func(_ context.Context, m store.MT) (store.SendResult, error) {
		if err := st.PartSubmitting(ctx, m.ID, 1); err != nil {
			return store.SendResult{}, err
		}
		if err := st.PartAccepted(ctx, m.ID, 1, "r1"); err != nil {
			return store.SendResult{}, err
		}
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		r, err := st.RecordReceipt(rctx, []string{"r1"}, "delivered", "")
		if err != nil || !r.Matched || r.Settled {
			t.Errorf("receipt while the sender holds the MT: %+v %v; want matched, not settled, no wait", r, err)
		}
		return store.SendResult{Bind: "mobile-1", Carrier: "mobile", Parts: []store.SentPart{{Seq: 1, MessageID: "r1"}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows := outboxRows(t, st); rows[0].State != "delivered" {
		t.Fatalf("state %s, want delivered: the receipt that came mid-send was lost", rows[0].State)
	}
}

// A process killed after the SMSC accepted part 1 and while part 2 was out:
// part 1 is never sent again; part 2 is resent and counted as ambiguous.
func TestSendDue_PartsOfAKilledAttemptAreSkippedOrResentAsAmbiguous(t *testing.T) {
	st := pgtest.Store(t, nil)
	enqueue(t, st, 1)
	ctx := context.Background()
	killed, kill := context.WithCancel(ctx)
	_, err := st.SendDue(killed, func(_ context.Context, m store.MT) (store.SendResult, error) {
		_ = st.PartSubmitting(ctx, m.ID, 1)
		_ = st.PartAccepted(ctx, m.ID, 1, "k1")
		_ = st.PartSubmitting(ctx, m.ID, 2)
		kill() // the transaction that holds the claim dies with the process
		return store.SendResult{Bind: "mobile-1", Parts: []store.SentPart{{Seq: 1, MessageID: "k1"}}}, nil
	})
	if err == nil {
		t.Fatal("the killed attempt committed")
	}
	// The dead attempt's lock goes when PostgreSQL sees its connection
	// close, a moment later: take the row over as soon as it is free.
	var m store.MT
	for deadline := time.Now().Add(10 * time.Second); m.ID == 0; {
		_, err = st.SendDue(ctx, func(_ context.Context, got store.MT) (store.SendResult, error) {
			m = got
			return store.SendResult{Bind: "mobile-1", Carrier: "mobile", Parts: []store.SentPart{{Seq: 2, MessageID: "k2"}}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if m.ID == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the killed attempt's row was never free to take over")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if fmt.Sprint(m.SentSeqs) != "[1]" || fmt.Sprint(m.Ambiguous) != "[2]" {
		t.Fatalf("takeover saw sent %v, unknown %v; want [1] and [2]", m.SentSeqs, m.Ambiguous)
	}
	var state string
	var parts, ambiguous int
	err = st.Pool().QueryRow(ctx, `SELECT state, parts, ambiguous_parts FROM outbox WHERE id = $1`, m.ID).Scan(&state, &parts, &ambiguous)
	if err != nil || state != "submitted" || parts != 2 || ambiguous != 1 {
		t.Fatalf("state %s parts %d ambiguous %d (%v), want submitted, 2, 1", state, parts, ambiguous, err)
	}
}

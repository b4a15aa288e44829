package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/smsgw"
)

// sendAll sends every due MT, each part accepted with the id prefix+seq, on
// carrier, and returns the MTs it saw.
func sendAll(t *testing.T, st *store.Store, carrier string, prefix string) []store.MT {
	t.Helper()
	return sendDue(t, st, func(m store.MT) store.SendOutcome {
		return store.SendOutcome{Bind: carrier + "-1", Carrier: carrier, Total: 1,
			Parts: []store.SentPart{{Seq: 1, MessageID: fmt.Sprintf("%s%d", prefix, m.ID)}}}
	})
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
	t.Parallel()
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
	t.Parallel()
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
	fail(smsgw.LearnAfter-1, "undeliverable")
	fail(1, "delivered") // a delivery in between: the count starts again
	fail(smsgw.LearnAfter-1, "undeliverable")
	if c := override(); c != "" {
		t.Fatalf("carrier learned as %q before %d failures in a row", c, smsgw.LearnAfter)
	}
	fail(1, "undeliverable")
	if c := override(); c != "unicom" {
		t.Fatalf("after %d undeliverable on mobile the number routes to %q, want unicom", smsgw.LearnAfter, c)
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
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	for _, carrier := range []string{"mobile", "unicom"} {
		for range smsgw.LearnAfter {
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

// A receipt can overtake the record of its part (the SMSC answers the
// submit and reports the delivery before the sender's batch commits): it
// waits, and the part gets it when it is recorded.
func TestReceipt_BeforeItsPartIsRecordedIsKeptAndApplied(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	enqueue(t, st, 1)
	ctx := context.Background()
	r, err := st.RecordReceipt(ctx, []string{"r1"}, "delivered", "")
	if err != nil || r.Matched {
		t.Fatalf("receipt before its part: %+v %v, want kept unmatched", r, err)
	}
	sendDue(t, st, func(store.MT) store.SendOutcome {
		return store.SendOutcome{Bind: "mobile-1", Carrier: "mobile", Total: 1, Parts: []store.SentPart{{Seq: 1, MessageID: "r1"}}}
	})
	if rows := outboxRows(t, st); rows[0].State != "delivered" {
		t.Fatalf("state %s, want delivered: the receipt that came first was lost", rows[0].State)
	}
}

// The same, when the receipt and the part are recorded at the same moment
// by transactions that cannot see each other: the sweep applies it.
func TestApplyEarlyReceipts_MatchesAReceiptThatMissedItsPart(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	enqueue(t, st, 1)
	ctx := context.Background()
	sendAll(t, st, "mobile", "s")
	id := outboxRows(t, st)[0].ID
	// As if recorded while the part's transaction was still open.
	if _, err := st.Pool().Exec(ctx, `INSERT INTO early_receipts (candidates, state, received_at) VALUES ($1, 'delivered', now())`,
		[]string{fmt.Sprintf("s%d", id)}); err != nil {
		t.Fatal(err)
	}
	if n, err := st.ApplyEarlyReceipts(ctx); err != nil || n != 1 {
		t.Fatalf("applied %d (%v), want 1", n, err)
	}
	if rows := outboxRows(t, st); rows[0].State != "delivered" {
		t.Fatalf("state %s, want delivered", rows[0].State)
	}
}

// A sender killed mid-attempt records nothing; once its lease runs out the
// next sender takes the MT over: the part the SMSC had accepted and that was
// recorded (an earlier attempt's) is never sent again; the others are sent
// and counted as ambiguous, since the dead sender may have sent them.
func TestLeaseDue_PartsOfAKilledAttemptAreSkippedOrResentAsAmbiguous(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	st := pgtest.Store(t, func() time.Time { return now })
	enqueue(t, st, 1)
	ctx := context.Background()
	// A first attempt: part 1 accepted, part 2 unanswered when the link dropped.
	sendDue(t, st, func(store.MT) store.SendOutcome {
		return store.SendOutcome{Bind: "mobile-1", Total: 3, Parts: []store.SentPart{{Seq: 1, MessageID: "k1"}},
			Unknown: true, Err: errors.New("link dropped")}
	})
	// A second attempt is killed: it leased the MT and never recorded.
	now = now.Add(time.Hour)
	if dead, err := st.LeaseDue(ctx, "dead/1", 0, 10, time.Minute); err != nil || len(dead) != 1 {
		t.Fatal(dead, err)
	}
	if again, _ := st.LeaseDue(ctx, "early/1", 0, 10, time.Minute); len(again) != 0 {
		t.Fatal("an MT under a live lease was leased again")
	}
	now = now.Add(2 * time.Minute)
	var m store.MT
	sendDue(t, st, func(got store.MT) store.SendOutcome {
		m = got
		return store.SendOutcome{Bind: "mobile-1", Carrier: "mobile", Total: 3,
			Parts: []store.SentPart{{Seq: 2, MessageID: "k2"}, {Seq: 3, MessageID: "k3"}}}
	})
	if fmt.Sprint(m.SentSeqs) != "[1]" || !m.Retaken {
		t.Fatalf("takeover saw sent %v, retaken %v; want [1] and retaken", m.SentSeqs, m.Retaken)
	}
	var state string
	var parts, ambiguous int
	err := st.Pool().QueryRow(ctx, `SELECT state, parts, ambiguous_parts FROM outbox WHERE id = $1`, m.ID).Scan(&state, &parts, &ambiguous)
	if err != nil || state != "submitted" || parts != 3 || ambiguous != 2 {
		t.Fatalf("state %s parts %d ambiguous %d (%v), want submitted, 3, 2", state, parts, ambiguous, err)
	}
}

// Two SMSCs may hand out the same message id: a receipt settles only the
// part sent on a bind of the SMSC account it came from.
func TestReceipt_MatchesOnlyPartsSentOnItsAccountsBinds(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	enqueue(t, st, 2)
	ctx := context.Background()
	n := 0
	sendDue(t, st, func(m store.MT) store.SendOutcome {
		n++
		bind := []string{"mobile-1", "unicom-1"}[n-1]
		return store.SendOutcome{Bind: bind, Total: 1, Parts: []store.SentPart{{Seq: 1, MessageID: "100001"}}}
	})
	rs, err := st.RecordReceipts(ctx, []store.ReceiptIn{{IDs: []string{"100001"}, Binds: []string{"unicom-1"}, State: "undeliverable"}})
	if err != nil || !rs[0].Matched {
		t.Fatal(rs, err)
	}
	var mobile, unicom string
	if err := st.Pool().QueryRow(ctx, `SELECT
		(SELECT p.state FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id WHERE o.bind = 'mobile-1'),
		(SELECT p.state FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id WHERE o.bind = 'unicom-1')`).Scan(&mobile, &unicom); err != nil {
		t.Fatal(err)
	}
	if mobile != "submitted" || unicom != "undeliverable" {
		t.Fatalf("parts %s (mobile) and %s (unicom), want the unicom one's receipt to touch only it", mobile, unicom)
	}
}

// A receipt's id in the form its part was recorded under wins over a
// reading of it in another base: "a" is the part "a", not the part "10".
func TestReceipt_PrefersTheExactFormOfItsID(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	enqueue(t, st, 2)
	ctx := context.Background()
	ids := []string{"10", "a"}
	n := 0
	sendDue(t, st, func(m store.MT) store.SendOutcome {
		n++
		return store.SendOutcome{Bind: "mobile-1", Total: 1, Parts: []store.SentPart{{Seq: 1, MessageID: ids[n-1]}}}
	})
	rs, err := st.RecordReceipts(ctx, []store.ReceiptIn{{IDs: smsgw.ReceiptIDCandidates("a"), Binds: []string{"mobile-1"}, State: "delivered"}})
	if err != nil || !rs[0].Matched {
		t.Fatal(rs, err)
	}
	var ten, a string
	if err := st.Pool().QueryRow(ctx, `SELECT
		(SELECT state FROM outbox_parts WHERE smsc_message_id = '10'), (SELECT state FROM outbox_parts WHERE smsc_message_id = 'a')`).
		Scan(&ten, &a); err != nil {
		t.Fatal(err)
	}
	if a != "delivered" || ten != "submitted" {
		t.Fatalf("part a %s, part 10 %s; want the receipt for a to settle a only", a, ten)
	}
}

// Whether an expired text is resent to a number that opted out since is
// read from its row (written unsolicited or not), not from its kind.
func TestReceipt_AnExpiredUnsolicitedTextIsNotResentToANumberThatStoppedSince(t *testing.T) {
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, unsolicited := range []bool{true, false} {
			m := store.NewMT{Recipient: "13800000001", Body: fmt.Sprintf("通知 %v", unsolicited), Kind: "notice", Unsolicited: unsolicited, Parts: 1}
			if _, err := tx.Enqueue(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sent := sendAll(t, st, "mobile", "a")
	if _, err := st.Pool().Exec(ctx, `INSERT INTO members (phone, stopped_at, created_at) VALUES ('13800000001', now(), now())`); err != nil {
		t.Fatal(err)
	}
	for _, m := range sent {
		receipt(t, st, fmt.Sprintf("a%d", m.ID), "expired")
	}
	var queued []string
	for _, r := range outboxRows(t, st) {
		if r.State == "queued" {
			queued = append(queued, r.Body)
		}
	}
	if len(queued) != 1 || queued[0] != "通知 false" {
		t.Fatalf("resent %q; want only the text the number asked for", queued)
	}
}

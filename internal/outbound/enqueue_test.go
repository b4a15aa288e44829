package outbound_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"huamu/internal/outbound"
	"huamu/internal/pgtest"
	"huamu/internal/store"
)

func stop(t *testing.T, st *store.Store, phone string) {
	t.Helper()
	if _, err := st.Pool().Exec(context.Background(), `INSERT INTO members (phone, stopped_at, created_at) VALUES ($1, now(), now())`, phone); err != nil {
		t.Fatal(err)
	}
}

func TestEnqueue_AnUnsolicitedNoticeIsNotSentToAStoppedNumber(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	stop(t, st, "13800000009")
	o := &outbound.Outbox{}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, k := range outbound.Kinds() {
			queued, err := o.Enqueue(ctx, tx, outbound.Msg{To: "13800000009", Body: "文字", Kind: k})
			if err != nil {
				return err
			}
			if queued == k.Unsolicited() {
				t.Errorf("%s to a stopped number: queued %v", k, queued)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEnqueue_NothingIsWrittenForANumberThatIsNotAMobile(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	o := &outbound.Outbox{}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		queued, err := o.Enqueue(ctx, tx, outbound.Msg{To: "10086", Body: "回复", Kind: outbound.KindReply})
		if queued || err != nil {
			t.Errorf("a text to a service number: queued %v, %v", queued, err)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEnqueue_TheRowKeepsWhetherItWasUnsolicitedAndWhatItCosts(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	o := &outbound.Outbox{Budget: outbound.Budget{Signature: "【花木通】"}}
	long := strings.Repeat("桂", 66) // 71 units with the signature: two parts
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if _, err := o.Enqueue(ctx, tx, outbound.Msg{To: "13800000001", Body: long, Kind: outbound.KindMatch, InboundID: 0}); err != nil {
			return err
		}
		_, err := o.Enqueue(ctx, tx, outbound.Msg{To: "13800000001", Body: "好", Kind: outbound.KindReply})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.Pool().Query(ctx, `SELECT kind, unsolicited, planned_parts FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var kind string
		var unsolicited bool
		var parts int
		if err := rows.Scan(&kind, &unsolicited, &parts); err != nil {
			t.Fatal(err)
		}
		got = append(got, kind+map[bool]string{true: " unsolicited", false: ""}[unsolicited]+" "+string(rune('0'+parts)))
	}
	if want := []string{"match unsolicited 2", "reply 1"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("rows %q, want %q", got, want)
	}
}

func TestEnqueue_WakesTheSendersOnceAfterTheCommit(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	wakes := 0
	o := &outbound.Outbox{Wake: func(context.Context) { wakes++ }}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		for _, to := range []string{"13800000001", "13800000002"} {
			if _, err := o.Enqueue(ctx, tx, outbound.Msg{To: to, Body: "回复", Kind: outbound.KindReply}); err != nil {
				return err
			}
		}
		if wakes != 0 {
			t.Error("the senders were woken before the commit")
		}
		return nil
	})
	if err != nil || wakes != 1 {
		t.Fatalf("two texts in one transaction: %d wake-ups (%v), want 1", wakes, err)
	}
	boom := errors.New("rolled back")
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if _, err := o.Enqueue(ctx, tx, outbound.Msg{To: "13800000003", Body: "回复", Kind: outbound.KindReply}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || wakes != 1 {
		t.Fatalf("a rolled-back transaction woke the senders: %d wake-ups (%v)", wakes, err)
	}
}

// SMS parts are counted in UTF-16 units: 𠮷 (outside the BMP) is one
// character but two units, so 33 of them with the 5-unit signature are 71
// units, two parts, where counting characters would say 38 and one.
func TestParts_CountsUTF16UnitsNotCharacters(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	since := st.Now().Add(-time.Minute)
	o := &outbound.Outbox{Budget: outbound.Budget{Signature: "【花木通】"}}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := o.Enqueue(ctx, tx, outbound.Msg{To: "13800000001", Body: strings.Repeat("𠮷", 33), Kind: outbound.KindReply})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	costs, err := st.SMSPartsSince(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(costs) != 1 || costs[0].Texts != 1 || costs[0].Parts != 2 {
		t.Fatalf("costs %+v, want one reply of two parts", costs)
	}
}

// A clerk's bulletin goes to every member but the stopped ones, each row
// unsolicited with its cost, and wakes the senders once after the commit.
func TestSendBulletin_EveryRowIsUnsolicitedAndTheSendersWakeOnce(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	stop(t, st, "13800000009")
	if _, err := st.Pool().Exec(ctx, `INSERT INTO members (phone, created_at) VALUES ('13800000001', now()), ('13800000002', now())`); err != nil {
		t.Fatal(err)
	}
	clerk, err := st.UpsertUser(ctx, "li", "李", store.RoleClerk, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	wakes := 0
	o := &outbound.Outbox{Budget: outbound.Budget{Signature: "【花木通】"}, Wake: func(context.Context) { wakes++ }}
	var n int64
	err = st.InTx(ctx, func(tx *store.Tx) (err error) {
		_, n, err = o.SendBulletin(ctx, tx, clerk.ID, store.Audience{Kind: store.AudienceAll}, strings.Repeat("通", 66))
		return err
	})
	if err != nil || n != 2 || wakes != 1 {
		t.Fatalf("bulletin to %d members, %d wake-ups (%v); want 2 and 1", n, wakes, err)
	}
	var rows, unsolicited, parts int
	err = st.Pool().QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE unsolicited), min(planned_parts) FROM outbox WHERE kind = 'bulletin'`).
		Scan(&rows, &unsolicited, &parts)
	if err != nil || rows != 2 || unsolicited != 2 || parts != 2 {
		t.Fatalf("%d rows, %d unsolicited, %d parts each (%v); want 2, 2, 2", rows, unsolicited, parts, err)
	}
}

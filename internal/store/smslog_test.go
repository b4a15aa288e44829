package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"huamu/internal/pgtest"
	"huamu/internal/store"
)

// The SMS log's list, search and count read texts through one filter: the
// same filter finds the same texts whichever of them asks.
func TestSMSLog_ListSearchAndCountFilterTheSameTexts(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	st := pgtest.Store(t, func() time.Time { return t0 })
	ctx := context.Background()
	var ids []int64
	for i, mo := range []store.MO{
		{DedupKey: "a", Carrier: "mobile", Sender: "13800000001", Body: "供 桂花", ReceivedAt: t0},
		{DedupKey: "b", Carrier: "unicom", Sender: "13800000002", Body: "求购 紫薇", ReceivedAt: t0.Add(time.Hour),
			Hold: "flood", HoldNote: "发得太多"},
		{DedupKey: "c", Carrier: "mobile", Sender: "13800000001", Body: "我的", ReceivedAt: t0.Add(2 * time.Hour)},
	} {
		mo.Bind = "b"
		id, _, err := st.InsertInbound(ctx, mo)
		if err != nil {
			t.Fatalf("text %d: %v", i, err)
		}
		ids = append(ids, id)
	}
	idsOf := func(ins []store.Inbound, err error) []int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, in := range ins {
			out = append(out, in.ID)
		}
		return out
	}
	a, b, c := ids[0], ids[1], ids[2]
	tests := []struct {
		name string
		got  []int64
		want []int64
	}{
		{"ListBySender", idsOf(st.ListInbound(ctx, store.InboundFilter{Sender: "13800000001"})), []int64{c, a}},
		{"SearchByPhone", idsOf(st.SearchInbound(ctx, store.SMSFilter{Phone: "13800000001"})), []int64{c, a}},
		{"ListByState", idsOf(st.ListInbound(ctx, store.InboundFilter{State: "needs_clerk"})), []int64{b}},
		{"SearchByState", idsOf(st.SearchInbound(ctx, store.SMSFilter{State: "needs_clerk"})), []int64{b}},
		{"SearchByCarrier", idsOf(st.SearchInbound(ctx, store.SMSFilter{Carrier: "mobile"})), []int64{c, a}},
		{"SearchFromIsInclusiveToExclusive", idsOf(st.SearchInbound(ctx,
			store.SMSFilter{From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)})), []int64{b}},
		{"SearchEverything", idsOf(st.SearchInbound(ctx, store.SMSFilter{})), []int64{c, b, a}},
		{"ListLimit", idsOf(st.ListInbound(ctx, store.InboundFilter{Limit: 2})), []int64{c, b}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Equal(tt.got, tt.want) {
				t.Errorf("ids %v; want %v", tt.got, tt.want)
			}
		})
	}
	for state, want := range map[string]int64{"": 3, "new": 2, "needs_clerk": 1, "done": 0} {
		if n, err := st.CountInbound(ctx, state); err != nil || n != want {
			t.Errorf("CountInbound(%q) = %d, %v; want %d", state, n, err, want)
		}
	}
}

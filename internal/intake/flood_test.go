package intake_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"huamu/internal/intake"
	"huamu/internal/pgtest"
	"huamu/internal/redistest"
	"huamu/internal/redisx"
	"huamu/internal/store"
)

// A number that floods keeps every text stored, but the ones past the limit
// are held for a clerk (no worker answers them); other numbers go on as usual.
func TestDeliver_FloodingSenderIsHeldForAClerkOthersAreNot(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	rc, err := redisx.Open(context.Background(), redistest.URL(), redistest.Prefix(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rc.Close() })
	flood := rc.Flood()
	flood.Limit = 3
	sim, _ := startGateway(t, &intake.Inbox{Store: st, Flood: flood})
	var ids []int64
	for i := range 6 {
		ids = append(ids, sim.Inject("13800000001", "10690000", fmt.Sprintf("求购 桂花 %d公分", i+1)).ID)
	}
	quiet := sim.Inject("13900000002", "10690000", "求购 红叶石楠 100棵")
	long := sim.Inject("13800000001", "10690000", strings.Repeat("出售紫薇 地径5公分 高杆 300株 ", 6))
	waitFor(t, "every text acked", func() bool {
		for _, id := range append(ids, quiet.ID) {
			if acked(sim, id) != 1 {
				return false
			}
		}
		return acked(sim, long.ID) == long.Parts
	})
	ctx := context.Background()
	rows, err := st.ListInbound(ctx, store.InboundFilter{Sender: "13800000001"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 {
		t.Fatalf("%d texts stored for the flooding number, want all 7", len(rows))
	}
	held := 0
	for _, r := range rows {
		if r.State == "needs_clerk" && r.Reason == intake.ReasonFlood && r.Outcome != "" {
			held++
		} else if r.State != "new" {
			t.Errorf("text %q in state %s/%s", r.Body, r.State, r.Reason)
		}
	}
	if held != 4 { // texts 4, 5, 6 and the long one
		t.Fatalf("%d texts held as a flood, want 4 (everything past the limit of 3)", held)
	}
	other, err := st.ListInbound(ctx, store.InboundFilter{Sender: "13900000002"})
	if err != nil || len(other) != 1 || other[0].State != "new" {
		t.Fatalf("the quiet number's text: %+v (%v), want one new text", other, err)
	}
}

// Every part counts against the flood limit, not only a long text's first:
// part 2 of 2 sent with a fresh reference each time, which never makes a
// whole text, is limited like any other text.
func TestDeliver_PartsThatNeverCompleteCountAgainstTheFloodLimit(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	rc, err := redisx.Open(context.Background(), redistest.URL(), redistest.Prefix(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rc.Close() })
	flood := rc.Flood()
	flood.Limit = 3
	in := &intake.Inbox{Store: st, Flood: flood}
	sim, _ := startGateway(t, in)
	var ids []int64
	for ref := range 5 {
		sm := []byte{0x05, 0x00, 0x03, byte(0x30 + ref), 0x02, 0x02, 0x4e, 0x0a}
		ids = append(ids, sim.InjectRaw("13800000031", deliverBody(0x40, 0x08, sm, len(sm))).ID)
	}
	waitFor(t, "every part acked", func() bool {
		for _, id := range ids {
			if acked(sim, id) != 1 {
				return false
			}
		}
		return true
	})
	flagged, err := flood.Hit(context.Background(), "13800000021", 0) // deliverBody's sender
	if err != nil || !flagged {
		t.Fatalf("after 5 parts with a limit of 3 the number is flagged %v (%v), want flagged", flagged, err)
	}
}

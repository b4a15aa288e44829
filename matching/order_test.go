package matching

import (
	"errors"
	"testing"
	"time"
)

func TestReserve_AllOrNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		remaining, want int64
		granted         int64
		code            ErrorCode
		left            int64
		msg             string
	}{
		{"GrantsLess", 100, 40, 40, "", 0, ""},
		{"GrantsAll", 100, 100, 100, "", 0, ""},
		{"RefusesMoreWithWhatRemains", 50, 100, 0, CodeInsufficientStock, 50, "仅剩50"},
		{"SoldOut", 0, 1, 0, CodeInsufficientStock, 0, "已售完"},
		{"NegativeRemainingIsZero", -3, 1, 0, CodeInsufficientStock, 0, "已售完"},
		{"RejectsZero", 100, 0, 0, CodeInvalid, 0, "数量须大于0"},
		{"RejectsNegative", 100, -5, 0, CodeInvalid, 0, "数量须大于0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Reserve(tc.remaining, tc.want)
			if got != tc.granted || ErrorCodeOf(err) != tc.code || ChineseMessage(err) != tc.msg {
				t.Fatalf("Reserve = %d, %v; want %d, %s %q", got, err, tc.granted, tc.code, tc.msg)
			}
			if tc.code == CodeInsufficientStock {
				if left, ok := RemainingOf(err); !ok || left != tc.left || !errors.Is(err, ErrInsufficientStock) {
					t.Fatalf("RemainingOf = %d, %v", left, ok)
				}
			}
		})
	}
}

func TestReserveListing_RepliesNameTheListing(t *testing.T) {
	t.Parallel()
	l := supply(withID(1024), withQty(200), func(l *Listing) { l.Remaining = 50 })
	tests := []struct {
		name string
		l    Listing
		want int64
		code ErrorCode
		msg  string
	}{
		{"Grants", l, 50, "", ""},
		{"OffersWhatRemains", l, 100, CodeInsufficientStock, `仅剩50株，回"订 1024 50"`},
		{"SoldOut", supply(withID(1024), func(l *Listing) { l.Remaining = 0 }), 1, CodeInsufficientStock, "1024号已售完"},
		{"UnitFromListing", supply(withID(5), func(l *Listing) { l.Remaining = 3; l.Qty.Unit = "盆" }), 4, CodeInsufficientStock, `仅剩3盆，回"订 5 3"`},
		{"Demand", demand(withID(9)), 1, CodeInvalid, "9号是求购信息，不能订"},
		{"Expired", supply(withID(1024), func(l *Listing) { l.ExpiresAt = t0 }), 1, CodeExpired, "1024号货源已下架或过期"},
		{"Cancelled", supply(withID(1024), func(l *Listing) { l.State = ListingCancelled }), 1, CodeExpired, "1024号货源已下架或过期"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReserveListing(tc.l, tc.want, t0)
			if ErrorCodeOf(err) != tc.code || ChineseMessage(err) != tc.msg || (err == nil && got != tc.want) {
				t.Fatalf("ReserveListing = %d, %v; want %s %q", got, err, tc.code, tc.msg)
			}
		})
	}
}

func TestNewOrder_ProposesAtTheAsk(t *testing.T) {
	t.Parallel()
	l := supply(withID(1024), func(l *Listing) { l.Variety = "金桂" })
	o, err := NewOrder(l, 20, 100, t0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := Order{ListingID: 1024, BuyerID: 20, SellerID: 10, Species: "桂花", Variety: "金桂", Qty: 100, Unit: "株",
		UnitPrice: dec("600"), State: OrderProposed, CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour), UpdatedAt: t0}
	if !o.UnitPrice.Equal(want.UnitPrice) {
		t.Fatalf("UnitPrice = %s", o.UnitPrice)
	}
	o.UnitPrice = want.UnitPrice
	if o != want {
		t.Fatalf("NewOrder = %+v\nwant %+v", o, want)
	}
	if got := Yuan(o.Total()); got != "60000.00" {
		t.Fatalf("Total = %s", got)
	}
	if o, _ := NewOrder(l, 20, 1, t0, 2*time.Hour); !o.ExpiresAt.Equal(t0.Add(2 * time.Hour)) {
		t.Fatalf("ttl ignored: %v", o.ExpiresAt)
	}
}

func TestNewOrder_Refusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		l     Listing
		buyer int64
		qty   int64
		code  ErrorCode
		msg   string
	}{
		{"OwnListing", supply(), 10, 1, CodeForbidden, "不能订自己的货源"},
		{"Negotiable", supply(withID(3), withPrice(nil), func(l *Listing) { l.Negotiable = true }), 20, 1, CodeInvalid, "3号价格面议，请电话联系13800000010"},
		{"LumpSum", supply(withID(3), withPrice(lump("9000"))), 20, 1, CodeInvalid, "3号价格面议，请电话联系13800000010"},
		{"TooMany", supply(withID(3)), 20, 201, CodeInsufficientStock, `仅剩200株，回"订 3 200"`},
		{"Expired", supply(withID(3), func(l *Listing) { l.ExpiresAt = t0 }), 20, 1, CodeExpired, "3号货源已下架或过期"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewOrder(tc.l, tc.buyer, tc.qty, t0, 0)
			if ErrorCodeOf(err) != tc.code || ChineseMessage(err) != tc.msg {
				t.Fatalf("NewOrder error = %v; want %s %q", err, tc.code, tc.msg)
			}
		})
	}
}

func proposed() Order {
	return Order{ID: 77, ListingID: 1024, BuyerID: 20, SellerID: 10, Species: "桂花", Qty: 100, Unit: "株",
		UnitPrice: dec("600"), State: OrderProposed, CreatedAt: t0, ExpiresAt: t0.Add(DefaultOrderTTL), UpdatedAt: t0}
}

var (
	seller   = Actor{MemberID: 10}
	buyer    = Actor{MemberID: 20}
	stranger = Actor{MemberID: 99}
	clerk    = Actor{Clerk: true}
	system   = Actor{}
)

func TestOrderApply_LegalTransitions(t *testing.T) {
	t.Parallel()
	later := t0.Add(DefaultOrderTTL)
	tests := []struct {
		name string
		from OrderState
		ev   OrderEvent
		now  time.Time
		to   OrderState
	}{
		{"SellerConfirms", OrderProposed, OrderEvent{EventConfirm, seller}, t0, OrderConfirmed},
		{"ClerkConfirms", OrderProposed, OrderEvent{EventConfirm, clerk}, t0, OrderConfirmed},
		{"ConfirmJustBeforeExpiry", OrderProposed, OrderEvent{EventConfirm, seller}, later.Add(-time.Nanosecond), OrderConfirmed},
		{"SellerDeclines", OrderProposed, OrderEvent{EventDecline, seller}, t0, OrderDeclined},
		{"SellerDeclinesLate", OrderProposed, OrderEvent{EventDecline, seller}, later.Add(time.Hour), OrderDeclined},
		{"ClerkDeclines", OrderProposed, OrderEvent{EventDecline, clerk}, t0, OrderDeclined},
		{"BuyerCancels", OrderProposed, OrderEvent{EventCancel, buyer}, t0, OrderCancelled},
		{"ClerkCancels", OrderProposed, OrderEvent{EventCancel, clerk}, t0, OrderCancelled},
		{"SystemExpiresAtDeadline", OrderProposed, OrderEvent{EventExpire, system}, later, OrderExpired},
		{"ClerkDelivers", OrderConfirmed, OrderEvent{EventDeliver, clerk}, t0, OrderDelivered},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := proposed()
			o.State = tc.from
			got, err := o.Apply(tc.ev, tc.now)
			if err != nil || got.State != tc.to || !got.UpdatedAt.Equal(tc.now) {
				t.Fatalf("Apply = %s at %v, %v; want %s", got.State, got.UpdatedAt, err, tc.to)
			}
		})
	}
}

// TestOrderApply_EveryIllegalTransitionRefused tries every event in every
// state with an actor allowed to cause it, and expects a conflict wherever
// the lifecycle has no arrow.
func TestOrderApply_EveryIllegalTransitionRefused(t *testing.T) {
	t.Parallel()
	legal := map[OrderState][]OrderEventKind{
		OrderProposed:  {EventConfirm, EventDecline, EventCancel, EventExpire},
		OrderConfirmed: {EventDeliver},
	}
	states := []OrderState{OrderProposed, OrderConfirmed, OrderDeclined, OrderExpired, OrderCancelled, OrderDelivered}
	events := []OrderEventKind{EventConfirm, EventDecline, EventCancel, EventExpire, EventDeliver}
	for _, st := range states {
		for _, ev := range events {
			isLegal := false
			for _, k := range legal[st] {
				isLegal = isLegal || k == ev
			}
			if isLegal {
				continue
			}
			t.Run(string(st)+"/"+string(ev), func(t *testing.T) {
				o := proposed()
				o.State = st
				got, err := o.Apply(OrderEvent{Kind: ev, By: clerk}, t0.Add(time.Hour))
				var te *TransitionError
				if ErrorCodeOf(err) != CodeConflict || !errors.Is(err, ErrIllegalTransition) || !errors.As(err, &te) || got != o {
					t.Fatalf("Apply = %+v, %v; want an unchanged order and a conflict", got.State, err)
				}
				if te.From != st || te.Event != ev || te.OrderID != 77 {
					t.Fatalf("TransitionError = %+v", te)
				}
			})
		}
	}
}

func TestOrderApply_RefusalsByActorAndTime(t *testing.T) {
	t.Parallel()
	later := t0.Add(DefaultOrderTTL)
	tests := []struct {
		name string
		from OrderState
		ev   OrderEvent
		now  time.Time
		code ErrorCode
		msg  string
	}{
		{"BuyerCannotConfirm", OrderProposed, OrderEvent{EventConfirm, buyer}, t0, CodeForbidden, "只有卖家可以确认订单77"},
		{"StrangerCannotDecline", OrderProposed, OrderEvent{EventDecline, stranger}, t0, CodeForbidden, "只有卖家可以拒绝订单77"},
		{"SystemCannotConfirm", OrderProposed, OrderEvent{EventConfirm, system}, t0, CodeForbidden, "只有卖家可以确认订单77"},
		{"SellerCannotCancel", OrderProposed, OrderEvent{EventCancel, seller}, t0, CodeForbidden, "只有买家可以取消订单77"},
		{"MemberCannotDeliver", OrderConfirmed, OrderEvent{EventDeliver, seller}, t0, CodeForbidden, "只有管理员可以交货订单77"},
		{"ConfirmAtDeadlineExpired", OrderProposed, OrderEvent{EventConfirm, seller}, later, CodeExpired, "订单77已超时未确认，已失效"},
		{"ExpireBeforeDeadline", OrderProposed, OrderEvent{EventExpire, system}, later.Add(-time.Second), CodeConflict, "订单77待确认，不能过期"},
		{"DeclineConfirmed", OrderConfirmed, OrderEvent{EventDecline, seller}, t0, CodeConflict, "订单77已确认，不能拒绝"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := proposed()
			o.State = tc.from
			got, err := o.Apply(tc.ev, tc.now)
			if ErrorCodeOf(err) != tc.code || ChineseMessage(err) != tc.msg || got != o {
				t.Fatalf("Apply = %s, %v; want %s %q", got.State, err, tc.code, tc.msg)
			}
		})
	}
}

func TestOrder_HoldsAndDue(t *testing.T) {
	t.Parallel()
	for st, want := range map[OrderState]int64{
		OrderProposed: 100, OrderConfirmed: 100, OrderDelivered: 100,
		OrderDeclined: 0, OrderExpired: 0, OrderCancelled: 0,
	} {
		o := proposed()
		o.State = st
		if o.Holds() != want {
			t.Errorf("%s holds %d; want %d", st, o.Holds(), want)
		}
	}
	o := proposed()
	if o.Due(o.ExpiresAt.Add(-time.Nanosecond)) || !o.Due(o.ExpiresAt) {
		t.Error("a proposal is due exactly at ExpiresAt")
	}
	o.State = OrderConfirmed
	if o.Due(o.ExpiresAt.Add(time.Hour)) {
		t.Error("a confirmed order is never due")
	}
}

func TestResolvePending(t *testing.T) {
	t.Parallel()
	mk := func(id int64, st OrderState) Order { o := proposed(); o.ID, o.State = id, st; return o }
	t.Run("NothingPending", func(t *testing.T) {
		_, err := ResolvePending([]Order{mk(1, OrderConfirmed)})
		if ErrorCodeOf(err) != CodeNotFound || !errors.Is(err, ErrNothingPending) || ChineseMessage(err) != "您没有待确认的订单" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ExactlyOne", func(t *testing.T) {
		o, err := ResolvePending([]Order{mk(1, OrderDeclined), mk(77, OrderProposed)})
		if err != nil || o.ID != 77 {
			t.Fatalf("ResolvePending = %d, %v", o.ID, err)
		}
	})
	t.Run("SeveralAsksBack", func(t *testing.T) {
		_, err := ResolvePending([]Order{mk(77, OrderProposed), mk(5, OrderExpired), mk(78, OrderProposed), mk(79, OrderProposed)})
		ids, ok := CandidatesOf(err)
		if ErrorCodeOf(err) != CodeAmbiguous || !errors.Is(err, ErrAmbiguous) || !ok || len(ids) != 3 || ids[0] != 77 || ids[2] != 79 {
			t.Fatalf("err = %v, ids %v", err, ids)
		}
		if want := `您有3笔待确认订单(77、78、79)，请回"确认 77"或"拒绝 77"`; ChineseMessage(err) != want {
			t.Fatalf("message = %q; want %q", ChineseMessage(err), want)
		}
	})
}

package matching

import (
	"errors"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Order lifecycle, in one place:
//
//	proposed ─confirm (seller or clerk, before ExpiresAt)─▶ confirmed ─deliver (clerk)─▶ delivered
//	proposed ─decline (seller or clerk)─▶ declined
//	proposed ─cancel (buyer or clerk)──▶ cancelled
//	proposed ─expire (anyone, at or after ExpiresAt)─▶ expired
//
// Every other event is an illegal transition. A proposal reserves its
// quantity of the listing (Reserve); declined, cancelled and expired orders
// release it, confirmed and delivered ones keep it (Holds). Payment is not a
// state: it is tracked in the ledger.

// DefaultOrderTTL is how long a proposal waits for the grower's answer.
const DefaultOrderTTL = 24 * time.Hour

// OrderState is where an order is in its life.
type OrderState string

// Order states.
const (
	OrderProposed  OrderState = "proposed"
	OrderConfirmed OrderState = "confirmed"
	OrderDeclined  OrderState = "declined"
	OrderExpired   OrderState = "expired"
	OrderCancelled OrderState = "cancelled"
	OrderDelivered OrderState = "delivered"
)

// Chinese is the state as users read it.
func (s OrderState) Chinese() string {
	switch s {
	case OrderProposed:
		return "待确认"
	case OrderConfirmed:
		return "已确认"
	case OrderDeclined:
		return "已拒绝"
	case OrderExpired:
		return "已过期"
	case OrderCancelled:
		return "已取消"
	case OrderDelivered:
		return "已交货"
	}
	return string(s)
}

// OrderEventKind is something that happens to an order.
type OrderEventKind string

// Order events.
const (
	EventConfirm OrderEventKind = "confirm" // 确认, by the grower
	EventDecline OrderEventKind = "decline" // 拒绝, by the grower
	EventCancel  OrderEventKind = "cancel"  // 取消, by the buyer
	EventExpire  OrderEventKind = "expire"  // nobody answered in time
	EventDeliver OrderEventKind = "deliver" // a clerk records the delivery
)

// Chinese is the event as a command word.
func (k OrderEventKind) Chinese() string {
	switch k {
	case EventConfirm:
		return "确认"
	case EventDecline:
		return "拒绝"
	case EventCancel:
		return "取消"
	case EventExpire:
		return "过期"
	case EventDeliver:
		return "交货"
	}
	return string(k)
}

// Actor is who causes an event: a member, a clerk of the association, or,
// as the zero Actor, the system itself (expiry).
type Actor struct {
	MemberID int64
	Clerk    bool
}

// OrderEvent is an event and who causes it.
type OrderEvent struct {
	Kind OrderEventKind
	By   Actor
}

// Order is a buyer's order for part of one supply listing, at the listing's
// unit price. Amounts follow money.go.
type Order struct {
	ID        int64
	ListingID int64
	BuyerID   int64
	SellerID  int64
	Species   string
	Variety   string
	Qty       int64
	Unit      string
	UnitPrice decimal.Decimal
	State     OrderState
	CreatedAt time.Time
	ExpiresAt time.Time // CreatedAt + ttl; a proposal not answered by then expires
	UpdatedAt time.Time // when State last changed
}

// Total is the order's amount: LineTotal(UnitPrice, Qty).
func (o Order) Total() decimal.Decimal { return LineTotal(o.UnitPrice, o.Qty) }

// Holds is how much of the listing the order keeps from others: its
// quantity while proposed, confirmed or delivered, else 0. A listing's
// remaining plus what its orders hold is what it offered.
func (o Order) Holds() int64 {
	switch o.State {
	case OrderProposed, OrderConfirmed, OrderDelivered:
		return o.Qty
	}
	return 0
}

// Due reports whether a proposal has run out of time at now and should be expired.
func (o Order) Due(now time.Time) bool {
	return o.State == OrderProposed && !now.Before(o.ExpiresAt)
}

// TransitionError is the cause of a refused order event.
type TransitionError struct {
	OrderID int64
	From    OrderState
	Event   OrderEventKind
}

// Error implements error.
func (e *TransitionError) Error() string {
	return "order " + strconv.FormatInt(e.OrderID, 10) + ": cannot " + string(e.Event) + " when " + string(e.From)
}

// Unwrap makes errors.Is(err, ErrIllegalTransition) true.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// Apply returns the order after ev at now, or an *Error: CodeConflict for an
// event the state does not allow (cause *TransitionError), CodeForbidden
// for an actor who may not cause it (ErrNotParty), CodeExpired for a
// confirmation after ExpiresAt (ErrExpired; expire the order instead).
func (o Order) Apply(ev OrderEvent, now time.Time) (Order, error) {
	id := strconv.FormatInt(o.ID, 10)
	illegal := func() (Order, error) {
		return o, Wrapf(&TransitionError{OrderID: o.ID, From: o.State, Event: ev.Kind}, CodeConflict,
			"订单%s%s，不能%s", id, o.State.Chinese(), ev.Kind.Chinese())
	}
	seller := ev.By.Clerk || (ev.By.MemberID != 0 && ev.By.MemberID == o.SellerID)
	buyer := ev.By.Clerk || (ev.By.MemberID != 0 && ev.By.MemberID == o.BuyerID)
	forbidden := func(who string) (Order, error) {
		return o, Wrapf(ErrNotParty, CodeForbidden, "只有%s可以%s订单%s", who, ev.Kind.Chinese(), id)
	}
	var next OrderState
	switch o.State {
	case OrderProposed:
		switch ev.Kind {
		case EventConfirm:
			if !seller {
				return forbidden("卖家")
			}
			if o.Due(now) {
				return o, Wrapf(ErrExpired, CodeExpired, "订单%s已超时未确认，已失效", id)
			}
			next = OrderConfirmed
		case EventDecline:
			if !seller {
				return forbidden("卖家")
			}
			next = OrderDeclined
		case EventCancel:
			if !buyer {
				return forbidden("买家")
			}
			next = OrderCancelled
		case EventExpire:
			if !o.Due(now) {
				return illegal()
			}
			next = OrderExpired
		default:
			return illegal()
		}
	case OrderConfirmed:
		if ev.Kind != EventDeliver {
			return illegal()
		}
		if !ev.By.Clerk {
			return forbidden("管理员")
		}
		next = OrderDelivered
	default:
		return illegal()
	}
	o.State, o.UpdatedAt = next, now
	return o, nil
}

// Reserve grants want units out of remaining, all or nothing: want ≤ 0 is
// CodeInvalid; want > remaining is CodeInsufficientStock with a *Shortage
// cause carrying what remains (never below zero), so the reply can offer
// exactly that. It never grants part of want: the buyer decides.
func Reserve(remaining, want int64) (granted int64, err error) {
	remaining = max(remaining, 0)
	if want <= 0 {
		return 0, Errorf(CodeInvalid, "数量须大于0")
	}
	if want > remaining {
		if remaining == 0 {
			return 0, Wrapf(&Shortage{Want: want, Remaining: 0}, CodeInsufficientStock, "已售完")
		}
		return 0, Wrapf(&Shortage{Want: want, Remaining: remaining}, CodeInsufficientStock, "仅剩%d", remaining)
	}
	return want, nil
}

// ReserveListing is Reserve against supply listing l at now, with replies
// that name the listing: 仅剩50株，回"订 1024 50". A listing that is not an
// open supply is refused (CodeInvalid for a demand, CodeExpired otherwise).
func ReserveListing(l Listing, want int64, now time.Time) (int64, error) {
	id := strconv.FormatInt(l.ID, 10)
	if l.Side != Supply {
		return 0, Errorf(CodeInvalid, "%s号是求购信息，不能订", id)
	}
	if !l.Open(now) {
		return 0, Wrapf(ErrNotOpen, CodeExpired, "%s号货源已下架或过期", id)
	}
	granted, err := Reserve(l.Remaining, want)
	var e *Error
	if rem, ok := RemainingOf(err); ok && errors.As(err, &e) {
		if rem == 0 {
			e.Msg = id + "号已售完"
		} else {
			n := strconv.FormatInt(rem, 10)
			e.Msg = "仅剩" + n + unitOr(l.Unit()) + "，回\"订 " + id + " " + n + "\""
		}
	}
	return granted, err
}

// NewOrder proposes an order by buyerID for want units of supply listing l
// at now, reserving them (ReserveListing) and expiring after ttl
// (DefaultOrderTTL when ttl ≤ 0). The order is at the listing's ask; a
// listing with no per-unit price (面议, lump sum) is refused, because an
// order needs exact money: the buyer calls the grower instead. A quantity,
// unit price or total beyond the bounds (bounds.go) is CodeInvalid. The caller
// stores the order and takes Qty off the listing's remaining in the same
// transaction.
func NewOrder(l Listing, buyerID, want int64, now time.Time, ttl time.Duration) (Order, error) {
	if ttl <= 0 {
		ttl = DefaultOrderTTL
	}
	if buyerID != 0 && buyerID == l.MemberID {
		return Order{}, Wrapf(ErrNotParty, CodeForbidden, "不能订自己的货源")
	}
	ask, priced := l.Ask()
	if l.Side == Supply && l.Open(now) && (!priced || !ask.IsPositive()) {
		return Order{}, Errorf(CodeInvalid, "%d号价格面议，请电话联系%s", l.ID, l.CallNumber())
	}
	if err := CheckQty("订购数量", want, unitOr(l.Unit())); err != nil {
		return Order{}, err
	}
	granted, err := ReserveListing(l, want, now)
	if err != nil {
		return Order{}, err
	}
	if err := CheckUnitPrice("单价", ask); err != nil {
		return Order{}, err
	}
	if err := CheckLineTotal(Round2(ask), granted); err != nil {
		return Order{}, err
	}
	return Order{
		ListingID: l.ID,
		BuyerID:   buyerID,
		SellerID:  l.MemberID,
		Species:   l.Species,
		Variety:   l.Variety,
		Qty:       granted,
		Unit:      unitOr(l.Unit()),
		UnitPrice: Round2(ask),
		State:     OrderProposed,
		CreatedAt: now,
		ExpiresAt: now.Add(ttl),
		UpdatedAt: now,
	}, nil
}

// unitOr is u, or 株 (the corpus default) when u is empty.
func unitOr(u string) string {
	if u == "" {
		return "株"
	}
	return u
}

// ResolvePending finds the order a command without an id (a bare 确认 or
// 拒绝) means: the one proposed order among pending. None is CodeNotFound
// (ErrNothingPending); several is CodeAmbiguous with an *Ambiguity listing
// their ids in the order given, and a reply that asks for the id.
func ResolvePending(pending []Order) (Order, error) {
	var ids []int64
	var one Order
	for _, o := range pending {
		if o.State == OrderProposed {
			ids = append(ids, o.ID)
			one = o
		}
	}
	switch len(ids) {
	case 0:
		return Order{}, Wrapf(ErrNothingPending, CodeNotFound, "您没有待确认的订单")
	case 1:
		return one, nil
	}
	return Order{}, Wrapf(&Ambiguity{IDs: ids}, CodeAmbiguous,
		"您有%d笔待确认订单(%s)，请回\"确认 %d\"或\"拒绝 %d\"", len(ids), joinIDs(ids, "、"), ids[0], ids[0])
}

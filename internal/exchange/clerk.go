package exchange

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"huamu/internal/store"
	"huamu/matching"
)

// Clerk actions on orders from the back office. Each is one transaction:
// the same matching rules as the SMS path, the texts they cause, and an
// audit_log row naming the clerk, all committed together.

// ClerkAction is something a clerk does to an order.
type ClerkAction string

// Clerk actions.
const (
	ClerkConfirm ClerkAction = "confirm" // on the grower's behalf, who phoned in
	ClerkCancel  ClerkAction = "cancel"  // a proposal, with a reason
	ClerkDeliver ClerkAction = "deliver" // a confirmed order was delivered
)

// maxReason bounds a clerk's free text, in characters.
const maxReason = 200

// ActOnOrder applies a clerk's action to order id for clerk userID. A
// cancel needs a reason. Refusals are domain errors with Chinese messages.
func (s *Service) ActOnOrder(ctx context.Context, userID, id int64, act ClerkAction, reason string) (matching.Order, error) {
	reason = strings.TrimSpace(reason)
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > maxReason {
		return matching.Order{}, matching.Errorf(matching.CodeInvalid, "原因不能超过%d字", maxReason)
	}
	var kind matching.OrderEventKind
	switch act {
	case ClerkConfirm:
		kind = matching.EventConfirm
	case ClerkCancel:
		kind = matching.EventCancel
		if reason == "" {
			return matching.Order{}, matching.Errorf(matching.CodeInvalid, "取消订单须写明原因")
		}
	case ClerkDeliver:
		kind = matching.EventDeliver
	default:
		return matching.Order{}, matching.Errorf(matching.CodeInvalid, "不支持的操作")
	}
	var next matching.Order
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		o, err := tx.OrderForUpdate(ctx, id)
		if err != nil {
			return err
		}
		ev := matching.OrderEvent{Kind: kind, By: matching.Actor{Clerk: true}}
		if next, err = s.Transition(ctx, tx, nil, o, ev, Via{ClerkID: userID, Note: reason}); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s → %s", o.State.Chinese(), next.State.Chinese())
		if reason != "" {
			detail += "，原因: " + reason
		}
		return tx.Audit(ctx, userID, "order."+string(act), matching.OrderRef(id), detail)
	})
	return next, err
}

// PaymentKind is who paid whom.
type PaymentKind string

// Payment kinds, as the order page offers them.
const (
	PaidIn     PaymentKind = "in"     // the buyer paid the association
	PaidOut    PaymentKind = "out"    // the association paid the grower
	PaidDirect PaymentKind = "direct" // the buyer paid the grower directly
)

// RecordPayment posts a payment about confirmed (or delivered) order id,
// recorded by clerk userID: amount in yuan as typed ("6000", "6000.50"),
// receipt the clerk's receipt or transfer number (optional). The same
// payment kind with the same receipt number is posted once (CodeConflict
// on a second try).
func (s *Service) RecordPayment(ctx context.Context, userID, id int64, kind PaymentKind, amount, receipt string) (matching.Entry, error) {
	amt, err := ParseYuan(amount)
	if err != nil {
		return matching.Entry{}, err
	}
	receipt = strings.TrimSpace(receipt)
	if !utf8.ValidString(receipt) || utf8.RuneCountInString(receipt) > 40 || strings.ContainsAny(receipt, "\r\n\t") {
		return matching.Entry{}, matching.Errorf(matching.CodeInvalid, "单据号有误")
	}
	var e matching.Entry
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		o, err := tx.OrderForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if o.State != matching.OrderConfirmed && o.State != matching.OrderDelivered {
			return matching.Errorf(matching.CodeConflict, "订单%d%s，不能记收付款", id, o.State.Chinese())
		}
		ref := matching.OrderRef(id)
		if receipt != "" {
			ref += "/" + receipt
		}
		switch kind {
		case PaidIn:
			e, err = matching.PaymentInEntry(o.BuyerID, amt, ref, tx.Now)
		case PaidOut:
			e, err = matching.PaymentOutEntry(o.SellerID, amt, ref, tx.Now)
		case PaidDirect:
			e, err = matching.DirectPaymentEntry(o.BuyerID, o.SellerID, amt, ref, tx.Now)
		default:
			return matching.Errorf(matching.CodeInvalid, "请选择收付款类型")
		}
		if err != nil {
			return err
		}
		if e, err = tx.PostEntry(ctx, e, store.EntryMeta{UserID: &userID, Memo: "工作人员登记"}); err != nil {
			if matching.ErrorCodeOf(err) == matching.CodeConflict {
				return matching.Errorf(matching.CodeConflict, "这笔款已登记过(单据号%s)", ref)
			}
			return err
		}
		return tx.Audit(ctx, userID, "order.payment_"+string(kind), ref, matching.Yuan(amt)+"元")
	})
	return e, err
}

// ParseYuan reads an amount a clerk typed: digits with at most two
// decimals (full-width digits allowed), positive, within
// matching.MaxLineTotalYuan.
// Anything else is CodeInvalid; nothing is rounded silently.
func ParseYuan(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r = matching.NarrowRune(r); r == ',' || r == '元' {
			return -1
		}
		return r
	}, s))
	bad := matching.Errorf(matching.CodeInvalid, "金额须是大于0的数，最多两位小数，如 6000.50")
	if s == "" || len(s) > 20 || strings.Trim(s, "0123456789.") != "" || strings.Count(s, ".") > 1 ||
		strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return decimal.Zero, bad
	}
	d, err := decimal.NewFromString(s)
	if err != nil || !d.IsPositive() || !d.Equal(matching.Round2(d)) {
		return decimal.Zero, bad
	}
	if err := matching.CheckAmount("金额", d); err != nil {
		return decimal.Zero, err
	}
	return d, nil
}

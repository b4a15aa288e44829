package groupbuy

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
)

// Delivered marks an allocated group-buy as handed over and tells each
// participant who got stock where to pick it up.
func (s *Service) Delivered(ctx context.Context, id int64, where string, userID int64) error {
	where = strings.TrimSpace(where)
	if where == "" {
		return matching.Errorf(matching.CodeInvalid, "请填写提货地点")
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		g, err := tx.GroupBuyForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if g.State != matching.GroupAllocated {
			return matching.Errorf(matching.CodeConflict, "团购%d%s，不能登记到货", id, g.State.Chinese())
		}
		if err := tx.SetGroupBuyState(ctx, id, matching.GroupDelivered, ""); err != nil {
			return err
		}
		ps, err := tx.Participants(ctx, id)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.Allocated == nil || *p.Allocated == 0 {
				continue
			}
			if err := s.send(ctx, tx, p.Phone, outbound.GroupBuyArrived(g, *p.Allocated, where)); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, userID, "groupbuy.delivered", object(id), where)
	})
}

// Payment directions a clerk records for a group-buy.
const (
	PaymentIn  = "in"  // a participant paid the association
	PaymentOut = "out" // the association paid a grower
)

// RecordPayment posts a payment of an allocated group-buy: money in from a
// participant, or out to a grower of it. receipt (a clerk's slip number)
// keeps one payment from being posted twice.
func (s *Service) RecordPayment(ctx context.Context, id, memberID int64, dir string, amount decimal.Decimal, receipt string, userID int64) error {
	if !amount.IsPositive() || !amount.Equal(matching.Round2(amount)) {
		return matching.Errorf(matching.CodeInvalid, "金额须大于0，最多两位小数")
	}
	if err := matching.CheckAmount("金额", amount); err != nil {
		return err
	}
	ref := fmt.Sprintf("groupbuy:%d/member:%d/%s", id, memberID, strings.TrimSpace(receipt))
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		g, err := tx.GroupBuyForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if g.State != matching.GroupAllocated && g.State != matching.GroupDelivered {
			return matching.Errorf(matching.CodeConflict, "团购%d%s，不能记收付款", id, g.State.Chinese())
		}
		party, err := tx.GroupBuyParty(ctx, id, memberID)
		if err != nil {
			return err
		}
		var e matching.Entry
		switch {
		case dir == PaymentIn && party.Participant:
			e, err = matching.PaymentInEntry(memberID, amount, ref, tx.Now)
		case dir == PaymentOut && party.Grower:
			e, err = matching.PaymentOutEntry(memberID, amount, ref, tx.Now)
		default:
			return matching.Errorf(matching.CodeInvalid, "这个会员不是团购%d的%s", id, map[string]string{PaymentIn: "参团人", PaymentOut: "供货人"}[dir])
		}
		if err != nil {
			return err
		}
		var uid *int64
		if userID != 0 {
			uid = &userID
		}
		if _, err := tx.PostEntry(ctx, e, store.EntryMeta{UserID: uid, Memo: "团购" + strconv.FormatInt(id, 10) + "收付款"}); err != nil {
			if matching.ErrorCodeOf(err) == matching.CodeConflict {
				return matching.Errorf(matching.CodeConflict, "这笔款已登记过(单据号%s)", receipt)
			}
			return err
		}
		return tx.Audit(ctx, userID, "groupbuy.payment_"+dir, ref, matching.Yuan(amount)+"元")
	})
}

package web

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"huamu/internal/exchange"
	"huamu/matching"
)

// orderAct carries out a clerk's action on an order — confirm on the
// grower's behalf, cancel with a reason, mark delivered — through the same
// rules and texts as the SMS path, audited in the same transaction.
func (s *Server) orderAct(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	act := exchange.ClerkAction(chi.URLParam(r, "action"))
	switch act {
	case exchange.ClerkConfirm, exchange.ClerkCancel, exchange.ClerkDeliver:
	default:
		s.fail(w, r, matching.Errorf(matching.CodeNotFound, "没有这个操作"))
		return
	}
	reason, err := text(r.PostForm, "reason", "原因", 100, act == exchange.ClerkCancel)
	if err == nil {
		_, err = s.exchange.ActOnOrder(r.Context(), sessionFrom(r.Context()).User.ID, id, act, reason)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := map[exchange.ClerkAction]string{
		exchange.ClerkConfirm: "已代卖家确认订单%d，并短信通知双方",
		exchange.ClerkCancel:  "已取消订单%d，库存已恢复，并短信通知双方",
		exchange.ClerkDeliver: "订单%d已记为交货",
	}[act]
	s.done(w, r, "/orders", fmt.Sprintf(msg, id))
}

// orderPayment records a payment about an order in the ledger.
func (s *Server) orderPayment(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	kind := exchange.PaymentKind(v.Get("kind"))
	switch kind {
	case exchange.PaidIn, exchange.PaidOut, exchange.PaidDirect:
	default:
		s.fail(w, r, matching.Errorf(matching.CodeInvalid, "请选择收付款类型"))
		return
	}
	receipt, err := text(v, "receipt", "单据号", 40, false)
	if err == nil {
		_, err = s.exchange.RecordPayment(r.Context(), sessionFrom(r.Context()).User.ID, id, kind, v.Get("amount"), receipt)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/orders", fmt.Sprintf("已登记订单%d的收付款", id))
}

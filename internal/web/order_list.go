package web

import (
	"net/http"
	"strconv"

	"huamu/internal/store"
	"huamu/matching"
)

// orderStates are the order states the filter offers, in lifecycle order.
var orderStates = []string{"proposed", "confirmed", "delivered", "declined", "cancelled", "expired"}

// orderList is the order book: filter by state (and member), and act on an
// order from its row.
func (s *Server) orderList(w http.ResponseWriter, r *http.Request) {
	f := store.OrderFilter{State: enumParam(r, "state", orderStates...), Limit: 200}
	if m, err := strconv.ParseInt(r.URL.Query().Get("member"), 10, 64); err == nil && m > 0 {
		f.MemberID = m
	}
	rows, err := s.store.SearchOrders(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var member *store.Member
	if f.MemberID != 0 {
		m, err := s.store.MemberByID(r.Context(), f.MemberID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		member = &m
	}
	s.render(w, r, http.StatusOK, "orders", page{Title: "订单", Nav: "orders",
		Data: map[string]any{"Rows": rows, "Filter": f, "Member": member, "States": stateOptions()}})
}

type option struct{ Value, Name string }

// stateOptions are the filter's choices with their Chinese names.
func stateOptions() []option {
	out := make([]option, len(orderStates))
	for i, st := range orderStates {
		out[i] = option{st, matching.OrderState(st).Chinese()}
	}
	return out
}

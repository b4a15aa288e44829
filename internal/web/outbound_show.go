package web

import "net/http"

// outboundShow is one MT with its parts and their delivery receipts.
func (s *Server) outboundShow(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, parts, err := s.store.OutboxByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "outbound_item", page{Title: "短信详情", Nav: "outbound",
		Data: map[string]any{"M": m, "Parts": parts}})
}

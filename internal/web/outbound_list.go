package web

import (
	"net/http"

	"huamu/internal/store"
)

func (s *Server) outboundList(w http.ResponseWriter, r *http.Request) {
	f := store.OutboxFilter{Recipient: phoneParam(r, "to"), State: enumParam(r, "state", "queued", "submitted", "delivered", "failed")}
	rows, err := s.store.ListOutbox(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var binds []any
	if s.gateway != nil {
		for _, b := range s.gateway.Status() {
			binds = append(binds, b)
		}
	}
	s.render(w, r, http.StatusOK, "outbound", page{Title: "发出的短信", Nav: "outbound",
		Data: map[string]any{"Rows": rows, "Filter": f, "Binds": binds}})
}

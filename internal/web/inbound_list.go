package web

import (
	"net/http"

	"huamu/internal/store"
)

func (s *Server) inboundList(w http.ResponseWriter, r *http.Request) {
	f := store.InboundFilter{Sender: phoneParam(r, "sender"), State: enumParam(r, "state", "new", "done", "needs_clerk", "resolved")}
	rows, err := s.store.ListInbound(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "inbound", page{Title: "收到的短信", Nav: "inbound",
		Data: map[string]any{"Rows": rows, "Filter": f}})
}

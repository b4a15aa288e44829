package web

import (
	"net/http"

	"huamu/internal/store"
)

// queueList shows every text the grammar could not settle, oldest first so
// nobody waits longest.
func (s *Server) queueList(w http.ResponseWriter, r *http.Request) {
	rows, err := s.store.ListInbound(r.Context(), store.InboundFilter{State: "needs_clerk", Limit: 500})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	s.render(w, r, http.StatusOK, "queue", page{Title: "待人工处理", Nav: "queue", Data: map[string]any{"Rows": rows}})
}

package web

import (
	"net/http"

	"huamu/internal/store"
)

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	f := store.AuditFilter{User: wordParam(r, "user", 40), Action: wordParam(r, "action", 40), Object: wordParam(r, "object", 60),
		From: dateParam(r, "from"), To: dateParam(r, "to")}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1)
	}
	rows, err := s.store.ListAudit(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "audit", page{Title: "操作记录", Nav: "audit", Data: map[string]any{"Rows": rows,
		"Filter": map[string]string{"User": f.User, "Action": f.Action, "Object": f.Object, "From": q.Get("from"), "To": q.Get("to")}}})
}

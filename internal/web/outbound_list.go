package web

import (
	"net/http"
)

var outboundStates = []string{"queued", "submitted", "delivered", "failed"}

func (s *Server) outboundList(w http.ResponseWriter, r *http.Request) {
	f, form := smsFilter(r, outboundStates...)
	if f.Phone == "" {
		f.Phone = phoneParam(r, "to") // older links
		form["Phone"] = f.Phone
	}
	rows, err := s.store.SearchOutbox(r.Context(), f)
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
		Data: map[string]any{"Rows": rows, "Filter": form, "Binds": binds, "Query": r.URL.RawQuery}})
}

package web

import (
	"net/http"

	"huamu/internal/store"
)

// smsFilter reads the SMS log's search form (shared by the pages and the export).
func smsFilter(r *http.Request, states ...string) (store.SMSFilter, map[string]string) {
	f := store.SMSFilter{Phone: phoneParam(r, "phone"), Carrier: enumParam(r, "carrier", "mobile", "unicom", "telecom", "broadnet"),
		State: enumParam(r, "state", states...), From: dateParam(r, "from"), To: dateParam(r, "to")}
	form := map[string]string{"Phone": f.Phone, "Carrier": f.Carrier, "State": f.State,
		"From": r.URL.Query().Get("from"), "To": r.URL.Query().Get("to")}
	if f.From.IsZero() {
		form["From"] = ""
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // the "to" day is included
	} else {
		form["To"] = ""
	}
	return f, form
}

var inboundStates = []string{"new", "done", "needs_clerk", "resolved", "duplicate"}

func (s *Server) inboundList(w http.ResponseWriter, r *http.Request) {
	f, form := smsFilter(r, inboundStates...)
	if f.Phone == "" {
		f.Phone = phoneParam(r, "sender") // older links
		form["Phone"] = f.Phone
	}
	rows, err := s.store.SearchInbound(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "inbound", page{Title: "收到的短信", Nav: "inbound",
		Data: map[string]any{"Rows": rows, "Filter": form, "Query": r.URL.RawQuery}})
}

package web

import (
	"net/http"
	"strings"

	"huamu/matching"
)

// enumParam returns the query parameter when it is one of allowed, else "".
func enumParam(r *http.Request, name string, allowed ...string) string {
	v := r.URL.Query().Get(name)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return ""
}

// phoneParam returns the query parameter when it looks like a phone number
// (digits only, at most 21), else "".
func phoneParam(r *http.Request, name string) string {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" || len(v) > 21 || strings.Trim(v, "0123456789") != "" {
		return ""
	}
	return v
}

// fail renders an error page with the domain error's Chinese message and
// its HTTP status; anything else is logged and shown as a generic 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	http.Error(w, matching.ChineseMessage(err), status)
}

// statusOf is the HTTP status for a domain error's code.
func statusOf(err error) int {
	status := http.StatusInternalServerError
	switch matching.ErrorCodeOf(err) {
	case matching.CodeNotFound:
		status = http.StatusNotFound
	case matching.CodeInvalid:
		status = http.StatusBadRequest
	case matching.CodeConflict, matching.CodeInsufficientStock, matching.CodeAmbiguous, matching.CodeExpired:
		status = http.StatusConflict
	case matching.CodeForbidden:
		status = http.StatusForbidden
	}
	return status
}

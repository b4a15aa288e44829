package web

import (
	"context"
	"crypto/subtle"
	"net/http"

	"huamu/internal/store"
)

const sessionCookie = "huamu_session"

type ctxKey struct{}

func sessionFrom(ctx context.Context) *store.Session {
	s, _ := ctx.Value(ctxKey{}).(*store.Session)
	return s
}

// requireSession sends a browser without a live session to the login page.
func (s *Server) requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		sess, err := s.store.SessionByToken(r.Context(), c.Value)
		if err != nil {
			s.setCookie(w, sessionCookie, "", -1)
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, &sess)))
	})
}

// checkCSRF requires the session's token on every unsafe method, on top of
// the cross-origin check every request goes through.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		sess := sessionFrom(r.Context())
		// A read-only account changes nothing, whatever route it tries.
		if sess != nil && sess.User.Role == store.RoleReadonly && r.URL.Path != "/logout" {
			http.Error(w, deniedText, http.StatusForbidden)
			return
		}
		if !parseForm(w, r) {
			return
		}
		tok := r.PostFormValue("csrf")
		if sess == nil || tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(sess.CSRFToken)) != 1 {
			http.Error(w, "表单已过期，请刷新页面后重试", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

package web

import (
	"errors"
	"net/http"
	"net/url"

	"huamu/internal/store"
)

// roleRank orders the roles: each may do what the ones below it may.
var roleRank = map[string]int{store.RoleReadonly: 1, store.RoleClerk: 2, store.RoleAdmin: 3}

func roleName(r string) string {
	switch r {
	case store.RoleAdmin:
		return "管理员"
	case store.RoleClerk:
		return "职员"
	case store.RoleReadonly:
		return "只读"
	}
	return r
}

const deniedText = "您的账号没有权限做这件事，如需要请找管理员"

// require lets through only accounts holding role or a higher one.
func (s *Server) require(role string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sess := sessionFrom(r.Context())
			if sess == nil || roleRank[sess.User.Role] < roleRank[role] {
				http.Error(w, deniedText, http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// maxForm is the most a back-office form may send; the longest is a bulletin.
const maxForm = 64 << 10

// parseForm reads a POST form within maxForm, answering 413 for more and
// 400 for a body that is not a form.
func parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "提交的内容太大", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "表单格式不对", http.StatusBadRequest)
		}
		return false
	}
	return true
}

const flashCookie = "huamu_flash"

// flash shows msg on the next page the browser opens (after a redirect).
// Never a secret: a cookie travels in headers that proxies log. A password
// or token is shown once in the response body instead (showSecret).
func (s *Server) flash(w http.ResponseWriter, msg string) {
	s.setCookie(w, flashCookie, url.QueryEscape(msg), 60)
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	s.setCookie(w, flashCookie, "", -1)
	msg, err := url.QueryUnescape(c.Value)
	if err != nil || len(msg) > 500 {
		return ""
	}
	return msg
}

// done redirects after a successful change, with a message for the next page.
func (s *Server) done(w http.ResponseWriter, r *http.Request, to, msg string) {
	s.flash(w, msg)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

package web

import (
	"net/http"
	"strings"

	"huamu/matching"
)

func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", page{Title: "登录"})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	login := strings.TrimSpace(r.PostFormValue("login"))
	password := r.PostFormValue("password")
	if login == "" || password == "" {
		s.render(w, r, http.StatusBadRequest, "login", page{Title: "登录", Error: "请填写账号和密码"})
		return
	}
	token, sess, err := s.store.Authenticate(r.Context(), login, password)
	if err != nil {
		status := http.StatusInternalServerError
		if matching.ErrorCodeOf(err) == matching.CodeForbidden {
			status = http.StatusUnauthorized
		} else {
			s.log.Error("login", "err", err)
		}
		s.render(w, r, status, "login", page{Title: "登录", Error: matching.ChineseMessage(err)})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure, Expires: sess.ExpiresAt})
	_ = s.store.Audit(r.Context(), sess.User.ID, "login", "user:"+sess.User.Login, "")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.store.Logout(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Pool().Ping(r.Context()); err != nil {
		http.Error(w, "database: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

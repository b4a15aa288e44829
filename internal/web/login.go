package web

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

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
	ctx := r.Context()
	ip := clientIP(r)
	if !s.loginAllowed(ctx, login, ip) {
		s.render(w, r, http.StatusTooManyRequests, "login", page{Title: "登录",
			Error: "密码错误次数太多，请15分钟后再试，或请管理员帮您重设密码"})
		return
	}
	token, sess, err := s.store.Authenticate(ctx, login, password)
	if err != nil {
		status := http.StatusInternalServerError
		if matching.ErrorCodeOf(err) == matching.CodeForbidden {
			status = http.StatusUnauthorized
			s.loginFailed(ctx, login, ip)
		} else {
			s.log.Error("login", "err", err)
		}
		s.render(w, r, status, "login", page{Title: "登录", Error: matching.ChineseMessage(err)})
		return
	}
	_ = s.loginFail.Reset(ctx, login)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure, Expires: sess.ExpiresAt})
	_ = s.store.Audit(r.Context(), sess.User.ID, "login", "user:"+sess.User.Login, "")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// Login throttling: failures per account and per client address within a
// window, counted in Redis so that every back-office process sees them.
const (
	loginWindow     = 15 * time.Minute
	maxLoginFails   = 5  // per account
	maxLoginFailsIP = 20 // per address: one office shares one address
)

// loginAllowed reports whether a login may be tried. When Redis is down it
// allows the attempt (bcrypt still slows guessing) and logs it.
func (s *Server) loginAllowed(ctx context.Context, login, ip string) bool {
	n, err := s.loginFail.Count(ctx, login)
	if err != nil {
		s.log.Warn("login throttle", "err", err)
		return true
	}
	m, err := s.ipFail.Count(ctx, ip)
	if err != nil {
		s.log.Warn("login throttle", "err", err)
		return true
	}
	return n < maxLoginFails && m < maxLoginFailsIP
}

func (s *Server) loginFailed(ctx context.Context, login, ip string) {
	if _, err := s.loginFail.Add(ctx, login); err != nil {
		s.log.Warn("login throttle", "err", err)
	}
	if _, err := s.ipFail.Add(ctx, ip); err != nil {
		s.log.Warn("login throttle", "err", err)
	}
}

func clientIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
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

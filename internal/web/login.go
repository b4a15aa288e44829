package web

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"huamu/internal/store"
	"huamu/matching"
)

func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", page{Title: "登录"})
}

// deviceCookie marks a browser that has logged in before: its logins are
// throttled on their own, so guesses from elsewhere never lock it out.
const deviceCookie = "huamu_device"

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	login := strings.TrimSpace(r.PostFormValue("login"))
	password := r.PostFormValue("password")
	if login == "" || password == "" {
		s.render(w, r, http.StatusBadRequest, "login", page{Title: "登录", Error: "请填写账号和密码"})
		return
	}
	ctx := r.Context()
	device := ""
	if c, err := r.Cookie(deviceCookie); err == nil {
		device = c.Value
	}
	known, err := s.guard.KnownDevice(ctx, login, device)
	if err != nil {
		s.log.Warn("login throttle", "err", err)
	}
	// Counted before the password is checked, atomically; given back below
	// when it was right. When Redis is down the attempt goes ahead (bcrypt
	// still slows guessing) and it is logged.
	attempt, err := s.guard.Attempt(ctx, login, clientIP(r), device, known)
	if err != nil {
		s.log.Warn("login throttle", "err", err)
	}
	if !attempt.Allowed {
		mins := max(int(attempt.RetryAfter.Round(time.Minute)/time.Minute), 1)
		s.render(w, r, http.StatusTooManyRequests, "login", page{Title: "登录",
			Error: fmt.Sprintf("密码错误次数太多，请%d分钟后再试，或请管理员帮您重设密码", mins)})
		return
	}
	token, sess, err := s.store.Authenticate(ctx, login, password)
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
	if err := s.guard.Succeeded(ctx, attempt); err != nil {
		s.log.Warn("login throttle", "err", err)
	}
	if device, err = s.guard.RememberDevice(ctx, login, device); err != nil {
		s.log.Warn("login throttle", "err", err)
	} else {
		s.setCookie(w, deviceCookie, device, int(s.guard.DeviceTTL/time.Second))
	}
	s.setCookie(w, sessionCookie, token, int(store.SessionTTL/time.Second))
	_ = s.store.Audit(r.Context(), sess.User.ID, "login", "user:"+sess.User.Login, "")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// clientIP is the client's address, as realIP settled it.
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
	s.setCookie(w, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

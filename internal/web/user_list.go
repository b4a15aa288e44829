package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"huamu/internal/store"
	"huamu/matching"
)

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	s.usersPage(w, r, nil)
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, sec *secret) {
	users, err := s.store.ListUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sec != nil {
		noStore(w)
	}
	s.render(w, r, http.StatusOK, "users", page{Title: "账号", Nav: "users", Secret: sec, Data: map[string]any{"Users": users}})
}

// noStore keeps a page that shows a secret out of every cache.
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// userSave creates an account or changes one's name, role and password;
// the account's sessions end so the new role holds at once. The password is
// generated and shown once, in the response's body.
func (s *Server) userSave(w http.ResponseWriter, r *http.Request) {
	v := r.PostForm
	login := strings.TrimSpace(v.Get("login"))
	if login == "" || len(login) > 32 || strings.Trim(login, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != "" {
		s.fail(w, r, matching.Errorf(matching.CodeInvalid, "账号只能用小写字母、数字和 _ . -，最多32位"))
		return
	}
	name, err := text(v, "name", "姓名", 20, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	role := enumValue(v.Get("role"), store.RoleAdmin, store.RoleClerk, store.RoleReadonly)
	if role == "" {
		s.fail(w, r, matching.Errorf(matching.CodeInvalid, "请选择角色"))
		return
	}
	me := sessionFrom(r.Context()).User
	if login == me.Login && role != store.RoleAdmin {
		s.fail(w, r, matching.Errorf(matching.CodeConflict, "不能取消自己的管理员角色"))
		return
	}
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	password := base64.RawURLEncoding.EncodeToString(b)
	if _, err := s.store.SaveUser(r.Context(), me.ID, login, name, role, password); err != nil {
		s.fail(w, r, err)
		return
	}
	// Shown in this page's body, once: never through the flash cookie,
	// which travels in headers that proxies log.
	s.usersPage(w, r, &secret{Note: fmt.Sprintf("账号 %s（%s）的新密码如下，请抄下交给本人，此密码只显示这一次：", login, roleName(role)),
		Value: password})
}

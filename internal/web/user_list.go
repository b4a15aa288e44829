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
	users, err := s.store.ListUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "users", page{Title: "账号", Nav: "users", Data: map[string]any{"Users": users}})
}

// userSave creates an account or changes one's name, role and password;
// the account's sessions end so the new role holds at once. The password is
// generated and shown once.
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
	u, err := s.store.UpsertUser(r.Context(), login, name, role, password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if u.ID != me.ID {
		if err := s.store.EndSessions(r.Context(), u.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	_ = s.store.Audit(r.Context(), me.ID, "user.save", "user:"+login, role)
	done(w, r, "/users", fmt.Sprintf("账号 %s（%s）的新密码：%s  请抄下交给本人，此密码只显示这一次", login, roleName(role), password))
}

package web

import (
	"fmt"
	"net/http"
)

func (s *Server) apiClientList(w http.ResponseWriter, r *http.Request) {
	s.apiClientsPage(w, r, nil)
}

func (s *Server) apiClientsPage(w http.ResponseWriter, r *http.Request, sec *secret) {
	cs, err := s.store.ListAPIClients(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sec != nil {
		noStore(w)
	}
	s.render(w, r, http.StatusOK, "api_clients", page{Title: "接口客户", Nav: "api", Secret: sec, Data: map[string]any{"Clients": cs}})
}

// apiClientCreate registers a client; its token is shown once, in the
// response's body.
func (s *Server) apiClientCreate(w http.ResponseWriter, r *http.Request) {
	name, err := text(r.PostForm, "name", "名称", 40, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	token, c, err := s.store.CreateAPIClient(r.Context(), sessionFrom(r.Context()).User.ID, name, r.PostForm.Get("can_write") != "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Shown in this page's body, once, never through the flash cookie.
	s.apiClientsPage(w, r, &secret{Note: fmt.Sprintf("接口客户 %s（#%d）的令牌如下，请复制保存，此令牌只显示这一次：", c.Name, c.ID),
		Value: token})
}

func (s *Server) apiClientRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err == nil {
		err = s.store.RevokeAPIClient(r.Context(), sessionFrom(r.Context()).User.ID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/api-clients", "已停用")
}

package web

import (
	"net/http"

	"huamu/internal/store"
)

func audienceName(a store.Audience) string {
	switch a.Kind {
	case store.AudienceAll:
		return "全体会员"
	case store.AudienceTown:
		return a.Value + "的会员"
	case store.AudienceGrowers:
		return "供应" + a.Value + "的会员"
	case store.AudienceBuyers:
		return "求购" + a.Value + "的会员"
	case store.AudiencePriceSubscribers:
		return "订阅行情的会员（每周一行情短信）"
	}
	return a.Kind
}

func (s *Server) bulletinList(w http.ResponseWriter, r *http.Request) {
	rows, err := s.store.ListBulletins(r.Context(), 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "bulletins", page{Title: "群发通知", Nav: "bulletins", Data: map[string]any{"Rows": rows}})
}

package web

import (
	"fmt"
	"maps"
	"net/http"
	"slices"

	"huamu/internal/store"
)

func (s *Server) memberList(w http.ResponseWriter, r *http.Request) {
	f := store.MemberFilter{Q: wordParam(r, "q", 20), Town: wordParam(r, "town", 20),
		Verified: enumParam(r, "verified", "yes", "no"), Stopped: enumParam(r, "stopped", "yes", "no")}
	rows, err := s.store.ListMembers(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "members", page{Title: "会员", Nav: "members",
		Data: map[string]any{"Rows": rows, "Filter": f, "Towns": s.townNames()}})
}

// townNames lists 温江's towns from the lexicon.
func (s *Server) townNames() []string {
	return slices.Sorted(maps.Keys(s.lexicon.Data().WenjiangTowns))
}

// memberCreate registers a number a clerk enters.
func (s *Server) memberCreate(w http.ResponseWriter, r *http.Request) {
	phone, err := phoneField(r.PostForm)
	var name, town, village string
	if err == nil {
		if name, err = text(r.PostForm, "name", "姓名", 20, false); err == nil {
			if town, err = text(r.PostForm, "town", "镇", 12, false); err == nil {
				village, err = text(r.PostForm, "village", "村", 12, false)
			}
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := s.store.AddMember(r.Context(), sessionFrom(r.Context()).User.ID, phone, name, town, village)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, fmt.Sprintf("/members/%d", id), "已登记会员 "+phone)
}

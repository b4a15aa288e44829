package web

import (
	"net/http"

	"huamu/internal/store"
)

// memberShow is a member's page: what the association knows, their
// listings and their SMS thread, with the edit form.
func (s *Server) memberShow(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	m, err := s.store.MemberRecordByID(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ls, err := s.store.SearchListings(ctx, store.ListingSearch{MemberID: id, Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	thread, err := s.store.Thread(ctx, m.Phone, 50)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "member", page{Title: "会员 " + m.Phone, Nav: "members",
		Data: map[string]any{"M": m, "Listings": ls, "Thread": thread, "Towns": s.townNames()}})
}

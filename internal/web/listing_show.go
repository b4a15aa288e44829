package web

import (
	"net/http"
	"net/url"
)

// listingShow is one listing with its edit and cancel forms.
func (s *Server) listingShow(w http.ResponseWriter, r *http.Request) {
	s.listingPage(w, r, http.StatusOK, nil, "")
}

func (s *Server) listingPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, errMsg string) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.store.Listing(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	held, err := s.store.ListingHeld(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "listing", page{Title: "信息#" + itoa(id), Nav: "listings", Error: errMsg,
		Data: map[string]any{"L": l, "Form": form, "Held": held}})
}

package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"huamu/internal/store"
)

func (s *Server) listingList(w http.ResponseWriter, r *http.Request) {
	species := strings.TrimSpace(r.URL.Query().Get("species"))
	if utf8.RuneCountInString(species) > 20 {
		species = ""
	}
	f := store.ListingFilter{
		Side:    enumParam(r, "side", "supply", "demand"),
		State:   enumParam(r, "state", "open", "filled", "cancelled", "expired"),
		Species: species,
		Phone:   phoneParam(r, "phone"),
	}
	if _, ok := r.URL.Query()["state"]; !ok {
		f.State = "open"
	}
	rows, err := s.store.ListListings(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "listings", page{Title: "供求信息", Nav: "listings",
		Data: map[string]any{"Rows": rows, "Filter": f}})
}

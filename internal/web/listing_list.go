package web

import (
	"net/http"

	"huamu/internal/store"
	"huamu/matching"
)

// listingSearch reads the listings search form (shared with the export).
func listingSearch(r *http.Request) store.ListingSearch {
	f := store.ListingSearch{
		Side:    enumParam(r, "side", "supply", "demand"),
		State:   enumParam(r, "state", "open", "filled", "cancelled", "expired"),
		Species: wordParam(r, "species", 20),
		Town:    wordParam(r, "town", 20),
		Phone:   phoneParam(r, "phone"),
		SpecKey: enumParam(r, "spec_key", matching.SpecKeys()...),
		SpecMin: floatParam(r, "spec_min"),
		SpecMax: floatParam(r, "spec_max"),
	}
	if _, ok := r.URL.Query()["state"]; !ok {
		f.State = "open"
	}
	return f
}

func (s *Server) listingList(w http.ResponseWriter, r *http.Request) {
	f := listingSearch(r)
	rows, err := s.store.SearchListings(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "listings", page{Title: "供求信息", Nav: "listings",
		Data: map[string]any{"Rows": rows, "Filter": f, "Query": r.URL.RawQuery,
			"SpecMin": r.URL.Query().Get("spec_min"), "SpecMax": r.URL.Query().Get("spec_max")}})
}

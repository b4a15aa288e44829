package web

import (
	"encoding/json"
	"net/http"
)

// bulletinShow is a bulletin's progress: a bar of texts sent and counts of
// delivery receipts, refreshed by a few lines of script (or the reload
// button without it).
func (s *Server) bulletinShow(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.store.BulletinByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "bulletin", page{Title: "群发#" + itoa(id), Nav: "bulletins", Data: map[string]any{"B": b}})
}

// bulletinProgress is the bulletin's counts as JSON for the progress script.
func (s *Server) bulletinProgress(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.store.BulletinByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := b.Progress
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]int64{"total": b.Recipients, "queued": p.Queued, "submitted": p.Submitted,
		"delivered": p.Delivered, "failed": p.Failed, "sent": p.Sent()})
}

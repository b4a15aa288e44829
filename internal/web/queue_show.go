package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
)

// queueShow is one text waiting for a clerk: the sender's recent thread and
// a listing form pre-filled with the grammar's best guess.
func (s *Server) queueShow(w http.ResponseWriter, r *http.Request) {
	s.queuePage(w, r, http.StatusOK, nil, "")
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, status int, form url.Values, errMsg string) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	in, err := s.store.InboundByID(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	thread, err := s.store.Thread(ctx, in.Sender, 20)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := guessForm(s.lexicon.Grammar(), in.Body, in.Sender)
	if form != nil {
		f = listingFormOf(form)
	}
	s.render(w, r, status, "queue_item", page{Title: "处理短信", Nav: "queue", Error: errMsg, Data: map[string]any{
		"In": in, "Thread": thread, "Form": f, "Species": s.speciesNames(), "Units": units,
	}})
}

// speciesNames lists the lexicon's species for the form's choices.
func (s *Server) speciesNames() []string {
	return slices.Sorted(maps.Keys(s.lexicon.Data().Species))
}

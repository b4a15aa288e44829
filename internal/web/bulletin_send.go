package web

import (
	"fmt"
	"net/http"

	"huamu/matching"
)

// bulletinSend queues the bulletin for its audience (stopped numbers never
// included) and opens its progress page.
func (s *Server) bulletinSend(w http.ResponseWriter, r *http.Request) {
	body, a, err := bulletinDraft(r.PostForm)
	if err != nil {
		http.Error(w, matching.ChineseMessage(err), statusOf(err))
		return
	}
	id, n, err := s.store.SendBulletin(r.Context(), sessionFrom(r.Context()).User.ID, body, a, s.parts(body))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.wake(r.Context(), "outbox")
	s.done(w, r, fmt.Sprintf("/bulletins/%d", id), fmt.Sprintf("群发已开始：%d人", n))
}

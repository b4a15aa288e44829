package web

import (
	"fmt"
	"net/http"

	"huamu/internal/store"
	"huamu/matching"
)

// bulletinSend queues the bulletin for its audience (stopped numbers never
// included) and opens its progress page. The form's one-time token is kept
// with the bulletin: the same form sent again sends nothing and opens the
// first one's page.
func (s *Server) bulletinSend(w http.ResponseWriter, r *http.Request) {
	k, ok := s.formKey(w, r)
	if !ok {
		return
	}
	if done, err := s.formAnswered(w, r, k); done || err != nil {
		if err != nil {
			s.fail(w, r, err)
		}
		return
	}
	body, a, err := bulletinDraft(r.PostForm)
	if err != nil {
		http.Error(w, matching.ChineseMessage(err), statusOf(err))
		return
	}
	user := sessionFrom(r.Context()).User.ID
	ans, replayed, err := s.submitOnce(r, k, func(tx *store.Tx) (string, string, error) {
		id, n, err := s.outbox.SendBulletin(r.Context(), tx, user, a, body)
		return fmt.Sprintf("/bulletins/%d", id), fmt.Sprintf("群发已开始：%d人", n), err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerForm(w, r, ans, replayed)
}

package web

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/url"

	"huamu/internal/store"
	"huamu/matching"
)

// onceField is the form field of a one-time token. Every form that sends
// texts or creates something carries a fresh one (template "once"), so
// that the browser sending the same form again — a double click, a reload
// after the POST, the back button — is answered with what the first submit
// did instead of doing it twice. It is apart from the CSRF token, which is
// the session's and the same in every form. The token is kept (as the
// clerk's idempotency key, store.Once) only with the effect it guards.
const onceField = "once"

// onceToken is a fresh one-time token: 26 base32 characters, 130 random bits.
func onceToken() string { return rand.Text() }

// validOnce reports whether tok looks like a token onceToken made (any
// unguessable value would do; this only keeps junk out of the table).
func validOnce(tok string) bool {
	if len(tok) < 16 || len(tok) > 64 {
		return false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

const staleForm = "表单已过期，请刷新页面后重试"

// formKey is the idempotency key of a form POST: the clerk's, under the
// form's one-time token, with a hash of the route and every field but the
// two tokens. A form without a token (a page from before it had one) is
// answered 400 here and ok is false.
func (s *Server) formKey(w http.ResponseWriter, r *http.Request) (k store.OnceKey, ok bool) {
	tok := r.PostForm.Get(onceField)
	sess := sessionFrom(r.Context())
	if sess == nil || !validOnce(tok) {
		http.Error(w, staleForm, http.StatusBadRequest)
		return k, false
	}
	fields := url.Values{}
	for name, vs := range r.PostForm {
		if name != "csrf" && name != onceField {
			fields[name] = vs
		}
	}
	h := sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + fields.Encode()))
	return store.OnceKey{UserID: sess.User.ID, Key: tok, Hash: h[:]}, true
}

// formAnswered answers a form whose token already took effect, with what
// it did, and reports whether it did. A token used for a different form
// content is an error for the handler to show (formReused).
func (s *Server) formAnswered(w http.ResponseWriter, r *http.Request, k store.OnceKey) (bool, error) {
	a, ok, err := s.store.Answered(r.Context(), k)
	if err != nil {
		return false, formReused(err)
	}
	if ok {
		s.answerForm(w, r, a, true)
	}
	return ok, nil
}

// submitOnce runs fn — which makes what the form asks for and says where
// to go next and what to tell the clerk — in one transaction under k. The
// first time, that is the answer; a repeat of the form gets the first
// answer again, replayed true, and fn does not run. Nothing is written to w.
func (s *Server) submitOnce(r *http.Request, k store.OnceKey, fn func(*store.Tx) (to, msg string, err error)) (a store.Answer, replayed bool, err error) {
	a, replayed, err = s.store.Once(r.Context(), k, func(tx *store.Tx) (store.Answer, error) {
		to, msg, err := fn(tx)
		return store.Answer{Status: http.StatusSeeOther, Location: to, Message: msg}, err
	})
	return a, replayed, formReused(err)
}

// answerForm redirects to where the form's first submit led; a repeat is
// told that nothing was done again.
func (s *Server) answerForm(w http.ResponseWriter, r *http.Request, a store.Answer, replayed bool) {
	msg := a.Message
	if replayed {
		msg = "这张表单已经提交过，没有重复执行。上次的结果：" + a.Message
	}
	s.done(w, r, a.Location, msg)
}

// formReused gives a token sent again with changed fields (a form opened
// with the back button and edited) the clerk's explanation.
func formReused(err error) error {
	if errors.Is(err, store.ErrKeyReused) {
		return &matching.Error{Code: matching.CodeConflict, Err: err,
			Msg: "这张表单已经提交过，再次提交时内容有改动，所以没有执行。请核对后重新填写提交"}
	}
	return err
}

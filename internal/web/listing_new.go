package web

import (
	"fmt"
	"net/http"
	"net/url"

	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw"
)

// listingNew is the 代发布 form: a clerk posts a listing for a member who
// phoned in.
func (s *Server) listingNew(w http.ResponseWriter, r *http.Request) {
	f := ListingForm{Side: "supply", Unit: "株", Phone: phoneParam(r, "phone")}
	s.render(w, r, http.StatusOK, "listing_new", page{Title: "代发布", Nav: "listings",
		Data: map[string]any{"Form": f, "Species": s.speciesNames(), "Units": units}})
}

func (s *Server) listingNewAgain(w http.ResponseWriter, r *http.Request, form url.Values, err error) {
	s.render(w, r, statusOf(err), "listing_new", page{Title: "代发布", Nav: "listings", Error: matching.ChineseMessage(err),
		Data: map[string]any{"Form": listingFormOf(form), "Species": s.speciesNames(), "Units": units}})
}

// listingCreate stores a listing on a member's behalf and texts them its
// receipt. The form's one-time token is kept with the listing: the same
// form sent again posts nothing and opens the first one's page.
func (s *Server) listingCreate(w http.ResponseWriter, r *http.Request) {
	k, ok := s.formKey(w, r)
	if !ok {
		return
	}
	if done, err := s.formAnswered(w, r, k); done || err != nil {
		if err != nil {
			s.listingNewAgain(w, r, r.PostForm, err)
		}
		return
	}
	phone, err := phoneField(r.PostForm)
	if err != nil {
		s.listingNewAgain(w, r, r.PostForm, err)
		return
	}
	l, err := decodeListing(r.PostForm, s.store.Now(), s.known)
	if err != nil {
		s.listingNewAgain(w, r, r.PostForm, err)
		return
	}
	by := store.Actor{UserID: sessionFrom(r.Context()).User.ID}
	a, replayed, err := s.submitOnce(r, k, func(tx *store.Tx) (string, string, error) {
		l, err := s.exchange.PostOnBehalf(r.Context(), tx, by, phone, l)
		return fmt.Sprintf("/listings/%d", l.ID), fmt.Sprintf("已代%s发布%d号信息，并短信通知", phone, l.ID), err
	})
	if err != nil {
		s.listingNewAgain(w, r, r.PostForm, err)
		return
	}
	s.answerForm(w, r, a, replayed)
}

// phoneField reads a mainland mobile number (11 digits starting with 1).
func phoneField(v url.Values) (string, error) {
	p := narrow(v.Get("phone"))
	if !smsgw.IsMobile(p) {
		return "", matching.Errorf(matching.CodeInvalid, "手机号要填11位数字")
	}
	return p, nil
}

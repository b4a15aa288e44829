package web

import (
	"context"
	"fmt"
	"net/http"

	"huamu/internal/lexicon"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// known reports whether species is a canonical species of the lexicon.
func (s *Server) known(species string) bool {
	_, ok := s.lexicon.Data().Species[species]
	return ok
}

// addAlias makes word another name of species in the lexicon, unless it
// already is; the grammar uses it at once, here and in every process.
func (s *Server) addAlias(ctx context.Context, userID int64, species, word string) error {
	if lexicon.SpeciesOf(s.lexicon.Data(), word) == species {
		return nil
	}
	_, err := s.lexicon.Edit(ctx, userID, fmt.Sprintf("别名 %s→%s", word, species),
		func(d *grammar.LexiconData, eff grammar.LexiconData) error {
			return lexicon.AddAlias(d, eff, species, word)
		})
	return err
}

// queueResolve turns a text into the listing the clerk's form describes.
// The word the grammar did not know, when given, becomes an alias first.
// The listing is matched against the book in the same transaction, as if
// the member had texted it right.
func (s *Server) queueResolve(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	user := sessionFrom(ctx).User
	l, err := decodeListing(r.PostForm, s.store.Now(), s.known)
	if err == nil {
		if alias := r.PostForm.Get("alias"); alias != "" {
			err = s.addAlias(ctx, user.ID, l.Species, alias)
		}
	}
	if err == nil {
		l, err = s.exchange.ResolveAsListing(ctx, user.ID, id, l, r.PostForm.Get("alias"))
	}
	if err != nil {
		if code := matching.ErrorCodeOf(err); code == matching.CodeInvalid || code == matching.CodeConflict || code == matching.CodeNotFound {
			s.queuePage(w, r, statusOf(err), r.PostForm, matching.ChineseMessage(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/queue", fmt.Sprintf("短信#%d 已登记为%d号信息，已短信通知%s", id, l.ID, l.Phone))
}

// queueHandled closes a text without a listing.
func (s *Server) queueHandled(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	note, err := text(r.PostForm, "note", "处理说明", 200, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if note == "" {
		note = "已处理"
	}
	if err := s.exchange.MarkHandled(r.Context(), sessionFrom(r.Context()).User.ID, id, note); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/queue", fmt.Sprintf("短信#%d 已标为处理完", id))
}

// queueReparse adds the alias (when given) and hands the text back to the
// exchange to be read again: it then becomes a listing, is matched and
// answered like any text.
func (s *Server) queueReparse(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	user := sessionFrom(ctx).User
	alias := r.PostForm.Get("alias")
	if alias != "" {
		species := r.PostForm.Get("species")
		if !s.known(species) {
			s.queuePage(w, r, http.StatusBadRequest, r.PostForm, "请选择这个叫法对应的品种")
			return
		}
		if err := s.addAlias(ctx, user.ID, species, alias); err != nil {
			s.queuePage(w, r, statusOf(err), r.PostForm, matching.ChineseMessage(err))
			return
		}
	}
	if err := s.exchange.Reparse(ctx, user.ID, id, alias); err != nil {
		s.fail(w, r, err)
		return
	}
	s.wake(ctx, "intake")
	s.done(w, r, "/queue", fmt.Sprintf("短信#%d 已交给系统重新识别", id))
}

func (s *Server) wake(ctx context.Context, topic string) { s.redis.Wake(ctx, topic) }

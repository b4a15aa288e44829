package web

import (
	"fmt"
	"net/http"
	"strings"

	"huamu/internal/lexicon"
	"huamu/internal/outbound"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// lexiconChange saves one lexicon edit and returns to the lexicon page. The
// grammar uses it at once, in this process and (by a Redis wake-up) in
// every other.
func (s *Server) lexiconChange(w http.ResponseWriter, r *http.Request, note string, change func(*grammar.LexiconData, grammar.LexiconData) error) {
	id, err := s.lexicon.Edit(r.Context(), sessionFrom(r.Context()).User.ID, note, change)
	if err != nil {
		if matching.ErrorCodeOf(err) == matching.CodeInternal {
			s.fail(w, r, err)
			return
		}
		http.Error(w, matching.ChineseMessage(err), statusOf(err))
		return
	}
	s.done(w, r, "/lexicon", fmt.Sprintf("已保存（词库第%d版），短信识别马上生效", id))
}

func (s *Server) lexiconAddSpecies(w http.ResponseWriter, r *http.Request) {
	v := r.PostForm
	name, group := strings.TrimSpace(v.Get("name")), strings.TrimSpace(v.Get("group"))
	if len([]rune(group)) > 12 {
		http.Error(w, "类别太长（最多12个字）", http.StatusBadRequest)
		return
	}
	aliases := strings.FieldsFunc(v.Get("aliases"), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' })
	if len(aliases) > 20 {
		http.Error(w, "别名一次最多20个", http.StatusBadRequest)
		return
	}
	s.lexiconChange(w, r, "新品种 "+name, func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.AddSpecies(d, eff, name, group, aliases)
	})
}

func (s *Server) lexiconAddAlias(w http.ResponseWriter, r *http.Request) {
	species, alias := r.PostForm.Get("species"), r.PostForm.Get("alias")
	s.lexiconChange(w, r, fmt.Sprintf("别名 %s→%s", strings.TrimSpace(alias), species), func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.AddAlias(d, eff, species, alias)
	})
}

func (s *Server) lexiconAddVariety(w http.ResponseWriter, r *http.Request) {
	species, variety := r.PostForm.Get("species"), r.PostForm.Get("variety")
	s.lexiconChange(w, r, fmt.Sprintf("品种名 %s（%s）", strings.TrimSpace(variety), species), func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.AddVariety(d, eff, species, variety)
	})
}

func (s *Server) lexiconAddVillage(w http.ResponseWriter, r *http.Request) {
	town, village := r.PostForm.Get("town"), r.PostForm.Get("village")
	s.lexiconChange(w, r, fmt.Sprintf("村 %s（%s）", strings.TrimSpace(village), town), func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.AddVillage(d, eff, town, village)
	})
}

// lexiconSetBands sets how the price index bands a species (行情分档): the
// spec it is banded by, the bands' lower edges, whether varieties are
// indexed apart. Leaving all three empty restores the defaults.
func (s *Server) lexiconSetBands(w http.ResponseWriter, r *http.Request) {
	v := r.PostForm
	species := strings.TrimSpace(v.Get("species"))
	basis := enumValue(v.Get("basis"), matching.BandBases...)
	if v.Get("basis") != "" && basis == "" {
		http.Error(w, "请选择分档依据的规格", http.StatusBadRequest)
		return
	}
	edges, err := lexicon.ParseEdges(v.Get("edges"))
	if err != nil {
		http.Error(w, matching.ChineseMessage(err), statusOf(err))
		return
	}
	byVariety := v.Get("by_variety") != ""
	s.lexiconChange(w, r, "行情分档 "+outbound.Cut(species, 12), func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.SetPriceBands(d, eff, species, basis, edges, byVariety)
	})
}

package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"huamu/internal/store"
	"huamu/matching"
)

// groupBuyList shows every group-buy with its progress toward the tipping point.
func (s *Server) groupBuyList(w http.ResponseWriter, r *http.Request) {
	state := enumParam(r, "state", "open", "closed", "allocated", "failed", "cancelled", "delivered")
	rows, err := s.store.ListGroupBuys(r.Context(), state, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	suggestions, err := s.groupbuys.Suggest(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "groupbuys", page{Title: "团购", Nav: "groupbuys", Flash: s.takeFlash(w, r),
		Data: map[string]any{"Rows": rows, "State": state, "Suggestions": suggestions}})
}

// groupBuyNew is the form a clerk opens a group-buy with.
func (s *Server) groupBuyNew(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"unit": {"株"}, "step": {"10"}, "min_each": {"10"},
		"deadline": {s.store.Now().In(matching.ChinaTime).Add(7 * 24 * time.Hour).Format("2006-01-02")}}
	// A suggestion's link fills in what the demands share.
	for _, k := range []string{"species", "unit", "min_total", "dia_cm_min", "dia_cm_max", "price"} {
		if v := wordParam(r, k, 20); v != "" {
			form.Set(k, v)
		}
	}
	s.render(w, r, http.StatusOK, "groupbuy_new", page{Title: "新建团购", Nav: "groupbuys",
		Data: map[string]any{"Form": form, "Species": s.speciesNames(), "Units": units}})
}

// groupBuyCreate stores a new group-buy from the form. The form's one-time
// token is kept with the group-buy: the same form sent again opens the
// first one's page instead of a second group-buy.
func (s *Server) groupBuyCreate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	k, ok := s.formKey(w, r)
	if !ok {
		return
	}
	again := func(err error) {
		s.render(w, r, statusOf(err), "groupbuy_new", page{Title: "新建团购", Nav: "groupbuys", Error: matching.ChineseMessage(err),
			Data: map[string]any{"Form": r.PostForm, "Species": s.speciesNames(), "Units": units}})
	}
	if done, err := s.formAnswered(w, r, k); done || err != nil {
		if err != nil {
			again(err)
		}
		return
	}
	g, err := s.decodeGroupBuy(r.PostForm)
	if err != nil {
		again(err)
		return
	}
	user := sessionFrom(r.Context()).User.ID
	a, replayed, err := s.submitOnce(r, k, func(tx *store.Tx) (string, string, error) {
		g, err := s.groupbuys.Create(r.Context(), tx, g, user)
		id := strconv.FormatInt(g.ID, 10)
		return "/groupbuys/" + id, "团购" + id + "已建立", err
	})
	if err != nil {
		again(err)
		return
	}
	s.answerForm(w, r, a, replayed)
}

// decodeGroupBuy reads and checks the group-buy form.
func (s *Server) decodeGroupBuy(v url.Values) (matching.GroupBuy, error) {
	var g matching.GroupBuy
	var err error
	if g.Species, err = text(v, "species", "品种", 20, true); err != nil {
		return g, err
	}
	if !s.known(g.Species) {
		return g, matching.Errorf(matching.CodeInvalid, "品种“%s”不在词库里，请先在词库页添加", g.Species)
	}
	if g.Variety, err = text(v, "variety", "品种细分", 20, false); err != nil {
		return g, err
	}
	if g.Unit, err = text(v, "unit", "单位", 4, true); err != nil {
		return g, err
	}
	price, err := moneyField(v, "price", "团购价")
	if err != nil {
		return g, err
	}
	if price == nil || !price.IsPositive() {
		return g, matching.Errorf(matching.CodeInvalid, "请填写团购价（大于0）")
	}
	g.Price = *price
	if g.MinTotal, err = count(v, "min_total", "成团数量", true); err != nil {
		return g, err
	}
	if v.Get("cap") != "" {
		if g.Cap, err = count(v, "cap", "封顶数量", false); err != nil {
			return g, err
		}
		if g.Cap > 0 && g.Cap < g.MinTotal {
			return g, matching.Errorf(matching.CodeInvalid, "封顶数量不能小于成团数量")
		}
	}
	if g.MinEach, err = count(v, "min_each", "每人起订", true); err != nil {
		return g, err
	}
	if g.Step, err = count(v, "step", "每次加", true); err != nil {
		return g, err
	}
	g.Deadline, err = time.ParseInLocation("2006-01-02", narrow(v.Get("deadline")), matching.ChinaTime)
	if err != nil {
		return g, matching.Errorf(matching.CodeInvalid, "截止日期要写成 2026-12-20 这样")
	}
	g.Deadline = g.Deadline.Add(24*time.Hour - time.Second) // the end of that day
	if !g.Deadline.After(s.store.Now()) {
		return g, matching.Errorf(matching.CodeInvalid, "截止日期要在今天以后")
	}
	g.Spec = matching.Spec{}
	for _, d := range matching.Dimensions {
		lo, err := cm(v, d.Key+"_min", d.Title()+"下限")
		if err != nil {
			return g, err
		}
		hi, err := cm(v, d.Key+"_max", d.Title()+"上限")
		if err != nil {
			return g, err
		}
		if lo != nil || hi != nil {
			if lo != nil && hi != nil && *lo > *hi {
				return g, matching.Errorf(matching.CodeInvalid, "%s下限大于上限", d.Title())
			}
			g.Spec[d.Key] = matching.Range{Min: lo, Max: hi}
		}
	}
	attrs, err := text(v, "attrs", "要求", 40, false)
	if err != nil {
		return g, err
	}
	for _, a := range strings.Fields(attrs) {
		if utf8.RuneCountInString(a) > 6 {
			return g, matching.Errorf(matching.CodeInvalid, "要求“%s”太长，用空格分开，如：全冠 带土球", a)
		}
		g.Attrs = append(g.Attrs, a)
	}
	town, err := text(v, "town", "交货镇街", 20, false)
	if err != nil {
		return g, err
	}
	if town != "" {
		g.Location = &matching.Location{City: "成都市", District: "温江区", Town: town}
	}
	return g, g.CheckBounds()
}

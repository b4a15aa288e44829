package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
)

// maxBulletin is the longest bulletin: five SMS parts.
const maxBulletin = 335

// bulletinDraft reads a bulletin's text and audience from a form or a query.
func bulletinDraft(v url.Values) (string, store.Audience, error) {
	body := strings.TrimSpace(strings.ReplaceAll(v.Get("body"), "\r\n", "\n"))
	a := store.Audience{Kind: enumValue(v.Get("audience"), store.AudienceAll, store.AudienceTown, store.AudienceGrowers, store.AudienceBuyers)}
	if body == "" {
		return body, a, matching.Errorf(matching.CodeInvalid, "请填写通知内容")
	}
	if !utf8.ValidString(body) || strings.ContainsRune(body, 0) {
		return body, a, matching.Errorf(matching.CodeInvalid, "通知内容含有无效字符")
	}
	if n := utf8.RuneCountInString(body); n > maxBulletin {
		return body, a, matching.Errorf(matching.CodeInvalid, "通知太长：%d字，最多%d字", n, maxBulletin)
	}
	switch a.Kind {
	case "":
		return body, a, matching.Errorf(matching.CodeInvalid, "请选择发送对象")
	case store.AudienceTown:
		a.Value = strings.TrimSpace(v.Get("town"))
		if a.Value == "" {
			return body, a, matching.Errorf(matching.CodeInvalid, "请选择镇（街道）")
		}
	case store.AudienceGrowers, store.AudienceBuyers:
		a.Value = strings.TrimSpace(v.Get("species"))
		if a.Value == "" || utf8.RuneCountInString(a.Value) > 12 {
			return body, a, matching.Errorf(matching.CodeInvalid, "请填写品种")
		}
	}
	return body, a, nil
}

// parts is how many SMS parts body takes with the carrier signature.
func (s *Server) parts(body string) int {
	return s.outbox.Parts(body)
}

// bulletinNew is the compose form; with a draft in the query it shows the
// number of recipients and SMS parts before anything is sent.
func (s *Server) bulletinNew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := map[string]any{"Body": q.Get("body"), "Audience": q.Get("audience"), "Town": q.Get("town"),
		"Species": q.Get("species"), "Towns": s.townNames(), "Names": s.speciesNames()}
	var errMsg string
	if q.Has("body") {
		body, a, err := bulletinDraft(q)
		if err != nil {
			errMsg = matching.ChineseMessage(err)
		} else {
			n, err := s.store.CountAudience(r.Context(), a)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			parts := s.parts(body)
			data["Preview"] = map[string]any{"Recipients": n, "Parts": parts, "Total": n * int64(parts),
				"Chars": outbound.Len(s.outbox.Signature + body), "Audience": audienceName(a)}
		}
	}
	status := http.StatusOK
	if errMsg != "" {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "bulletin_new", page{Title: "写群发通知", Nav: "bulletins", Error: errMsg, Data: data})
}

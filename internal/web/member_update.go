package web

import (
	"fmt"
	"net/http"

	"huamu/internal/store"
)

// memberUpdate saves name, village, verification, notes, stoplist and
// carrier override.
func (s *Server) memberUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var u store.MemberUpdate
	if u.Name, err = text(v, "name", "姓名", 20, false); err == nil {
		if u.Town, err = text(v, "town", "镇", 12, false); err == nil {
			if u.Village, err = text(v, "village", "村", 12, false); err == nil {
				u.Notes, err = text(v, "notes", "备注", 500, false)
			}
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u.Carrier = enumValue(v.Get("carrier"), "mobile", "unicom", "telecom", "broadnet")
	u.Verified = v.Get("verified") != ""
	u.Stopped = v.Get("stopped") != ""
	if err := s.store.UpdateMember(r.Context(), sessionFrom(r.Context()).User.ID, id, u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, fmt.Sprintf("/members/%d", id), "已保存")
}

func enumValue(v string, allowed ...string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return ""
}

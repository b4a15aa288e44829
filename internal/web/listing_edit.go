package web

import (
	"fmt"
	"net/http"

	"huamu/matching"
)

// listingEdit saves a clerk's correction; the member is told by SMS. The
// form posts back the remaining quantity it showed, so a change made from a
// stale page (a buyer ordered meanwhile) is refused with 409, not applied.
func (s *Server) listingEdit(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var e matching.ListingEdit
	if e.Remaining, err = count(v, "remaining", "剩余数量", false); err == nil {
		// What the page showed: the edit is relative to it (a page from
		// before this field existed is stale).
		if e.SeenRemaining, err = count(v, "seen_remaining", "页面上的剩余数量", false); err != nil {
			err = matching.Errorf(matching.CodeConflict, "页面已过期，请刷新后重新更正")
		}
	}
	if err == nil {
		if e.PriceMin, err = moneyField(v, "price", "单价"); err == nil {
			e.PriceMax, err = moneyField(v, "price_max", "单价上限")
		}
	}
	if err == nil {
		if e.PriceMax == nil {
			e.PriceMax = e.PriceMin
		}
		if e.PriceMin != nil && e.PriceMax.LessThan(*e.PriceMin) {
			err = matching.Errorf(matching.CodeInvalid, "单价上限不能小于单价")
		}
	}
	if err == nil {
		if e.Town, err = text(v, "town", "镇", 12, false); err == nil {
			e.Village, err = text(v, "village", "村", 12, false)
		}
	}
	e.Negotiable = v.Get("negotiable") != ""
	if err == nil {
		_, err = s.exchange.EditListing(r.Context(), sessionFrom(r.Context()).User.ID, id, e)
	}
	if err != nil {
		if code := matching.ErrorCodeOf(err); code == matching.CodeInvalid || code == matching.CodeConflict {
			s.listingPage(w, r, statusOf(err), v, matching.ChineseMessage(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	s.done(w, r, fmt.Sprintf("/listings/%d", id), "已保存更正，并短信通知会员")
}

// listingCancel closes a listing on a clerk's word; the member is told by SMS.
func (s *Server) listingCancel(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reason, err := text(r.PostForm, "reason", "撤销原因", 100, false)
	if err == nil {
		err = s.exchange.CancelListing(r.Context(), sessionFrom(r.Context()).User.ID, id, reason)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, fmt.Sprintf("/listings/%d", id), "已撤销，并短信通知会员")
}

package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"huamu/matching"
)

// overrides reads the clerk's adjusted draws: ov_<listing id>=qty.
func overrides(v url.Values) (map[int64]int64, error) {
	out := map[int64]int64{}
	for k := range v {
		rest, ok := strings.CutPrefix(k, "ov_")
		if !ok || v.Get(k) == "" {
			continue
		}
		lid, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || lid <= 0 {
			return nil, matching.Errorf(matching.CodeInvalid, "调整的信息编号不对")
		}
		q, err := count(v, k, itoa(lid)+"号信息的数量", false)
		if err != nil {
			return nil, err
		}
		out[lid] = q
	}
	if len(out) > 200 {
		return nil, matching.Errorf(matching.CodeInvalid, "调整的条目太多")
	}
	return out, nil
}

// groupBuyPurchase orders from the growers as previewed (with the same
// adjustments); each grower is texted the order to confirm or decline.
func (s *Server) groupBuyPurchase(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	override, err := overrides(r.PostForm)
	if err == nil {
		_, err = s.groupbuys.Purchase(r.Context(), id, override, sessionFrom(r.Context()).User.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/groupbuys/"+itoa(id), "已向种植户下单，等他们回短信确认")
}

// groupBuyAllocate shares what the growers confirmed among the participants.
func (s *Server) groupBuyAllocate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	if _, err := s.groupbuys.Allocate(r.Context(), id, sessionFrom(r.Context()).User.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/groupbuys/"+itoa(id), "团购"+itoa(id)+"已分配，已短信通知参团人")
}

// groupBuyExtend moves the deadline.
func (s *Server) groupBuyExtend(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	d, err := time.ParseInLocation("2006-01-02", narrow(r.PostForm.Get("deadline")), matching.ChinaTime)
	if err != nil {
		s.fail(w, r, matching.Errorf(matching.CodeInvalid, "截止日期要写成 2026-12-20 这样"))
		return
	}
	if err := s.groupbuys.Extend(r.Context(), id, d.Add(24*time.Hour-time.Second), sessionFrom(r.Context()).User.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/groupbuys/"+itoa(id), "截止日期已改")
}

// groupBuyCancel calls a group-buy off with a reason everyone is texted.
func (s *Server) groupBuyCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	reason, err := text(r.PostForm, "reason", "取消原因", 40, true)
	if err == nil {
		err = s.groupbuys.Cancel(r.Context(), id, reason, sessionFrom(r.Context()).User.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/groupbuys/"+itoa(id), "团购"+itoa(id)+"已取消，已短信通知参团人")
}

// groupBuySheets prints the per-grower pick lists and per-participant
// delivery sheets, one A4 page each.
func (s *Server) groupBuySheets(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, lines, err := s.allocated(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	growers, members := sheetsOf(g, lines)
	s.render(w, r, http.StatusOK, "groupbuy_sheets", page{Title: "团购" + itoa(id) + " 备货单和交货单", Nav: "groupbuys",
		Data: map[string]any{"G": g, "Growers": growers, "Members": members}})
}

// groupBuyExport is the pick lists and delivery sheets as a workbook.
func (s *Server) groupBuyExport(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, lines, err := s.allocated(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pick := sheet{Name: "备货单", Header: []string{"种植户", "电话", "信息号", "品种", "交给", "参团人电话", "数量", "单位", "单价(元)", "金额(元)"}}
	deliver := sheet{Name: "交货单", Header: []string{"参团人", "电话", "品种", "数量", "单位", "团购价(元)", "应付(元)", "来自种植户", "信息号"}}
	for _, l := range lines {
		pick.Rows = append(pick.Rows, []any{l.GrowerName, l.GrowerPhone, l.ListingID, g.Species, l.MemberName, l.MemberPhone,
			l.Qty, g.Unit, matching.Yuan(l.UnitCost), matching.Yuan(matching.LineTotal(l.UnitCost, l.Qty))})
		deliver.Rows = append(deliver.Rows, []any{l.MemberName, l.MemberPhone, g.Species, l.Qty, g.Unit,
			matching.Yuan(g.Price), matching.Yuan(matching.LineTotal(g.Price, l.Qty)), l.GrowerPhone, l.ListingID})
	}
	s.writeXLSX(w, r, "groupbuy-"+itoa(id)+"-"+stamp(s)+".xlsx", pick, deliver)
}

// groupBuyInvite texts the numbers whose open demands the group-buy fits,
// once each.
func (s *Server) groupBuyInvite(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.groupbuys.Invite(r.Context(), id, sessionFrom(r.Context()).User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/groupbuys/"+itoa(id), "已邀请"+strconv.Itoa(res.Invited)+"人，"+strconv.Itoa(res.Parts)+"条短信")
}

// idAndForm reads the route's id and the POST form, answering the error
// itself when either is bad.
func (s *Server) idAndForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	return id, parseForm(w, r)
}

// groupBuyDelivered records that the stock was handed over and texts the
// participants where to pick it up.
func (s *Server) groupBuyDelivered(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	where, err := text(r.PostForm, "where", "提货地点", 30, true)
	if err == nil {
		err = s.groupbuys.Delivered(r.Context(), id, where, sessionFrom(r.Context()).User.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/groupbuys/"+itoa(id), "已登记到货，已短信通知参团人提货")
}

// groupBuyPayment records money in from a participant or out to a grower.
func (s *Server) groupBuyPayment(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idAndForm(w, r)
	if !ok {
		return
	}
	member, err := count(r.PostForm, "member", "会员", true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	amount, err := moneyField(r.PostForm, "amount", "金额")
	if err == nil && amount == nil {
		err = matching.Errorf(matching.CodeInvalid, "请填写金额")
	}
	var slip string
	if err == nil {
		slip, err = text(r.PostForm, "receipt", "单据号", 20, true)
	}
	if err == nil {
		err = s.groupbuys.RecordPayment(r.Context(), id, member, r.PostForm.Get("dir"), *amount, slip,
			sessionFrom(r.Context()).User.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "/groupbuys/"+itoa(id), "已登记"+matching.Yuan(*amount)+"元")
}

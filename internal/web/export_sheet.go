package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/xuri/excelize/v2"

	"huamu/matching"
)

// sheet is one worksheet to write: a header row and the rows.
type sheet struct {
	Name   string
	Header []string
	Rows   [][]any
}

// writeXLSX sends sheets as one Excel workbook named file.
func (s *Server) writeXLSX(w http.ResponseWriter, r *http.Request, file string, sheets ...sheet) {
	f := excelize.NewFile()
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.Name); err != nil {
				s.fail(w, r, err)
				return
			}
		} else if _, err := f.NewSheet(sh.Name); err != nil {
			s.fail(w, r, err)
			return
		}
		sw, err := f.NewStreamWriter(sh.Name)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		head := make([]any, len(sh.Header))
		for j, h := range sh.Header {
			head[j] = excelize.Cell{StyleID: bold, Value: h}
		}
		if err := sw.SetRow("A1", head); err != nil {
			s.fail(w, r, err)
			return
		}
		for j, row := range sh.Rows {
			for k, v := range row {
				if str, ok := v.(string); ok && strings.ContainsAny(str[:min(1, len(str))], "=+-@") {
					row[k] = "'" + str // never a formula from a text someone sent
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, j+2)
			if err := sw.SetRow(cell, row); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if err := sw.Flush(); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, file))
	if err := f.Write(w); err != nil {
		s.log.Error("export", "file", file, "err", err)
	}
}

func stamp(s *Server) string { return s.store.Now().In(matching.ChinaTime).Format("20060102-1504") }

// exportListings is the listings page's search as a workbook.
func (s *Server) exportListings(w http.ResponseWriter, r *http.Request) {
	f := listingSearch(r)
	f.Limit = 5000
	ls, err := s.store.SearchListings(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sh := sheet{Name: "供求信息", Header: []string{"编号", "供/求", "品种", "品种名", "规格", "数量", "剩余", "单位", "单价", "单价上限", "面议", "镇", "村", "手机号", "状态", "登记时间", "到期"}}
	for _, l := range ls {
		side := "求"
		if l.Side == matching.Supply {
			side = "供"
		}
		var spec []string
		for _, sv := range l.Spec.Values() {
			spec = append(spec, sv.Title()+rangeText(sv.Range))
		}
		var pmin, pmax any = "", ""
		if l.Price != nil && l.Price.Min != nil {
			pmin = l.Price.Min.StringFixed(2)
		}
		if l.Price != nil && l.Price.Max != nil {
			pmax = l.Price.Max.StringFixed(2)
		}
		town, village := "", ""
		if l.Location != nil {
			town, village = l.Location.Town, l.Location.Village
		}
		sh.Rows = append(sh.Rows, []any{l.ID, side, l.Species, l.Variety, strings.Join(spec, " "), l.Qty.Amount(), l.Remaining,
			l.Qty.Unit, pmin, pmax, boolText(l.Negotiable), town, village, l.Phone, l.State.Chinese(),
			l.CreatedAt.In(matching.ChinaTime).Format("2006-01-02 15:04"), l.ExpiresAt.In(matching.ChinaTime).Format("2006-01-02")})
	}
	s.writeXLSX(w, r, "listings-"+stamp(s)+".xlsx", sh)
}

// exportSMS is the SMS log's search as a workbook: texts in, texts out.
func (s *Server) exportSMS(w http.ResponseWriter, r *http.Request) {
	f, _ := smsFilter(r)
	f.Limit = 10000
	in, err := s.store.SearchInbound(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Carrier = "" // outbound rows carry their bind, not the carrier
	out, err := s.store.SearchOutbox(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := sheet{Name: "收到的短信", Header: []string{"编号", "时间", "发信人", "运营商", "内容", "状态", "原因", "结果"}}
	for _, m := range in {
		a.Rows = append(a.Rows, []any{m.ID, m.ReceivedAt.In(matching.ChinaTime).Format("2006-01-02 15:04:05"), m.Sender, m.Carrier,
			m.Body, stateName(m.State), reasonName(m.Reason), m.Outcome})
	}
	b := sheet{Name: "发出的短信", Header: []string{"编号", "时间", "收信人", "类别", "内容", "条数", "状态", "通道", "错误"}}
	for _, m := range out {
		b.Rows = append(b.Rows, []any{m.ID, m.CreatedAt.In(matching.ChinaTime).Format("2006-01-02 15:04:05"), m.Recipient, m.Kind,
			m.Body, m.Parts, stateName(m.State), m.Bind, m.LastError})
	}
	s.writeXLSX(w, r, "sms-"+stamp(s)+".xlsx", a, b)
}

// exportOrders is the order book for a date range as a workbook.
func (s *Server) exportOrders(w http.ResponseWriter, r *http.Request) {
	to := dateParam(r, "to")
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
	}
	os, err := s.store.ListOrders(r.Context(), dateParam(r, "from"), to, "", 10000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sh := sheet{Name: "订单", Header: []string{"编号", "信息编号", "买方", "卖方", "品种", "品种名", "数量", "单位", "单价(元)", "金额(元)", "状态", "下单时间"}}
	for _, o := range os {
		sh.Rows = append(sh.Rows, []any{o.ID, o.ListingID, o.Buyer, o.Seller, o.Species, o.Variety, o.Qty, o.Unit,
			o.UnitPrice.StringFixed(2), o.Total.StringFixed(2), o.State, o.CreatedAt.In(matching.ChinaTime).Format("2006-01-02 15:04")})
	}
	s.writeXLSX(w, r, "orders-"+stamp(s)+".xlsx", sh)
}

func boolText(b bool) string {
	if b {
		return "是"
	}
	return ""
}

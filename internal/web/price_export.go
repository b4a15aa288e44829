package web

import (
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"huamu/matching"
)

// priceExport is the 行情 page as a workbook: the week's table, and each
// band's weekly median over the weeks shown. Figures the privacy rule holds
// back are not in it either.
func (s *Server) priceExport(w http.ResponseWriter, r *http.Request) {
	p, ix, _, err := s.priceIndexFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Species == "" {
		s.fail(w, r, matching.Errorf(matching.CodeInvalid, "请选择品种"))
		return
	}
	wk := weekIndex(ix, p.Week)
	week := sheet{Name: "一周行情", Header: []string{"品种", "周", "规格档", "范围", "成交笔数", "成交量", "中位价(元)", "加权均价(元)",
		"最低成交价", "最高成交价", "上周中位价", "较上周", "前四周中位价", "较前四周", "报价条数", "最低报价", "最高报价",
		"求购出价条数", "最低出价", "最高出价", "需核对的异常成交"}}
	label := matching.WeekLabel(ix.Weeks[wk])
	for _, row := range priceRows(ix, wk) {
		c := row.Cell
		out := []any{p.Species, label, row.Label, row.Range, c.Deals.N}
		if c.Deals.Public {
			out = append(out, c.Deals.Qty, yuanCell(c.Deals.Median), yuanCell(c.Deals.Mean), yuanCell(c.Deals.Low), yuanCell(c.Deals.High))
		} else {
			out = append(out, "不公布", "", "", "", "")
		}
		out = append(out, figureCell(c.Prev), row.PrevChange, figureCell(c.Four), row.FourChange)
		out = append(out, rangeCells(c.Asks)...)
		out = append(out, rangeCells(c.Bids)...)
		out = append(out, c.Flagged)
		week.Rows = append(week.Rows, out)
	}
	weekly := sheet{Name: "每周中位价", Header: []string{"规格档"}}
	for _, start := range ix.Weeks {
		weekly.Header = append(weekly.Header, start.In(matching.ChinaTime).Format(time.DateOnly))
	}
	for _, ps := range ix.Series {
		out := []any{ps.Label()}
		for _, c := range ps.Cells {
			out = append(out, figureCell(c.Deals))
		}
		weekly.Rows = append(weekly.Rows, out)
	}
	s.writeXLSX(w, r, "prices-"+ix.Weeks[wk].In(matching.ChinaTime).Format("20060102")+".xlsx", week, weekly)
}

// figureCell is a public median as an amount, else "".
func figureCell(f matching.DealFigures) any {
	if !f.Public {
		return ""
	}
	return yuanCell(f.Median)
}

func rangeCells(r matching.PriceRange) []any {
	if r.N == 0 {
		return []any{0, "", ""}
	}
	return []any{r.N, yuanCell(r.Low), yuanCell(r.High)}
}

// yuanCell is an amount as the other exports write it: two decimals, exact.
func yuanCell(d decimal.Decimal) string { return d.StringFixed(2) }

package matching

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The price index in texts: the answer to 行情 桂花 and the weekly
// bulletin. Both follow the index's privacy rule by construction (a
// non-public cell has no figures to show) and fit the room they are given.

// YuanShort writes an amount for a price text: whole yuan without decimals
// (590), others with two (0.80, 12.50).
func YuanShort(d decimal.Decimal) string {
	if d.Equal(d.Truncate(0)) {
		return d.Truncate(0).String()
	}
	return d.StringFixed(2)
}

// WeekLabel is a week as texts and sheets name it: "3月9日-15日",
// "3月30日-4月5日".
func WeekLabel(start time.Time) string {
	s := start.In(ChinaTime)
	e := s.AddDate(0, 0, 6)
	if e.Month() == s.Month() {
		return s.Format("1月2日") + "-" + e.Format("2日")
	}
	return s.Format("1月2日") + "-" + e.Format("1月2日")
}

// trendText is "(上周610↓3%)", "(上周610持平)", or against the four weeks
// before "(近4周600↑2%)"; "" when neither reference is public.
func trendText(c PriceCell, compact bool) string {
	ref, word := c.Prev, "上周"
	pct, ok := Change(c.Deals, ref)
	if !ok {
		ref, word = c.Four, "近4周"
		if pct, ok = Change(c.Deals, ref); !ok {
			return ""
		}
	}
	arrow := ""
	switch {
	case pct > 0:
		arrow = "↑" + strconv.FormatInt(pct, 10) + "%"
	case pct < 0:
		arrow = "↓" + strconv.FormatInt(-pct, 10) + "%"
	default:
		arrow = "持平"
	}
	if compact {
		return arrow
	}
	return "(" + word + YuanShort(ref.Median) + arrow + ")"
}

func priceUnit(p Product) string {
	if p.Unit == "株" {
		return "元"
	}
	return "元/" + p.Unit
}

func rangeText(r PriceRange, p Product) string {
	if r.Low.Equal(r.High) {
		return YuanShort(r.Low) + priceUnit(p)
	}
	return YuanShort(r.Low) + "-" + YuanShort(r.High) + priceUnit(p)
}

// publicAt returns the series with public deals in week w, most deals
// first (band order on ties).
func (ix PriceIndex) publicAt(w int, keep func(PriceSeries) bool) []PriceSeries {
	var out []PriceSeries
	for _, s := range ix.Series {
		if s.Cells[w].Deals.Public && (keep == nil || keep(s)) {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b PriceSeries) int { return cmp.Compare(b.Cells[w].Deals.N, a.Cells[w].Deals.N) })
	return out
}

// asksNow is the range of the asks standing in the current week of the
// series kept (the species' plain product when keep is nil), with its product.
func (ix PriceIndex) asksNow(keep func(PriceSeries) bool) (PriceRange, Product) {
	w := ix.Current()
	var all PriceRange
	var prod Product
	for _, s := range ix.Series {
		if keep == nil && !s.Product.Plain() || keep != nil && !keep(s) {
			continue
		}
		all, prod = all.with(s.Cells[w].Asks), s.Product
	}
	return all, prod
}

// with is r and o together.
func (r PriceRange) with(o PriceRange) PriceRange {
	switch {
	case o.N == 0:
		return r
	case r.N == 0:
		return o
	}
	return PriceRange{N: r.N + o.N, Low: decimal.Min(r.Low, o.Low), High: decimal.Max(r.High, o.High)}
}

// PriceAnswer answers 行情 桂花 in at most room UTF-16 units:
// "桂花本周成交12笔:8cm价590元(上周610↓3%),10cm价820元;报价8条550-650元".
// It gives this week's deals per band, most traded first, or last week's
// while this week has none to publish; then the asks standing now. A band
// with too few deals to publish is left out of the deals; when no band
// can be published, the bands' asks are given instead. keep, when not
// nil, narrows the answer to some series (the band of 桂花8公分好多钱).
func PriceAnswer(ix PriceIndex, room int, keep func(PriceSeries) bool) string {
	w, when := ix.Current(), "本周"
	if len(ix.publicAt(w, keep)) == 0 && w > 0 && len(ix.publicAt(w-1, keep)) > 0 {
		w, when = w-1, "上周"
	}
	deals := ix.publicAt(w, keep)
	asks, prod := ix.asksNow(keep)
	var head string
	var lines []string
	if len(deals) > 0 {
		n := ix.Deals[w]
		if keep != nil {
			n = 0
			for _, s := range deals {
				n += s.Cells[w].Deals.N
			}
		}
		head = ix.Species + when + "成交" + strconv.Itoa(n) + "笔:"
		for _, s := range deals {
			c := s.Cells[w]
			lines = append(lines, s.Label()+"价"+YuanShort(c.Deals.Median)+priceUnit(s.Product)+trendText(c, false))
		}
	} else {
		head = ix.Species + "近期成交少于3笔,暂无成交价"
		// The bands' asks instead, most offered first.
		var byAsks []PriceSeries
		for _, s := range ix.Series {
			if s.Cells[ix.Current()].Asks.N > 0 && (keep == nil || keep(s)) {
				byAsks = append(byAsks, s)
			}
		}
		slices.SortStableFunc(byAsks, func(a, b PriceSeries) int {
			return cmp.Compare(b.Cells[ix.Current()].Asks.N, a.Cells[ix.Current()].Asks.N)
		})
		if len(byAsks) > 1 {
			for _, s := range byAsks {
				a := s.Cells[ix.Current()].Asks
				lines = append(lines, s.Label()+"报价"+strconv.Itoa(a.N)+"条"+rangeText(a, s.Product))
			}
			asks.N = 0 // said band by band
		}
		if len(lines) == 0 && asks.N == 0 {
			return CutUnits(ix.Species+"近期暂无成交和报价。有货可发\"供 "+ix.Species+" 规格 数量 价格\"", room)
		}
		head += ";"
	}
	tail := ""
	if asks.N > 0 {
		tail = "报价" + strconv.Itoa(asks.N) + "条" + rangeText(asks, prod)
	}
	return packPrice(head, lines, ",", tail, room)
}

// packPrice joins head, as many lines as fit (in order) and tail, cutting
// the last resort with "…".
func packPrice(head string, lines []string, sep, tail string, room int) string {
	for k := len(lines); k >= 0; k-- {
		var b strings.Builder
		b.WriteString(head)
		b.WriteString(strings.Join(lines[:k], sep))
		if k < len(lines) {
			b.WriteString("等")
		}
		if tail != "" {
			if k > 0 {
				b.WriteString(";")
			}
			b.WriteString(tail)
		}
		if UTF16Len(b.String()) <= room {
			return b.String()
		}
	}
	return CutUnits(head+tail, room)
}

// PriceBulletinLine is one species in the weekly bulletin at a level of
// detail (0 most): "桂花:8cm 590元↓3%,10cm 820元;报价550-650元" for week
// w. Level 0 gives three bands, 1 two, 2 one, 3 the asks only.
func PriceBulletinLine(ix PriceIndex, w, level int) string {
	deals := ix.publicAt(w, nil)
	deals = deals[:min(len(deals), max(3-level, 0))]
	var parts []string
	for _, s := range deals {
		c := s.Cells[w]
		parts = append(parts, s.Label()+" "+YuanShort(c.Deals.Median)+priceUnit(s.Product)+trendText(c, true))
	}
	line := ix.Species + ":"
	if len(parts) > 0 {
		line += strings.Join(parts, ",")
	} else if level < 3 || len(ix.publicAt(w, nil)) == 0 {
		line += "暂无成交价"
	}
	if asks, prod := ix.asksNow(nil); asks.N > 0 {
		if len(parts) > 0 || !strings.HasSuffix(line, ":") {
			line += ";"
		}
		line += "报价" + rangeText(asks, prod)
	}
	return line
}

// PriceBulletin is one subscriber's weekly text in at most room units:
// head, then each species (as PriceBulletinLine gives it at week w), then
// tail. Detail is taken from the longest line first until the text fits;
// species that still do not fit are left out with "…".
func PriceBulletin(head string, ixs []PriceIndex, w int, tail string, room int) string {
	levels := make([]int, len(ixs))
	build := func(n int) string {
		parts := make([]string, n)
		for i := range n {
			parts[i] = PriceBulletinLine(ixs[i], w, levels[i])
		}
		s := head + strings.Join(parts, ";")
		if n < len(ixs) {
			s += "…"
		}
		return s + tail
	}
	for n := len(ixs); n >= 1; n-- {
		clear(levels)
		for {
			text := build(n)
			if UTF16Len(text) <= room {
				return text
			}
			// Take detail from the longest line that still has some.
			longest := -1
			for i := range n {
				if levels[i] < 3 && (longest < 0 || UTF16Len(PriceBulletinLine(ixs[i], w, levels[i])) > UTF16Len(PriceBulletinLine(ixs[longest], w, levels[longest]))) {
					longest = i
				}
			}
			if longest < 0 {
				break
			}
			levels[longest]++
		}
	}
	return CutUnits(head+tail, room)
}

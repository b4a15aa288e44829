package outbound

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"huamu/matching"
)

// The price index in texts: the answer to 行情 桂花 and the weekly
// bulletin, each packed into the room it is given.

// trendText is "(上周610↓3%)", "(上周610持平)", or against the four weeks
// before "(近4周600↑2%)"; "" when neither reference is public.
func trendText(c matching.PriceCell, compact bool) string {
	ref, word := c.Prev, "上周"
	pct, ok := matching.Change(c.Deals, ref)
	if !ok {
		ref, word = c.Four, "近4周"
		if pct, ok = matching.Change(c.Deals, ref); !ok {
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
	return "(" + word + matching.YuanShort(ref.Median) + arrow + ")"
}

func priceUnit(p matching.Product) string {
	if p.Unit == "株" {
		return "元"
	}
	return "元/" + p.Unit
}

func rangeText(r matching.PriceRange, p matching.Product) string {
	if r.Low.Equal(r.High) {
		return matching.YuanShort(r.Low) + priceUnit(p)
	}
	return matching.YuanShort(r.Low) + "-" + matching.YuanShort(r.High) + priceUnit(p)
}

// PriceAnswer answers 行情 桂花 in at most room UTF-16 units:
// "桂花本周成交12笔:8cm价590元(上周610↓3%),10cm价820元;报价8条550-650元".
// It gives this week's deals per band, most traded first, or last week's
// while this week has none to publish; then the asks standing now. A band
// with too few deals to publish is left out of the deals; when no band
// can be published, the bands' asks are given instead. keep, when not
// nil, narrows the answer to some series (the band of 桂花8公分好多钱).
func PriceAnswer(ix matching.PriceIndex, room int, keep func(matching.PriceSeries) bool) string {
	w, when := ix.Current(), "本周"
	if len(ix.PublicAt(w, keep)) == 0 && w > 0 && len(ix.PublicAt(w-1, keep)) > 0 {
		w, when = w-1, "上周"
	}
	deals := ix.PublicAt(w, keep)
	asks, prod := ix.AsksNow(keep)
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
			lines = append(lines, s.Label()+"价"+matching.YuanShort(c.Deals.Median)+priceUnit(s.Product)+trendText(c, false))
		}
	} else {
		head = ix.Species + "近期成交少于3笔,暂无成交价"
		// The bands' asks instead, most offered first.
		var byAsks []matching.PriceSeries
		for _, s := range ix.Series {
			if s.Cells[ix.Current()].Asks.N > 0 && (keep == nil || keep(s)) {
				byAsks = append(byAsks, s)
			}
		}
		slices.SortStableFunc(byAsks, func(a, b matching.PriceSeries) int {
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
			return Cut(ix.Species+"近期暂无成交和报价。有货可发\"供 "+ix.Species+" 规格 数量 价格\"", room)
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
		if Len(b.String()) <= room {
			return b.String()
		}
	}
	return Cut(head+tail, room)
}

// PriceBulletinLine is one species in the weekly bulletin at a level of
// detail (0 most): "桂花:8cm 590元↓3%,10cm 820元;报价550-650元" for week
// w. Level 0 gives three bands, 1 two, 2 one, 3 the asks only.
func PriceBulletinLine(ix matching.PriceIndex, w, level int) string {
	deals := ix.PublicAt(w, nil)
	deals = deals[:min(len(deals), max(3-level, 0))]
	var parts []string
	for _, s := range deals {
		c := s.Cells[w]
		parts = append(parts, s.Label()+" "+matching.YuanShort(c.Deals.Median)+priceUnit(s.Product)+trendText(c, true))
	}
	line := ix.Species + ":"
	if len(parts) > 0 {
		line += strings.Join(parts, ",")
	} else if level < 3 || len(ix.PublicAt(w, nil)) == 0 {
		line += "暂无成交价"
	}
	if asks, prod := ix.AsksNow(nil); asks.N > 0 {
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
func PriceBulletin(head string, ixs []matching.PriceIndex, w int, tail string, room int) string {
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
			if Len(text) <= room {
				return text
			}
			// Take detail from the longest line that still has some.
			longest := -1
			for i := range n {
				if levels[i] < 3 && (longest < 0 || Len(PriceBulletinLine(ixs[i], w, levels[i])) > Len(PriceBulletinLine(ixs[longest], w, levels[longest]))) {
					longest = i
				}
			}
			if longest < 0 {
				break
			}
			levels[longest]++
		}
	}
	return Cut(head+tail, room)
}

// priceBulletinTail ends every weekly text: how to stop only this.
const priceBulletinTail = `。回"退订行情"停收`

// WeeklyPriceBulletin is one subscriber's weekly text (an unsolicited
// text: KindBulletin) in at most room units: the week that started on
// week, which is week 0 of each of ixs (indexes of two weeks ending with
// the current one).
func WeeklyPriceBulletin(week time.Time, ixs []matching.PriceIndex, room int) string {
	return PriceBulletin("上周行情("+matching.WeekLabel(week)+")", ixs, 0, priceBulletinTail, room)
}

// PriceBulletinRecord is how the bulletins page names a weekly bulletin
// that started on week with species.
func PriceBulletinRecord(week time.Time, species []string) string {
	return Cut(fmt.Sprintf("价格周报 %s：%s（每人只收所订品种的行情）", matching.WeekLabel(week), strings.Join(species, "、")), 300)
}

package web

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"huamu/matching"
)

// The 行情 page's chart, drawn on the server as SVG (like the dashboard's):
// each band's weekly deal median as a line (broken where a week has no
// figure to publish), and behind it, as a pale bar per week, the range of
// the band's asks that week. Up to chartSeries bands, the most traded.

const (
	pcW, pcH                       = 760.0, 300.0
	pcLeft, pcRight, pcTop, pcBott = 58.0, 12.0, 12.0, 26.0
	chartSeries                    = 6
)

// chartColors are the bands' colours, readable in print and to most
// colour-blind readers.
var chartColors = []string{"#2f5d3a", "#1d4f8a", "#c0661e", "#7b3294", "#b3261e", "#3d8c95"}

type chartRect struct {
	X, Y, W, H float64
	Fill       string
	Title      string
}

type chartDot struct {
	X, Y  float64
	Title string
}

type chartLine struct {
	Color  string
	Points string // x,y pairs for a polyline
	Dots   []chartDot
}

type chartTick struct {
	X, Y  float64
	Label string
}

type chartKey struct {
	Color, Label string
	AsksOnly     bool // no week to publish: only its asks are drawn
}

// priceChart is what the template draws.
type priceChart struct {
	W, H, Left, Right, Bottom float64
	Bars                      []chartRect
	Lines                     []chartLine
	YTicks, XTicks            []chartTick
	Legend                    []chartKey
	Empty                     bool
}

// chartSeriesOf picks the series to draw: most deals over the weeks, then
// most asks.
func chartSeriesOf(ix matching.PriceIndex) []matching.PriceSeries {
	type scored struct {
		s           matching.PriceSeries
		deals, asks int
	}
	var all []scored
	for _, s := range ix.Series {
		sc := scored{s: s}
		for _, c := range s.Cells {
			if c.Deals.Public {
				sc.deals += c.Deals.N
			}
			sc.asks += c.Asks.N
		}
		if sc.deals > 0 || sc.asks > 0 {
			all = append(all, sc)
		}
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		if c := cmp.Compare(b.deals, a.deals); c != 0 {
			return c
		}
		return cmp.Compare(b.asks, a.asks)
	})
	var out []matching.PriceSeries
	for _, sc := range all[:min(len(all), chartSeries)] {
		out = append(out, sc.s)
	}
	return out
}

// drawPriceChart lays out ix's chart.
func drawPriceChart(ix matching.PriceIndex) priceChart {
	c := priceChart{W: pcW, H: pcH, Left: pcLeft, Right: pcW - pcRight, Bottom: pcH - pcBott}
	shown := chartSeriesOf(ix)
	// The scale follows the medians; asks widen it only down to three
	// quarters of the lowest and up to half again the highest median (one
	// typo of an ask must not flatten every line): their bars are cut at
	// the plot's edges.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range shown {
		for _, cell := range s.Cells {
			if cell.Deals.Public {
				v := cell.Deals.Median.InexactFloat64()
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	floor, ceil := lo*0.75, hi*1.5
	if math.IsInf(lo, 1) {
		floor, ceil = 0, math.Inf(1)
	}
	for _, s := range shown {
		for _, cell := range s.Cells {
			if cell.Asks.N > 0 {
				lo = min(lo, max(cell.Asks.Low.InexactFloat64(), floor))
				hi = max(hi, min(cell.Asks.High.InexactFloat64(), ceil))
			}
		}
	}
	if len(shown) == 0 || math.IsInf(lo, 1) {
		c.Empty = true
		return c
	}
	step := niceStep((hi - lo) / 5)
	lo = math.Floor(lo/step) * step
	hi = math.Ceil(hi/step) * step
	if hi <= lo {
		lo, hi = max(lo-step, 0), hi+step
	}
	plotH := c.Bottom - pcTop
	y := func(v float64) float64 { return pcTop + plotH*(hi-min(max(v, lo), hi))/(hi-lo) }
	for v := lo; v <= hi+step/2; v += step {
		c.YTicks = append(c.YTicks, chartTick{X: pcLeft - 6, Y: y(v), Label: trimFloat(v)})
	}
	n := len(ix.Weeks)
	slot := (c.Right - pcLeft) / float64(n)
	x := func(w int) float64 { return pcLeft + slot*(float64(w)+0.5) }
	for w, start := range ix.Weeks {
		if w%4 == 0 && w <= n-3 || w == n-1 {
			c.XTicks = append(c.XTicks, chartTick{X: x(w), Y: pcH - 8, Label: start.In(matching.ChinaTime).Format("1/2")})
		}
	}
	for k, s := range shown {
		color := chartColors[k%len(chartColors)]
		key := chartKey{Color: color, Label: s.Label(), AsksOnly: true}
		var line *chartLine
		for w, cell := range s.Cells {
			week := ix.Weeks[w].In(matching.ChinaTime).Format("1月2日") + "周 " + s.Label()
			if a := cell.Asks; a.N > 0 {
				top, bot := y(a.High.InexactFloat64()), y(a.Low.InexactFloat64())
				c.Bars = append(c.Bars, chartRect{X: x(w) - slot*0.35, Y: top, W: slot * 0.7, H: max(bot-top, 1.5), Fill: color,
					Title: fmt.Sprintf("%s 报价%d条 %s–%s元", week, a.N, matching.YuanShort(a.Low), matching.YuanShort(a.High))})
			}
			if !cell.Deals.Public {
				line = nil // a gap: no figure to publish that week
				continue
			}
			key.AsksOnly = false
			if line == nil {
				c.Lines = append(c.Lines, chartLine{Color: color})
				line = &c.Lines[len(c.Lines)-1]
			}
			px, py := x(w), y(cell.Deals.Median.InexactFloat64())
			line.Points = strings.TrimSpace(line.Points + fmt.Sprintf(" %.1f,%.1f", px, py))
			line.Dots = append(line.Dots, chartDot{X: px, Y: py,
				Title: fmt.Sprintf("%s 成交%d笔 中位价%s元", week, cell.Deals.N, matching.YuanShort(cell.Deals.Median))})
		}
		c.Legend = append(c.Legend, key)
	}
	return c
}

// niceStep rounds a raw step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func trimFloat(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.2f", v), ".00") }

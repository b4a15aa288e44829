package web

import (
	"huamu/internal/outbound"
	"net/http"

	"huamu/internal/store"
	"huamu/matching"
)

// bar is one bar of a server-drawn SVG chart.
type bar struct {
	X, Y, W, H float64
	Label      string
	Title      string
}

// chart is a two-series bar chart drawn as SVG on the server.
type chart struct {
	Width, Height float64
	In, Out       []bar
	Max           int64
	Labels        []bar
}

const chartW, chartH, chartTop, chartBottom = 720.0, 200.0, 10.0, 20.0

func dayChart(days []store.Day) chart {
	c := chart{Width: chartW, Height: chartH}
	for _, d := range days {
		c.Max = max(c.Max, d.In, d.Out)
	}
	if len(days) == 0 {
		return c
	}
	slot := chartW / float64(len(days))
	plot := chartH - chartTop - chartBottom
	scale := func(n int64) float64 {
		if c.Max == 0 {
			return 0
		}
		return plot * float64(n) / float64(c.Max)
	}
	for i, d := range days {
		x := float64(i) * slot
		w := slot*0.4 - 1
		hi, ho := scale(d.In), scale(d.Out)
		c.In = append(c.In, bar{X: x + 1, Y: chartTop + plot - hi, W: w, H: hi, Title: d.Date.In(matching.ChinaTime).Format("01-02") + " 收"})
		c.Out = append(c.Out, bar{X: x + 1 + w, Y: chartTop + plot - ho, W: w, H: ho, Title: d.Date.In(matching.ChinaTime).Format("01-02") + " 发"})
		if i%5 == 0 || i == len(days)-1 {
			c.Labels = append(c.Labels, bar{X: x, Y: chartH - 5, Label: d.Date.In(matching.ChinaTime).Format("01-02")})
		}
		c.In[i].Label, c.Out[i].Label = itoa(d.In), itoa(d.Out)
	}
	return c
}

func (s *Server) dashboardShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.store.Now().In(matching.ChinaTime)
	today, month := matching.DayStart(now), matching.MonthStart(now)
	day, err := s.store.DashboardFigures(ctx, today, today.AddDate(0, 0, 1), matchKinds)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mon, err := s.store.DashboardFigures(ctx, month, month.AddDate(0, 1, 0), matchKinds)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	days, err := s.store.DailyTexts(ctx, now, 30)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	waiting, err := s.store.CountInbound(ctx, "needs_clerk")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var binds []any
	if s.gateway != nil {
		for _, b := range s.gateway.Status() {
			binds = append(binds, b)
		}
	}
	s.render(w, r, http.StatusOK, "dashboard", page{Title: "概况", Nav: "dashboard", Data: map[string]any{
		"Today": day, "Month": mon, "Chart": dayChart(days), "Waiting": waiting, "Binds": binds,
		"Date": now.Format("2006年1月2日"), "Lexicon": s.lexicon.Version(),
	}})
}

// matchKinds are the texts the dashboard counts as matches.
var matchKinds = outbound.Strings(outbound.MatchKinds)

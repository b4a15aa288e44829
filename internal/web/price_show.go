package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"huamu/internal/lexicon"
	"huamu/internal/store"
	"huamu/matching"
)

// priceRow is one band of the week's table.
type priceRow struct {
	Label, Range string
	Cell         matching.PriceCell
	PrevChange   string // "↓3%", "" without a public reference
	FourChange   string
}

// changeText is cur against ref as "↑5%", "↓3%", "持平", or "".
func changeText(cur, ref matching.DealFigures) string {
	pct, ok := matching.Change(cur, ref)
	switch {
	case !ok:
		return ""
	case pct > 0:
		return "↑" + strconv.FormatInt(pct, 10) + "%"
	case pct < 0:
		return "↓" + strconv.FormatInt(-pct, 10) + "%"
	}
	return "持平"
}

// priceRows is week w of ix, one row per band with deals, asks or bids.
func priceRows(ix matching.PriceIndex, w int) []priceRow {
	var out []priceRow
	for _, s := range ix.Series {
		c := s.Cells[w]
		if c.Deals.N == 0 && c.Asks.N == 0 && c.Bids.N == 0 {
			continue
		}
		rng := s.Band.RangeLabel()
		if s.Band.Index < 0 {
			rng = "没写" + matching.BasisTitle(s.Band.Basis)
		}
		out = append(out, priceRow{Label: s.Label(), Range: rng, Cell: c,
			PrevChange: changeText(c.Deals, c.Prev), FourChange: changeText(c.Deals, c.Four)})
	}
	return out
}

// weekIndex is the position of week (a Monday) in ix.Weeks, the last one
// when week is zero or not shown.
func weekIndex(ix matching.PriceIndex, week time.Time) int {
	for i, w := range ix.Weeks {
		if w.Equal(week) {
			return i
		}
	}
	return ix.Current()
}

// priceIndexFor reads the query and builds the asked species' index (the
// most traded species when none is asked) with the species to choose from.
func (s *Server) priceIndexFor(r *http.Request) (priceParams, matching.PriceIndex, []string, error) {
	p, err := decodePriceQuery(r.URL.Query(), s.canonicalSpecies)
	if err != nil {
		return p, matching.PriceIndex{}, nil, err
	}
	var ix matching.PriceIndex
	var species []string
	ctx := r.Context()
	err = s.store.ReadTx(ctx, func(tx *store.Tx) error {
		var err error
		if species, err = tx.PricedSpecies(ctx, matching.WeekStart(tx.Now).AddDate(0, 0, -7*p.Weeks)); err != nil {
			return err
		}
		if p.Species == "" && len(species) > 0 {
			p.Species = species[0]
		}
		if p.Species == "" {
			return nil
		}
		ix, err = s.prices.Index(ctx, tx, p.Species, p.Weeks, tx.Now)
		return err
	})
	return p, ix, species, err
}

// priceShow is the 行情 page: pick a species, see its weekly deal medians
// per band over the last weeks (the asks behind them), the table of one
// week, the deals flagged for a clerk, and the weekly bulletins sent.
func (s *Server) priceShow(w http.ResponseWriter, r *http.Request) {
	p, ix, species, err := s.priceIndexFor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := map[string]any{"P": p, "Species": species, "Names": slices.Sorted(maps.Keys(s.lexicon.Data().Species)),
		"MinDeals": matching.MinPublicDeals, "MinSellers": matching.MinPublicSellers}
	if p.Species != "" {
		wk := weekIndex(ix, p.Week)
		data["Index"] = ix
		data["Chart"] = drawPriceChart(ix)
		data["Rows"] = priceRows(ix, wk)
		data["Week"] = ix.Weeks[wk]
		data["WeekLabel"] = matching.WeekLabel(ix.Weeks[wk])
		data["Current"] = wk == ix.Current()
		data["Deals"] = ix.Deals[wk]
		if wk > 0 {
			data["PrevWeek"] = ix.Weeks[wk-1].In(matching.ChinaTime).Format(time.DateOnly)
		}
		if wk < ix.Current() {
			data["NextWeek"] = ix.Weeks[wk+1].In(matching.ChinaTime).Format(time.DateOnly)
		}
		data["Bands"] = bandsText(lexicon.BandSettings(s.lexicon.Data(), p.Species))
		subs, err := s.store.CountPriceSubscribers(r.Context(), p.Species)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data["Subscribers"] = subs
	}
	sent, err := s.store.PriceBulletins(r.Context(), 8)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data["Bulletins"] = sent
	s.render(w, r, http.StatusOK, "prices", page{Title: "价格行情", Nav: "prices", Data: data})
}

// bandsText says how a species is banded, for the page.
func bandsText(b matching.BandSettings) string {
	basis := "按多数报价写的规格"
	if b.Basis != "" {
		basis = "按" + matching.BasisTitle(b.Basis)
	}
	edges := "默认分档"
	if len(b.Edges) > 0 {
		edges = "分档界限 " + edgesText(b.Edges)
	}
	text := basis + "，" + edges
	if b.ByVariety {
		text += "，各品种名分开"
	}
	return text
}

// edgesText writes band edges as a clerk types them: "4 6 8 10".
func edgesText(edges []float64) string {
	out := ""
	for i, e := range edges {
		if i > 0 {
			out += " "
		}
		out += strconv.FormatFloat(e, 'f', -1, 64)
	}
	return out
}

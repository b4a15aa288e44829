package web

import (
	"math"
	"net/http"
	"time"

	"huamu/matching"
)

// apiPriceRange is the asks or bids of a week.
type apiPriceRange struct {
	Count int     `json:"count"`
	Min   *string `json:"min,omitempty"`
	Max   *string `json:"max,omitempty"`
}

// apiPriceWeek is one week of a band. The deal figures are there only when
// published: at least matching.MinPublicDeals deals from
// matching.MinPublicSellers sellers.
type apiPriceWeek struct {
	Week      string        `json:"week"`
	Deals     int           `json:"deals"`
	Published bool          `json:"published"`
	Qty       *int64        `json:"qty,omitempty"`
	Median    *string       `json:"median,omitempty"`
	Mean      *string       `json:"mean,omitempty"`
	Low       *string       `json:"low,omitempty"`
	High      *string       `json:"high,omitempty"`
	Asks      apiPriceRange `json:"asks"`
	Bids      apiPriceRange `json:"bids"`
}

// apiPriceSeries is a band of a product.
type apiPriceSeries struct {
	Label   string         `json:"label"`
	Variety string         `json:"variety,omitempty"`
	Form    string         `json:"form,omitempty"`
	Unit    string         `json:"unit"`
	Basis   string         `json:"basis"`
	BandMin *float64       `json:"band_min"` // null: no size stated on the basis
	BandMax *float64       `json:"band_max"` // null: open above
	Weeks   []apiPriceWeek `json:"weeks"`
}

func money2(d matching.DealFigures, v func(matching.DealFigures) string) *string {
	if !d.Public {
		return nil
	}
	s := v(d)
	return &s
}

func apiRange(r matching.PriceRange) apiPriceRange {
	if r.N == 0 {
		return apiPriceRange{}
	}
	lo, hi := r.Low.StringFixed(2), r.High.StringFixed(2)
	return apiPriceRange{Count: r.N, Min: &lo, Max: &hi}
}

// apiPriceList: GET /api/v1/prices?species=桂花&weeks=26 — the species'
// index for the association's website, week by week, under the privacy rule.
func (s *Server) apiPriceList(w http.ResponseWriter, r *http.Request) {
	p, err := decodePriceQuery(r.URL.Query(), s.canonicalSpecies)
	if err == nil && p.Species == "" {
		err = matching.Errorf(matching.CodeInvalid, "请写明品种，如 species=桂花")
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	_, ix, _, err := s.priceIndexFor(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	weeks := make([]string, len(ix.Weeks))
	for i, wk := range ix.Weeks {
		weeks[i] = wk.In(matching.ChinaTime).Format(time.DateOnly)
	}
	out := make([]apiPriceSeries, 0, len(ix.Series))
	for _, ps := range ix.Series {
		a := apiPriceSeries{Label: ps.Label(), Variety: ps.Product.Variety, Form: ps.Product.Form, Unit: ps.Product.Unit,
			Basis: ps.Band.Basis}
		if ps.Band.Index >= 0 {
			lo := ps.Band.Lo
			a.BandMin = &lo
			if !math.IsInf(ps.Band.Hi, 1) {
				hi := ps.Band.Hi
				a.BandMax = &hi
			}
		}
		for i, c := range ps.Cells {
			wk := apiPriceWeek{Week: weeks[i], Deals: c.Deals.N, Published: c.Deals.Public,
				Median: money2(c.Deals, func(d matching.DealFigures) string { return d.Median.StringFixed(2) }),
				Mean:   money2(c.Deals, func(d matching.DealFigures) string { return d.Mean.StringFixed(2) }),
				Low:    money2(c.Deals, func(d matching.DealFigures) string { return d.Low.StringFixed(2) }),
				High:   money2(c.Deals, func(d matching.DealFigures) string { return d.High.StringFixed(2) }),
				Asks:   apiRange(c.Asks), Bids: apiRange(c.Bids)}
			if c.Deals.Public {
				q := c.Deals.Qty
				wk.Qty = &q
			}
			a.Weeks = append(a.Weeks, wk)
		}
		out = append(out, a)
	}
	apiJSON(w, http.StatusOK, map[string]any{"species": ix.Species, "weeks": weeks, "series": out,
		"rules": map[string]int{"min_deals": matching.MinPublicDeals, "min_sellers": matching.MinPublicSellers}})
}

package web

import (
	"net/http"
	"time"

	"huamu/internal/store"
	"huamu/matching"
)

// sheetRows bounds the bands on the weekly paper notice: one A4 page holds
// about this many.
const sheetRows = 40

// sheetSpecies is one species on the weekly paper notice.
type sheetSpecies struct {
	Species string
	Rows    []priceRow
}

// priceSheet is the weekly paper notice the association prints: one A4
// page with every species' figures of a week (the last complete week
// unless ?week= says otherwise), under the privacy rule.
func (s *Server) priceSheet(w http.ResponseWriter, r *http.Request) {
	p, err := decodePriceQuery(r.URL.Query(), s.canonicalSpecies)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	var list []sheetSpecies
	var week time.Time
	var next string
	partial := false
	rows := 0
	err = s.store.ReadTx(ctx, func(tx *store.Tx) error {
		week = p.Week
		if week.IsZero() || !week.Before(matching.WeekStart(tx.Now).AddDate(0, 0, 7)) {
			week = matching.WeekStart(tx.Now).AddDate(0, 0, -7) // the last complete week
		}
		partial = week.Equal(matching.WeekStart(tx.Now))
		if week.Before(matching.WeekStart(tx.Now).AddDate(0, 0, -7)) {
			next = week.AddDate(0, 0, 7).In(matching.ChinaTime).Format(time.DateOnly)
		}
		species, err := tx.PricedSpecies(ctx, week.AddDate(0, 0, -35))
		if err != nil {
			return err
		}
		for _, sp := range species {
			ix, err := s.prices.Index(ctx, tx, sp, 1, week)
			if err != nil {
				return err
			}
			var keep []priceRow
			for _, row := range priceRows(ix, 0) {
				if row.Cell.Deals.Public || row.Cell.Asks.N > 0 {
					keep = append(keep, row)
				}
			}
			if len(keep) == 0 || rows+len(keep) > sheetRows {
				continue
			}
			rows += len(keep)
			list = append(list, sheetSpecies{Species: sp, Rows: keep})
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "price_sheet", page{Title: "行情单 " + matching.WeekLabel(week), Nav: "prices", Data: map[string]any{
		"Week": week, "WeekLabel": matching.WeekLabel(week), "Species": list,
		"Printed": s.store.Now().In(matching.ChinaTime).Format("2006年1月2日"),
		"Prev":    week.AddDate(0, 0, -7).In(matching.ChinaTime).Format(time.DateOnly),
		"Next":    next, "Partial": partial,
		"MinDeals": matching.MinPublicDeals, "MinSellers": matching.MinPublicSellers,
	}})
}

package web

import (
	"net/http"

	"github.com/shopspring/decimal"

	"huamu/internal/groupbuy"
	"huamu/internal/outbound"
	"huamu/matching"
)

// groupBuyShow is a group-buy's page: progress toward the tipping point,
// the participants, invitations, and once it has gone ahead the purchases
// from growers and the allocation preview a clerk adjusts and confirms.
func (s *Server) groupBuyShow(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, err := s.store.GroupBuy(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := s.store.Participants(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var committed int64
	for _, p := range ps {
		committed += p.Qty
	}
	data := map[string]any{"G": g, "Participants": ps, "Committed": committed,
		"Status": outbound.GroupBuyStatus(g, committed), "Bar": max(g.MinTotal, committed)}
	errMsg := ""
	// A purchasing group-buy can be called off while no grower confirmed
	// (groupbuy.Service.Cancel); the check below narrows it.
	data["Cancellable"] = g.State == matching.GroupOpen || g.State == matching.GroupClosed || g.State == matching.GroupPurchasing
	if g.State == matching.GroupOpen {
		n, err := s.groupbuys.FittingDemands(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data["Fitting"] = n
	}
	if g.State == matching.GroupClosed || g.State == matching.GroupPurchasing {
		override, err := overrides(r.URL.Query())
		if err == nil {
			var plan groupbuy.Plan
			plan, err = s.groupbuys.Preview(r.Context(), id, override)
			data["Plan"] = plan
			if plan.Confirmed > 0 {
				data["Cancellable"] = false
			}
			data["Draws"] = drawRows(plan)
			data["Alloc"] = allocRows(plan)
		}
		if err != nil {
			errMsg = matching.ChineseMessage(err)
		}
	}
	if g.State == matching.GroupAllocated || g.State == matching.GroupDelivered {
		lines, err := s.store.GroupBuyLines(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data["Lines"] = lines
		var gs []map[string]any // the growers, for the payment form
		seen := map[int64]bool{}
		for _, l := range lines {
			if !seen[l.GrowerID] {
				seen[l.GrowerID] = true
				gs = append(gs, map[string]any{"ID": l.GrowerID, "Name": l.GrowerName, "Phone": l.GrowerPhone})
			}
		}
		data["Growers"] = gs
	}
	s.render(w, r, http.StatusOK, "groupbuy", page{Title: "团购" + itoa(id), Nav: "groupbuys", Flash: s.takeFlash(w, r),
		Error: errMsg, Data: data})
}

// drawRow is one offer in the allocation preview.
type drawRow struct {
	ListingID int64
	Line      string // the offer as growers' offers show everywhere
	Remaining int64
	Qty       int64
	Amount    decimal.Decimal
}

func drawRows(p groupbuy.Plan) []drawRow {
	rows := make([]drawRow, len(p.Draws))
	for i, d := range p.Draws {
		ask, _ := d.Offer.Ask()
		rows[i] = drawRow{ListingID: d.Offer.ID, Line: outbound.OfferLine(d.Offer), Remaining: d.Offer.Remaining,
			Qty: d.Qty, Amount: matching.LineTotal(ask, d.Qty)}
	}
	return rows
}

// allocRow is one participant in the allocation preview.
type allocRow struct {
	Phone, Name string
	Committed   int64
	Allocated   int64
	Due         decimal.Decimal
}

func allocRows(p groupbuy.Plan) []allocRow {
	rows := make([]allocRow, len(p.Participants))
	for i, pt := range p.Participants {
		rows[i] = allocRow{Phone: pt.Phone, Name: pt.Name, Committed: pt.Qty, Allocated: p.Alloc[i],
			Due: matching.LineTotal(p.Group.Price, p.Alloc[i])}
	}
	return rows
}

package web

import (
	"net/http"

	"github.com/shopspring/decimal"

	"huamu/internal/store"
	"huamu/matching"
)

// allocated returns a group-buy and its confirmed lines, or a conflict when
// it has not been allocated yet.
func (s *Server) allocated(r *http.Request, id int64) (matching.GroupBuy, []store.GroupBuyLine, error) {
	g, err := s.store.GroupBuy(r.Context(), id)
	if err != nil {
		return g, nil, err
	}
	if g.State != matching.GroupAllocated && g.State != matching.GroupDelivered {
		return g, nil, matching.Errorf(matching.CodeConflict, "团购%d还没有分配，没有备货单", id)
	}
	lines, err := s.store.GroupBuyLines(r.Context(), id)
	return g, lines, err
}

// sheetLine is a line with its amount at the grower's cost or the group price.
type sheetLine struct {
	store.GroupBuyLine
	Amount decimal.Decimal
}

// pickList is one grower's page: what to get ready for whom.
type pickList struct {
	Name, Phone string
	Lines       []sheetLine
	Qty         int64
	Amount      decimal.Decimal
}

// deliverySheet is one participant's page: what they receive and owe.
type deliverySheet struct {
	Name, Phone string
	Lines       []sheetLine
	Qty         int64
	Amount      decimal.Decimal
}

// sheetsOf groups the lines by grower and by participant, in first-seen
// order, with amounts at each grower's cost and at the group's price.
func sheetsOf(g matching.GroupBuy, lines []store.GroupBuyLine) ([]*pickList, []*deliverySheet) {
	var growers []*pickList
	var members []*deliverySheet
	gi, mi := map[int64]*pickList{}, map[int64]*deliverySheet{}
	for _, l := range lines {
		p := gi[l.GrowerID]
		if p == nil {
			p = &pickList{Name: l.GrowerName, Phone: l.GrowerPhone, Amount: decimal.Zero}
			gi[l.GrowerID] = p
			growers = append(growers, p)
		}
		cost := matching.LineTotal(l.UnitCost, l.Qty)
		p.Lines = append(p.Lines, sheetLine{l, cost})
		p.Qty += l.Qty
		p.Amount = p.Amount.Add(cost)
		d := mi[l.MemberID]
		if d == nil {
			d = &deliverySheet{Name: l.MemberName, Phone: l.MemberPhone, Amount: decimal.Zero}
			mi[l.MemberID] = d
			members = append(members, d)
		}
		due := matching.LineTotal(g.Price, l.Qty)
		d.Lines = append(d.Lines, sheetLine{l, due})
		d.Qty += l.Qty
		d.Amount = d.Amount.Add(due)
	}
	return growers, members
}

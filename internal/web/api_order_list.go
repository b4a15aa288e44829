package web

import (
	"net/http"
	"time"
)

type apiOrder struct {
	ID        int64     `json:"id"`
	ListingID int64     `json:"listing_id"`
	Buyer     string    `json:"buyer"`
	Seller    string    `json:"seller"`
	Species   string    `json:"species"`
	Variety   string    `json:"variety,omitempty"`
	Qty       int64     `json:"qty"`
	Unit      string    `json:"unit"`
	UnitPrice string    `json:"unit_price"`
	Total     string    `json:"total"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
}

// apiOrderList: GET /api/v1/orders?from=YYYY-MM-DD&to=YYYY-MM-DD&state=
func (s *Server) apiOrderList(w http.ResponseWriter, r *http.Request) {
	to := dateParam(r, "to")
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
	}
	state := enumParam(r, "state", "proposed", "confirmed", "declined", "expired", "cancelled", "delivered")
	os, err := s.store.ListOrders(r.Context(), dateParam(r, "from"), to, state, 1000)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := make([]apiOrder, len(os))
	for i, o := range os {
		out[i] = apiOrder{ID: o.ID, ListingID: o.ListingID, Buyer: o.Buyer, Seller: o.Seller, Species: o.Species,
			Variety: o.Variety, Qty: o.Qty, Unit: o.Unit, UnitPrice: o.UnitPrice.StringFixed(2),
			Total: o.Total.StringFixed(2), State: o.State, CreatedAt: o.CreatedAt}
	}
	apiJSON(w, http.StatusOK, map[string]any{"orders": out})
}

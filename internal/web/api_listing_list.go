package web

import (
	"net/http"
	"time"

	"huamu/matching"
)

// apiListing is a listing as the API shows it. Money is a string with two
// decimals, never a float.
type apiListing struct {
	ID         int64                     `json:"id"`
	Side       string                    `json:"side"`
	Species    string                    `json:"species"`
	Variety    string                    `json:"variety,omitempty"`
	Spec       map[string]matching.Range `json:"spec"`
	Qty        int64                     `json:"qty"`
	Remaining  int64                     `json:"remaining"`
	Unit       string                    `json:"unit"`
	PriceMin   *string                   `json:"price_min"`
	PriceMax   *string                   `json:"price_max"`
	Negotiable bool                      `json:"negotiable"`
	Town       string                    `json:"town,omitempty"`
	Village    string                    `json:"village,omitempty"`
	Phone      string                    `json:"phone"`
	State      string                    `json:"state"`
	CreatedAt  time.Time                 `json:"created_at"`
	ExpiresAt  time.Time                 `json:"expires_at"`
}

func apiListingOf(l matching.Listing) apiListing {
	a := apiListing{ID: l.ID, Side: string(l.Side), Species: l.Species, Variety: l.Variety, Spec: l.Spec,
		Qty: l.Qty.Amount(), Remaining: l.Remaining, Unit: l.Qty.Unit, Negotiable: l.Negotiable, Phone: l.Phone,
		State: string(l.State), CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt}
	if l.Price != nil && l.Price.Min != nil {
		v := l.Price.Min.StringFixed(2)
		a.PriceMin = &v
	}
	if l.Price != nil && l.Price.Max != nil {
		v := l.Price.Max.StringFixed(2)
		a.PriceMax = &v
	}
	if l.Location != nil {
		a.Town, a.Village = l.Location.Town, l.Location.Village
	}
	if a.Spec == nil {
		a.Spec = matching.Spec{}
	}
	return a
}

// apiListingList: GET /api/v1/listings?side=&species=&state=&town=&limit=
func (s *Server) apiListingList(w http.ResponseWriter, r *http.Request) {
	f := listingSearch(r)
	f.Limit = int(min(max(int64OrZero(r.URL.Query().Get("limit")), 1), 1000))
	if r.URL.Query().Get("limit") == "" {
		f.Limit = 100
	}
	ls, err := s.store.SearchListings(r.Context(), f)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := make([]apiListing, len(ls))
	for i, l := range ls {
		out[i] = apiListingOf(l)
	}
	apiJSON(w, http.StatusOK, map[string]any{"listings": out})
}

func int64OrZero(s string) int64 {
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' || n > 1e9 {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

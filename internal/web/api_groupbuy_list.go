package web

import (
	"net/http"
	"time"
)

type apiGroupBuy struct {
	ID           int64     `json:"id"`
	Species      string    `json:"species"`
	Variety      string    `json:"variety,omitempty"`
	Unit         string    `json:"unit"`
	Price        string    `json:"price"`
	MinTotal     int64     `json:"min_total"`
	Cap          int64     `json:"cap,omitempty"`
	MinEach      int64     `json:"min_each"`
	Step         int64     `json:"step"`
	Committed    int64     `json:"committed"`
	Participants int       `json:"participants"`
	Deadline     time.Time `json:"deadline"`
	State        string    `json:"state"`
	Reason       string    `json:"reason,omitempty"`
}

// apiGroupBuyList: GET /api/v1/groupbuys?state=
func (s *Server) apiGroupBuyList(w http.ResponseWriter, r *http.Request) {
	state := enumParam(r, "state", "open", "closed", "purchasing", "allocated", "failed", "cancelled", "delivered")
	gs, err := s.store.ListGroupBuys(r.Context(), state, 500)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := make([]apiGroupBuy, len(gs))
	for i, g := range gs {
		out[i] = apiGroupBuy{ID: g.ID, Species: g.Species, Variety: g.Variety, Unit: g.Unit, Price: g.Price.StringFixed(2),
			MinTotal: g.MinTotal, Cap: g.Cap, MinEach: g.MinEach, Step: g.Step, Committed: g.Committed,
			Participants: g.Participants, Deadline: g.Deadline, State: string(g.State), Reason: g.Reason}
	}
	apiJSON(w, http.StatusOK, map[string]any{"groupbuys": out})
}

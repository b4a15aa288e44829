package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"huamu/matching"
)

// FuzzDecodeListing feeds the listing form decoder (the back office's and
// the API's) arbitrary forms: it must never panic, and whatever it accepts
// must be a listing the store can take — a side, a species, a positive
// quantity, no negative price, a spec range in order.
func FuzzDecodeListing(f *testing.F) {
	f.Add("side=supply&species=桂花&qty=200&price=12.5&spec_key=dia_cm&spec_min=8&spec_max=10")
	f.Add("side=demand&species=桂花&qty=-1&price=1e400")
	f.Add("side=supply&species=桂花&qty=１２０&price=１２.５元&days=400")
	f.Add("side=supply&species=%ff&qty=1&spec_key=dbh_cm&spec_min=NaN")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	known := func(s string) bool { return s == "桂花" }
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		l, err := decodeListing(v, now, known)
		if err != nil {
			if matching.ErrorCodeOf(err) != matching.CodeInvalid || matching.ChineseMessage(err) == "" {
				t.Fatalf("error without a Chinese invalid message: %v", err)
			}
			return
		}
		if !l.Side.Valid() || l.Species != "桂花" || l.Qty.Amount() <= 0 {
			t.Fatalf("accepted %+v", l)
		}
		if l.Price != nil && (l.Price.Min.IsNegative() || l.Price.Max.LessThan(*l.Price.Min) || l.Price.Min.Exponent() < -2) {
			t.Fatalf("accepted price %+v", l.Price)
		}
		for k, r := range l.Spec {
			if r.Min != nil && r.Max != nil && *r.Max < *r.Min {
				t.Fatalf("accepted spec %s %v-%v", k, *r.Min, *r.Max)
			}
		}
		if !l.ExpiresAt.After(now) {
			t.Fatalf("expires %v", l.ExpiresAt)
		}
	})
}

// FuzzAPIListingBody feeds POST /api/v1/listings's JSON decoder arbitrary
// bodies: it must never panic and either refuse with a domain error or give
// form values the listing decoder then checks.
func FuzzAPIListingBody(f *testing.F) {
	f.Add(`{"phone":"13800000001","side":"supply","species":"桂花","qty":200,"price":"12.50"}`)
	f.Add(`{"qty":-1}`)
	f.Add(`{"price":1e999}`)
	f.Add(`{"x":1}`)
	f.Add(`{} {}`)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/listings", strings.NewReader(body))
		w := httptest.NewRecorder()
		v, err := readAPIListing(w, r)
		if err != nil {
			if err != errTooBig && matching.ErrorCodeOf(err) != matching.CodeInvalid {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		_, _ = decodeListing(v, time.Now(), func(string) bool { return true })
	})
}

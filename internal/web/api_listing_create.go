package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/shopspring/decimal"

	"huamu/internal/store"
	"huamu/matching"
)

// apiListingInput is the body of POST /api/v1/listings.
type apiListingInput struct {
	Phone      string           `json:"phone"`
	Side       string           `json:"side"`
	Species    string           `json:"species"`
	Variety    string           `json:"variety"`
	SpecKey    string           `json:"spec_key"`
	SpecMin    *float64         `json:"spec_min"`
	SpecMax    *float64         `json:"spec_max"`
	Qty        int64            `json:"qty"`
	Unit       string           `json:"unit"`
	Price      *decimal.Decimal `json:"price"`
	PriceMax   *decimal.Decimal `json:"price_max"`
	Negotiable bool             `json:"negotiable"`
	Town       string           `json:"town"`
	Village    string           `json:"village"`
	Days       int64            `json:"days"`
}

const maxAPIBody = 16 << 10

// apiListingValues turns the JSON body into the form the back office's
// decoder checks, so both paths share one set of rules.
func apiListingValues(in apiListingInput) url.Values {
	v := url.Values{"phone": {in.Phone}, "side": {in.Side}, "species": {in.Species}, "variety": {in.Variety},
		"spec_key": {in.SpecKey}, "unit": {in.Unit}, "town": {in.Town}, "village": {in.Village},
		"qty": {strconv.FormatInt(in.Qty, 10)}}
	if in.SpecMin != nil {
		v.Set("spec_min", strconv.FormatFloat(*in.SpecMin, 'f', -1, 64))
	}
	if in.SpecMax != nil {
		v.Set("spec_max", strconv.FormatFloat(*in.SpecMax, 'f', -1, 64))
	}
	if in.Price != nil {
		v.Set("price", in.Price.String())
	}
	if in.PriceMax != nil {
		v.Set("price_max", in.PriceMax.String())
	}
	if in.Negotiable {
		v.Set("negotiable", "1")
	}
	if in.Days != 0 {
		v.Set("days", strconv.FormatInt(in.Days, 10))
	}
	return v
}

// decodeAPIListing decodes the JSON body strictly: unknown fields and
// trailing data are refused.
func decodeAPIListing(raw []byte) (url.Values, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var in apiListingInput
	if err := dec.Decode(&in); err != nil {
		return nil, matching.Errorf(matching.CodeInvalid, "请求内容不是正确的JSON：%s", jsonProblem(err))
	}
	if dec.More() {
		return nil, matching.Errorf(matching.CodeInvalid, "请求内容只能有一个JSON对象")
	}
	return apiListingValues(in), nil
}

var errTooBig = errors.New("body too large")

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("第%d字节有语法错误", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("字段 %s 的类型不对", te.Field)
	}
	if len(err.Error()) > 80 {
		return "格式不对"
	}
	return err.Error()
}

// apiListingCreate: POST /api/v1/listings posts a listing on a member's
// behalf; the member gets the same receipt SMS as for 代发布. With an
// Idempotency-Key, a retry of the same body posts nothing and gets the
// first answer (the listing it created); the key with another body is 422.
func (s *Server) apiListingCreate(w http.ResponseWriter, r *http.Request) {
	c := r.Context().Value(apiKey{}).(*store.APIClient)
	raw, err := readAPIBody(w, r)
	if errors.Is(err, errTooBig) {
		apiError(w, http.StatusRequestEntityTooLarge, "请求内容太大")
		return
	}
	var k *store.OnceKey
	if err == nil {
		k, err = onceKeyOf(r, c, raw)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if s.apiAnswered(w, r, k) {
		return
	}
	var phone string
	var l matching.Listing
	v, err := decodeAPIListing(raw)
	if err == nil {
		if phone, err = phoneField(v); err == nil {
			l, err = decodeListing(v, s.store.Now(), s.known)
		}
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	// The member's receipt wakes the senders once the listing commits
	// (outbound.Outbox).
	s.apiPost(w, r, k, func(tx *store.Tx) (int, any, error) {
		l, err := s.exchange.PostOnBehalf(r.Context(), tx, store.Actor{APIClientID: c.ID}, phone, l)
		return http.StatusCreated, map[string]any{"listing": apiListingOf(l)}, err
	})
}

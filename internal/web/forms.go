package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/shopspring/decimal"

	"huamu/matching"
	"huamu/smsgw/grammar"
)

// idParam is the route's {id}; anything but a positive number is a 404.
func idParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, matching.Errorf(matching.CodeNotFound, "找不到这一条")
	}
	return id, nil
}

// text returns a trimmed form field of at most max characters.
func text(v url.Values, name, what string, max int, required bool) (string, error) {
	s := strings.TrimSpace(v.Get(name))
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", matching.Errorf(matching.CodeInvalid, "%s含有无效字符", what)
	}
	if required && s == "" {
		return "", matching.Errorf(matching.CodeInvalid, "请填写%s", what)
	}
	if utf8.RuneCountInString(s) > max {
		return "", matching.Errorf(matching.CodeInvalid, "%s太长（最多%d个字）", what, max)
	}
	return s, nil
}

// narrow turns full-width digits and punctuation into ASCII, as growers type them.
func narrow(s string) string { return matching.Narrow(strings.TrimSpace(s)) }

// moneyField reads a yuan amount: not negative, at most two decimals, at
// most matching's bound for an amount (a unit price is checked against its
// own, lower bound where the form is decoded). "" is nil.
func moneyField(v url.Values, name, what string) (*decimal.Decimal, error) {
	s := narrow(v.Get(name))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "元"), "块")
	if s == "" {
		return nil, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil || len(s) > 24 || strings.ContainsAny(s, "eE") {
		return nil, matching.Errorf(matching.CodeInvalid, "%s要填数字，如 12.50", what)
	}
	if d.IsNegative() {
		return nil, matching.Errorf(matching.CodeInvalid, "%s不能是负数", what)
	}
	if d.Exponent() < -2 {
		return nil, matching.Errorf(matching.CodeInvalid, "%s最多两位小数", what)
	}
	if err := matching.CheckAmount(what, d); err != nil {
		return nil, err
	}
	return &d, nil
}

// count reads a whole number ≥ 0 (or > 0 when positive), at most
// matching.MaxQty.
func count(v url.Values, name, what string, positive bool) (int64, error) {
	s := narrow(v.Get(name))
	if s == "" {
		return 0, matching.Errorf(matching.CodeInvalid, "请填写%s", what)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if strings.HasPrefix(s, "-") {
			return 0, matching.Errorf(matching.CodeInvalid, "%s不能是负数", what)
		}
		if strings.Trim(s, "0123456789") == "" { // digits beyond int64
			return 0, matching.CheckQty(what, matching.MaxQty+1, "")
		}
		return 0, matching.Errorf(matching.CodeInvalid, "%s要填整数", what)
	}
	if n < 0 {
		return 0, matching.Errorf(matching.CodeInvalid, "%s不能是负数", what)
	}
	if positive && n == 0 {
		return 0, matching.Errorf(matching.CodeInvalid, "%s要大于0", what)
	}
	if err := matching.CheckQty(what, n, ""); err != nil {
		return 0, err
	}
	return n, nil
}

// cm reads a length in cm (0 to 10000, one decimal), "" is nil.
func cm(v url.Values, name, what string) (*float64, error) {
	s := narrow(v.Get(name))
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f < 0 || f > 10000 {
		return nil, matching.Errorf(matching.CodeInvalid, "%s要填0到10000之间的数字", what)
	}
	return &f, nil
}

func rangeText(r matching.Range) string {
	switch {
	case r.Min != nil && r.Max != nil && *r.Min == *r.Max:
		return strconv.FormatFloat(*r.Min, 'f', -1, 64)
	case r.Min != nil && r.Max != nil:
		return strconv.FormatFloat(*r.Min, 'f', -1, 64) + "-" + strconv.FormatFloat(*r.Max, 'f', -1, 64)
	case r.Min != nil:
		return strconv.FormatFloat(*r.Min, 'f', -1, 64) + "以上"
	case r.Max != nil:
		return strconv.FormatFloat(*r.Max, 'f', -1, 64) + "以下"
	}
	return ""
}

var units = []string{"株", "盆", "丛", "平方米", "斤", "公斤", "车"}

// ListingForm is the listing form as a clerk fills it in (and as the
// needs-a-person page pre-fills it).
type ListingForm struct {
	Phone, Side, Species, Variety string
	SpecKey, SpecMin, SpecMax     string
	Qty, Unit                     string
	Price, PriceMax               string
	Negotiable                    bool
	Town, Village                 string
	Days                          string
	Alias                         string
}

func listingFormOf(v url.Values) ListingForm {
	return ListingForm{Phone: v.Get("phone"), Side: v.Get("side"), Species: v.Get("species"), Variety: v.Get("variety"),
		SpecKey: v.Get("spec_key"), SpecMin: v.Get("spec_min"), SpecMax: v.Get("spec_max"),
		Qty: v.Get("qty"), Unit: v.Get("unit"), Price: v.Get("price"), PriceMax: v.Get("price_max"),
		Negotiable: v.Get("negotiable") != "", Town: v.Get("town"), Village: v.Get("village"),
		Days: v.Get("days"), Alias: v.Get("alias")}
}

// decodeListing checks a listing form and builds the listing. known reports
// whether a species is in the lexicon. Every error is a matching.Error with
// a Chinese message naming the field.
func decodeListing(v url.Values, now time.Time, known func(string) bool) (matching.Listing, error) {
	var l matching.Listing
	switch v.Get("side") {
	case "supply":
		l.Side = matching.Supply
	case "demand":
		l.Side = matching.Demand
	default:
		return l, matching.Errorf(matching.CodeInvalid, "请选择供还是求")
	}
	var err error
	if l.Species, err = text(v, "species", "品种", 12, true); err != nil {
		return l, err
	}
	if !known(l.Species) {
		return l, matching.Errorf(matching.CodeInvalid, "词库里没有品种“%s”：请选一个已有品种，或先在词库页添加", l.Species)
	}
	if l.Variety, err = text(v, "variety", "品种名", 12, false); err != nil {
		return l, err
	}
	l.Spec = matching.Spec{}
	if key := v.Get("spec_key"); key != "" {
		if !matching.IsSpecKey(key) {
			return l, matching.Errorf(matching.CodeInvalid, "规格类别不对")
		}
		lo, err := cm(v, "spec_min", "规格")
		if err != nil {
			return l, err
		}
		hi, err := cm(v, "spec_max", "规格上限")
		if err != nil {
			return l, err
		}
		if hi == nil {
			hi = lo
		}
		if lo != nil && hi != nil && *hi < *lo {
			return l, matching.Errorf(matching.CodeInvalid, "规格上限不能小于下限")
		}
		if lo != nil || hi != nil {
			l.Spec[key] = matching.Range{Min: lo, Max: hi}
		}
	}
	q, err := count(v, "qty", "数量", true)
	if err != nil {
		return l, err
	}
	l.Qty = matching.Qty{Min: &q, Max: &q, Unit: "株"}
	if u := v.Get("unit"); u != "" {
		ok := false
		for _, x := range units {
			ok = ok || x == u
		}
		if !ok {
			return l, matching.Errorf(matching.CodeInvalid, "单位不对")
		}
		l.Qty.Unit = u
	}
	lo, err := moneyField(v, "price", "单价")
	if err != nil {
		return l, err
	}
	hi, err := moneyField(v, "price_max", "单价上限")
	if err != nil {
		return l, err
	}
	if hi == nil {
		hi = lo
	}
	if lo != nil && hi != nil && hi.LessThan(*lo) {
		return l, matching.Errorf(matching.CodeInvalid, "单价上限不能小于单价")
	}
	if lo != nil {
		l.Price = &matching.Price{Min: lo, Max: hi, Per: l.Qty.Unit}
	}
	l.Negotiable = v.Get("negotiable") != ""
	town, err := text(v, "town", "镇", 12, false)
	if err != nil {
		return l, err
	}
	village, err := text(v, "village", "村", 12, false)
	if err != nil {
		return l, err
	}
	if town != "" || village != "" {
		l.Location = &matching.Location{City: "成都市", District: "温江区", Town: town, Village: village}
	}
	days := int64(0)
	if narrow(v.Get("days")) != "" {
		if days, err = count(v, "days", "有效天数", false); err != nil {
			return l, err
		}
		if days > 365 {
			return l, matching.Errorf(matching.CodeInvalid, "有效天数最多365天")
		}
	}
	l.CreatedAt = now
	l.ExpiresAt = matching.ListingExpiresAt(now, int(days), false)
	return l, l.CheckBounds()
}

// guessForm pre-fills the listing form from what the grammar makes of a
// text: as it stands, else as an offer or a request (a text that forgot to
// say 供 or 求).
func guessForm(g *grammar.Grammar, body, phone string) ListingForm {
	f := ListingForm{Phone: phone, Side: "supply", Unit: "株"}
	r := g.Parse(body)
	if r.Type != grammar.TypeListing {
		for _, head := range []string{"供", "求"} {
			if r2 := g.Parse(head + " " + body); r2.Type == grammar.TypeListing {
				r = r2
				break
			}
		}
	}
	if r.Type != grammar.TypeListing || len(r.Items) == 0 {
		return f
	}
	f.Side = r.Side
	it := r.Items[0]
	f.Species = it.Species
	if it.Variety != nil {
		f.Variety = *it.Variety
	}
	// the first dimension the text states, in display order
	if vs := it.Spec.Listing().Values(); len(vs) > 0 {
		v := vs[0]
		f.SpecKey = v.Key
		if v.Range.Min != nil {
			f.SpecMin = strconv.FormatFloat(*v.Range.Min, 'f', -1, 64)
		}
		if v.Range.Max != nil {
			f.SpecMax = strconv.FormatFloat(*v.Range.Max, 'f', -1, 64)
		}
	}
	if it.Qty != nil {
		if it.Qty.Min != nil {
			f.Qty = strconv.FormatInt(*it.Qty.Min, 10)
		} else if it.Qty.Max != nil {
			f.Qty = strconv.FormatInt(*it.Qty.Max, 10)
		}
		f.Unit = it.Qty.Unit
	}
	if it.Price != nil && it.Price.Min != nil {
		f.Price = it.Price.Min.StringFixed(2)
		if it.Price.Max != nil && !it.Price.Max.Equal(it.Price.Min.Decimal) {
			f.PriceMax = it.Price.Max.StringFixed(2)
		}
	}
	f.Negotiable = it.Negotiable
	if r.Location != nil {
		if r.Location.Town != nil {
			f.Town = *r.Location.Town
		}
		if r.Location.Village != nil {
			f.Village = *r.Location.Village
		}
	}
	return f
}

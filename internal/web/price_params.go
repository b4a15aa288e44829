package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"huamu/internal/lexicon"
	"huamu/matching"
)

// Weeks a price page or the API may span.
const (
	defaultPriceWeeks = 26
	maxPriceWeeks     = 52
)

// priceParams is what the 行情 page, its export and /api/v1/prices read
// from the query: ?species=桂花&weeks=26&week=2026-03-09.
type priceParams struct {
	Species string    // canonical; "" when none was asked for
	Weeks   int       // weeks shown, ending with the current one
	Week    time.Time // the week of the table (its Monday); zero: the current week
}

// decodePriceQuery reads and checks the query. species may be an alias
// (桂花树); canonical maps a word to its species, "" for none. Any bad
// value is CodeInvalid with a Chinese message: the query comes from
// outside (a browser, the association's website).
func decodePriceQuery(v url.Values, canonical func(string) string) (priceParams, error) {
	p := priceParams{Weeks: defaultPriceWeeks}
	if sp := strings.TrimSpace(v.Get("species")); sp != "" {
		if !utf8.ValidString(sp) || utf8.RuneCountInString(sp) > 12 {
			return p, matching.Errorf(matching.CodeInvalid, "品种名有误")
		}
		if p.Species = canonical(sp); p.Species == "" {
			return p, matching.Errorf(matching.CodeInvalid, "词库中没有品种“%s”", sp)
		}
	}
	if w := strings.TrimSpace(v.Get("weeks")); w != "" {
		n, err := strconv.Atoi(narrow(w))
		if err != nil || n < 1 || n > maxPriceWeeks {
			return p, matching.Errorf(matching.CodeInvalid, "weeks 要是1到%d之间的整数", maxPriceWeeks)
		}
		p.Weeks = n
	}
	if d := strings.TrimSpace(v.Get("week")); d != "" {
		t, err := time.ParseInLocation(time.DateOnly, d, matching.ChinaTime)
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			return p, matching.Errorf(matching.CodeInvalid, "week 要写成2026-03-09这样的日期")
		}
		p.Week = matching.WeekStart(t)
	}
	return p, nil
}

// canonicalSpecies is the species a word names in the current lexicon.
func (s *Server) canonicalSpecies(word string) string {
	return lexicon.SpeciesOf(s.lexicon.Data(), word)
}

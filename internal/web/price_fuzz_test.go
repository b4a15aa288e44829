package web

import (
	"net/url"
	"testing"
	"time"

	"huamu/matching"
)

// FuzzDecodePriceQuery feeds the price query decoder (the 行情 page's and
// GET /api/v1/prices's) arbitrary queries: it must never panic; what it
// refuses is a Chinese invalid error; what it accepts is a known species
// or none, 1 to 52 weeks, and a week that is a Monday.
func FuzzDecodePriceQuery(f *testing.F) {
	f.Add("species=桂花&weeks=26")
	f.Add("species=桂花树&weeks=５２&week=2026-03-11")
	f.Add("species=%ff&weeks=-1")
	f.Add("weeks=99999999999999999999&week=2026-02-30")
	f.Add("species=" + "桂花桂花桂花桂花桂花桂花桂花")
	canonical := func(s string) string {
		if s == "桂花" || s == "桂花树" {
			return "桂花"
		}
		return ""
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := decodePriceQuery(v, canonical)
		if err != nil {
			if matching.ErrorCodeOf(err) != matching.CodeInvalid || matching.ChineseMessage(err) == "" {
				t.Fatalf("error without a Chinese invalid message: %v", err)
			}
			return
		}
		if p.Species != "" && p.Species != "桂花" {
			t.Fatalf("accepted species %q", p.Species)
		}
		if p.Weeks < 1 || p.Weeks > maxPriceWeeks {
			t.Fatalf("accepted %d weeks", p.Weeks)
		}
		if !p.Week.IsZero() && (p.Week.In(matching.ChinaTime).Weekday() != time.Monday || !p.Week.Equal(matching.WeekStart(p.Week))) {
			t.Fatalf("accepted week %v", p.Week)
		}
	})
}

func TestDecodePriceQuery(t *testing.T) {
	t.Parallel()
	canonical := func(s string) string {
		if s == "桂花" || s == "桂花树" {
			return "桂花"
		}
		return ""
	}
	for _, tc := range []struct {
		query   string
		ok      bool
		species string
		weeks   int
	}{
		{"", true, "", defaultPriceWeeks},
		{"species=桂花树&weeks=８", true, "桂花", 8},
		{"species=火星花", false, "", 0},
		{"weeks=0", false, "", 0},
		{"weeks=53", false, "", 0},
		{"weeks=2.5", false, "", 0},
		{"week=2026-3-9", false, "", 0},
		{"week=2026-03-11", true, "", defaultPriceWeeks},
	} {
		v, _ := url.ParseQuery(tc.query)
		p, err := decodePriceQuery(v, canonical)
		if (err == nil) != tc.ok {
			t.Errorf("%q: %v", tc.query, err)
			continue
		}
		if tc.ok && (p.Species != tc.species || p.Weeks != tc.weeks) {
			t.Errorf("%q: %+v", tc.query, p)
		}
	}
	v, _ := url.ParseQuery("week=2026-03-11")
	if p, _ := decodePriceQuery(v, canonical); !p.Week.Equal(time.Date(2026, 3, 9, 0, 0, 0, 0, matching.ChinaTime)) {
		t.Errorf("a Wednesday names its week's Monday: %v", p.Week)
	}
}

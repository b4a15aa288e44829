package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"huamu/matching"
)

// wordParam is a short free-text query parameter (a species, a town), or ""
// when it is longer than max characters.
func wordParam(r *http.Request, name string, max int) string {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max {
		return ""
	}
	return v
}

// dateParam is a YYYY-MM-DD query parameter as the start of that day in
// Shanghai; zero when absent or malformed.
func dateParam(r *http.Request, name string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", r.URL.Query().Get(name), matching.ChinaTime)
	if err != nil {
		return time.Time{}
	}
	return t
}

// floatParam is a non-negative number query parameter, or nil.
func floatParam(r *http.Request, name string) *float64 {
	f, err := strconv.ParseFloat(narrow(r.URL.Query().Get(name)), 64)
	if err != nil || f != f || f < 0 || f > 1e6 {
		return nil
	}
	return &f
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

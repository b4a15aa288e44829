package smsgw

import (
	"errors"
	"fmt"
	"strings"

	"huamu/matching"
)

// IsMobile reports whether s is a mainland mobile number as the exchange
// keeps it: 11 ASCII digits starting with 1. Anything else (a service
// number, an alphanumeric sender, the association itself) is nobody to
// text. Input typed by people goes through NormalizeMSISDN first.
func IsMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MaskNumber hides the middle of a phone number for logs: 138****0001.
// A number too short to keep anything of is "***".
func MaskNumber(n string) string {
	if len(n) < 7 {
		return "***"
	}
	return n[:3] + "****" + n[len(n)-4:]
}

// ErrBadMSISDN is wrapped by NormalizeMSISDN errors.
var ErrBadMSISDN = errors.New("not a mainland mobile number")

// NormalizeMSISDN reduces a mainland mobile number to its 11 digits. It
// accepts full-width digits, spaces and dashes, and a +86, 86 or 0086
// prefix; the result must be 11 digits starting with 1.
func NormalizeMSISDN(s string) (string, error) {
	digits, ok := cleanDigits(s)
	if ok {
		switch {
		case len(digits) == 13 && strings.HasPrefix(digits, "861"):
			digits = digits[2:]
		case len(digits) == 15 && strings.HasPrefix(digits, "00861"):
			digits = digits[4:]
		}
	}
	if !ok || !IsMobile(digits) {
		return "", fmt.Errorf("normalize %q: %w", s, ErrBadMSISDN)
	}
	return digits, nil
}

// cleanDigits folds full-width characters and drops separators; ok is false
// if anything but digits remains, or a '+' is not leading 86.
func cleanDigits(s string) (string, bool) {
	var b strings.Builder
	plus := false
	for _, r := range s {
		switch r = matching.NarrowRune(r); {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ', r == '\t', r == '\u00a0',
			r == '-', r == '‐', r == '‑', r == '–', r == '—':
		case r == '+' && b.Len() == 0 && !plus:
			plus = true
		default:
			return "", false
		}
	}
	d := b.String()
	if plus && !(len(d) == 13 && strings.HasPrefix(d, "86")) {
		return "", false
	}
	return d, true
}

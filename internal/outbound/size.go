package outbound

import (
	"unicode/utf16"

	"huamu/smsgw"
)

// Sizes every text is budgeted in, in UTF-16 units (see smsgw for why a
// Chinese text counts so).
const (
	// OneSMS is what one SMS holds, signature included.
	OneSMS = smsgw.UCS2Single
	// TwoSMS is what two concatenated SMS hold, signature included: the
	// most any reply or notice may cost.
	TwoSMS = 2 * smsgw.UCS2PerPart
)

// Len is the length of s in UTF-16 units, the unit SMS lengths are counted in.
func Len(s string) int { return smsgw.UTF16Len(s) }

// Budget is the room texts have: the carrier signature (config's
// HUAMU_SMS_SIGNATURE, 【花木通】 by default) is added to every Chinese MT
// and counts against it.
type Budget struct {
	Signature string
}

// SigLen is the signature's length in UTF-16 units.
func (b Budget) SigLen() int { return Len(b.Signature) }

// Room is how many UTF-16 units a text may use in n SMS (1 or 2) after
// the signature.
func (b Budget) Room(n int) int {
	if n <= 1 {
		return OneSMS - b.SigLen()
	}
	return TwoSMS - b.SigLen()
}

// Fit returns the first candidate that fits one SMS with the signature,
// else the first that fits two, else the last cut to two with "…". List
// candidates from the most to the least detailed.
func (b Budget) Fit(candidates ...string) string {
	if len(candidates) == 0 {
		return ""
	}
	for _, n := range [...]int{1, 2} {
		for _, c := range candidates {
			if Len(c) <= b.Room(n) {
				return c
			}
		}
	}
	return Cut(candidates[len(candidates)-1], b.Room(2))
}

// Parts is how many SMS parts text costs once the signature is added, as
// the gateway will split it (smsgw.Plan with its default 8-bit reference);
// 0 for an empty text.
func (b Budget) Parts(text string) int {
	if text == "" {
		return 0
	}
	_, parts, _ := smsgw.Plan(b.Signature+text, false)
	return parts
}

// Cut cuts s to at most room UTF-16 units, ending it with "…" when it had
// to cut; a surrogate pair is never split.
func Cut(s string, room int) string {
	if Len(s) <= room {
		return s
	}
	if room <= 0 {
		return ""
	}
	n := 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if n+w > room-1 {
			return s[:i] + "…"
		}
		n += w
	}
	return s
}

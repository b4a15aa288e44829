package matching

import "strings"

// NarrowRune folds the full-width form of an ASCII character (U+FF01 to
// U+FF5E: ０-９, Ａ-Ｚ, ａ-ｚ, ，．：；＋－ and the rest) and the ideographic
// space to ASCII, as Chinese phones and input methods type them. Any other
// rune comes back as it is.
//
// It is the one full-width fold of the exchange: the grammar, the phone
// normaliser and every number a clerk types go through it. x/text/width's
// Narrow is not used because it also turns 、 and 。 into the half-width
// forms ､ and ｡, which nothing here reads.
func NarrowRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == '\u3000':
		return ' '
	}
	return r
}

// Narrow applies NarrowRune to every rune of s.
func Narrow(s string) string { return strings.Map(NarrowRune, s) }

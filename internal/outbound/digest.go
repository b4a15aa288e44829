package outbound

import (
	"strconv"
	"strings"
)

// Digest packs lines into one text of at most room UTF-16 units (two SMS
// after the signature when room ≤ 0 — callers pass Budget.Room(2) or
// less): "<head>N条:" then as many lines as fit, joined by ";", then
// "…另M条" for the lines left out. It returns the text and how many lines
// it took, from the front; the caller keeps the rest for the next digest.
// A first line too long on its own is cut with "…", so a digest always
// makes progress while there are lines.
func Digest(head string, lines []string, room int) (text string, took int) {
	if len(lines) == 0 {
		return "", 0
	}
	if room <= 0 {
		room = TwoSMS
	}
	for k := len(lines); k >= 1; k-- {
		if t := digestText(head, lines[:k], len(lines)-k); Len(t) <= room {
			return t, k
		}
	}
	left := room - Len(digestText(head, []string{""}, len(lines)-1))
	return digestText(head, []string{Cut(lines[0], left)}, len(lines)-1), 1
}

func digestText(head string, lines []string, left int) string {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(strconv.Itoa(len(lines)))
	b.WriteString("条:")
	b.WriteString(strings.Join(lines, ";"))
	if left > 0 {
		b.WriteString("…另")
		b.WriteString(strconv.Itoa(left))
		b.WriteString("条")
	}
	return b.String()
}

package outbound_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"huamu/internal/outbound"
)

// Whatever the candidates and the signature, a fitted text fits two SMS
// with the signature, is one of the candidates or the last one cut with
// "…", and stays valid UTF-8 (no surrogate pair or character is split).
func FuzzFit(f *testing.F) {
	f.Add("【花木通】", "已登记#1024 供 桂花 8cm 200株", "已登记#1024")
	f.Add("", strings.Repeat("𠮷", 80), "a")
	f.Add("【花木通花木通花木通】", strings.Repeat("桂", 200), strings.Repeat("🌳", 100))
	f.Fuzz(func(t *testing.T, sig, a, b string) {
		if !utf8.ValidString(sig) || !utf8.ValidString(a) || !utf8.ValidString(b) || outbound.Len(sig) > outbound.OneSMS {
			return
		}
		bud := outbound.Budget{Signature: sig}
		got := bud.Fit(a, b)
		if n := outbound.Len(got); n > bud.Room(2) {
			t.Fatalf("fitted %d units into a room of %d", n, bud.Room(2))
		}
		if !utf8.ValidString(got) {
			t.Fatalf("fitted text is not valid UTF-8: %q", got)
		}
		if got != a && got != b && !(strings.HasSuffix(got, "…") && strings.HasPrefix(b, strings.TrimSuffix(got, "…"))) && got != "" {
			t.Fatalf("fitted %q is neither candidate nor the last one cut", got)
		}
	})
}

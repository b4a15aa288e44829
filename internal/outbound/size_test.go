package outbound_test

import (
	"strings"
	"testing"

	"huamu/internal/outbound"
)

func han(n int) string { return strings.Repeat("桂", n) }

const tree = "🌳" // outside the BMP: 2 UTF-16 units

func TestLen_CountsUTF16Units(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]int{"": 0, "abc": 3, "花木通": 3, "🌸": 2, "𠮷": 2, "【花木通】": 5, "\xff": 1} {
		if got := outbound.Len(s); got != want {
			t.Errorf("Len(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestFit_TheSignatureCountsAgainstTheBudget(t *testing.T) {
	t.Parallel()
	b := outbound.Budget{Signature: "【花木通】"} // 5 units
	long, short := han(66), han(65)
	if got := b.Fit(long, short); got != short {
		t.Errorf("a 66-unit text with a 5-unit signature is 71 units: want the 65-unit candidate, got %d units", outbound.Len(got))
	}
	if got := (outbound.Budget{}).Fit(long, short); got != long {
		t.Errorf("without a signature the 66-unit text fits one SMS; got %d units", outbound.Len(got))
	}
	if b.Room(1) != 65 || b.Room(2) != 129 {
		t.Errorf("room %d and %d, want 65 and 129", b.Room(1), b.Room(2))
	}
}

func TestFit_TakesTwoSMSOnlyWhenNoCandidateFitsOne(t *testing.T) {
	t.Parallel()
	b := outbound.Budget{Signature: "【花木通】"}
	if got := b.Fit(han(100), han(129)); got != han(100) {
		t.Errorf("want the first candidate that fits two SMS, got %d units", outbound.Len(got))
	}
	got := b.Fit(han(200), han(300))
	if outbound.Len(got) != 129 || !strings.HasSuffix(got, "…") || !strings.HasPrefix(han(300), strings.TrimSuffix(got, "…")) {
		t.Errorf("nothing fits: want the last cut to two SMS, got %d units", outbound.Len(got))
	}
	if got := b.Fit(); got != "" {
		t.Errorf("no candidates: %q", got)
	}
}

func TestCut_NeverSplitsASurrogatePair(t *testing.T) {
	t.Parallel()
	s := han(3) + tree + han(3)
	if got := outbound.Cut(s, 5); got != han(3)+"…" {
		t.Errorf("Cut = %q, want the pair left out whole", got)
	}
	if got := outbound.Cut(s, 6); got != han(3)+tree+"…" {
		t.Errorf("Cut = %q", got)
	}
	if got := outbound.Cut(s, 8); got != s {
		t.Errorf("a text that fits is kept: %q", got)
	}
	if got := outbound.Cut(s, 0); got != "" {
		t.Errorf("no room: %q", got)
	}
}

func TestParts_CountsUTF16UnitsWithTheSignature(t *testing.T) {
	t.Parallel()
	none, sig := outbound.Budget{}, outbound.Budget{Signature: "【花木通】"}
	for _, tc := range []struct {
		name string
		b    outbound.Budget
		text string
		want int
	}{
		{"Empty", sig, "", 0},
		{"OneChar", none, "订", 1},
		{"Exactly70", none, han(70), 1},
		{"71NeedsTwoParts", none, han(71), 2},
		{"Exactly134", none, han(134), 2},
		{"135NeedsThree", none, han(135), 3},
		{"EmojiCountsTwo", none, han(69) + tree, 2},
		{"EmojiFitsSingle", none, han(68) + tree, 1},
		{"SurrogatePairNeverSplit", none, han(66) + tree + han(66), 3}, // 134 units, but the pair moves to part 2
		{"SignatureCounts", sig, han(66), 2},
		{"LatinWithAChineseSignatureGoesAsUCS2", sig, strings.Repeat("a", 66), 2},
		{"LatinAloneGoesAsGSM7", none, strings.Repeat("a", 160), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.b.Parts(tc.text); got != tc.want {
				t.Fatalf("Parts = %d (units %d); want %d", got, outbound.Len(tc.text), tc.want)
			}
		})
	}
}

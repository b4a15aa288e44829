package outbound_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"huamu/internal/outbound"
)

func TestDigest_FitsTwoPartsAndCarriesTheRest(t *testing.T) {
	t.Parallel()
	b := outbound.Budget{Signature: "【花木通】"}
	var lines []string
	for i := range 9 {
		lines = append(lines, fmt.Sprintf("%d号桂花8cm 600.00元 万春镇 13800001234", 1000+i))
	}
	rest := lines
	var taken int
	for len(rest) > 0 {
		text, took := outbound.Digest("新货源", rest, b.Room(2))
		if took < 1 || took > len(rest) {
			t.Fatalf("took %d of %d", took, len(rest))
		}
		if n := outbound.Len(text); n > b.Room(2) || b.Parts(text) > 2 {
			t.Fatalf("digest of %d units, %d parts: %s", n, b.Parts(text), text)
		}
		if !strings.HasPrefix(text, "新货源") || !strings.Contains(text, rest[0]) {
			t.Fatalf("digest %q misses its head or first line", text)
		}
		if took < len(rest) && !strings.HasSuffix(text, "…另"+strconv.Itoa(len(rest)-took)+"条") {
			t.Fatalf("digest %q does not count what is left", text)
		}
		taken += took
		rest = rest[took:]
	}
	if taken != len(lines) {
		t.Fatalf("took %d of %d lines", taken, len(lines))
	}
}

func TestDigest_Cases(t *testing.T) {
	t.Parallel()
	if text, took := outbound.Digest("新货源", nil, 0); text != "" || took != 0 {
		t.Fatalf("empty digest = %q, %d", text, took)
	}
	text, took := outbound.Digest("新货源", []string{"桂花8cm 600.00元", "香樟12cm 900.00元"}, 0)
	if want := "新货源2条:桂花8cm 600.00元;香樟12cm 900.00元"; text != want || took != 2 {
		t.Fatalf("Digest = %q, %d; want %q", text, took, want)
	}
	long := strings.Repeat("长", 200)
	text, took = outbound.Digest("新货源", []string{long, "短"}, 40)
	if took != 1 || outbound.Len(text) > 40 || !strings.Contains(text, "…另1条") || !strings.Contains(text, "长…") {
		t.Fatalf("an over-long first line: %q (%d units), took %d", text, outbound.Len(text), took)
	}
}

func ExampleDigest() {
	text, took := outbound.Digest("新货源", []string{
		"1024号桂花8cm 600.00元 万春镇 13800001234",
		"1031号桂花10cm 900.00元 寿安镇 13800005678",
		"1040号桂花9cm 面议 和盛镇 13800009012",
		"1052号桂花8-10cm 650.00元 永宁街道 13800003456",
	}, 0)
	fmt.Println(took, outbound.Budget{}.Parts(text))
	fmt.Println(text)
	// Output:
	// 3 2
	// 新货源3条:1024号桂花8cm 600.00元 万春镇 13800001234;1031号桂花10cm 900.00元 寿安镇 13800005678;1040号桂花9cm 面议 和盛镇 13800009012…另1条
}

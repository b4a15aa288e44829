package grammar

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"huamu/matching"
)

// FuzzParse feeds arbitrary text to Parse: it must never panic, must give
// exactly one result of a known type as valid UTF-8 JSON, and any receipt
// for it must fit two SMS.
func FuzzParse(f *testing.F) {
	for _, e := range loadExamples(f) {
		f.Add(e.Text)
	}
	for _, s := range []string{
		"", " ", "\x00\xff\xfe", "³öÊÛ×ÏÞ±5¹«·Ö", "qiugou xiangzhang 10cm 200 ke", "一百一个", "一万二千三百四十五万",
		"8-10-12-14公分", "１２３４５６７８９０１２３", "供" + strings.Repeat("桂花8公分200株", 200),
		"🌸🌸🌸", "订 1024", "分别 1 2 3 4 5", "1米5米5米", "块一块一块一", "九九九九九九九九九九亿",
		"1.5.5.5万", "13800001234-13800001234", "(1/2)", "供求买卖", "0.000000001元", "99999999999999999999株",
	} {
		f.Add(s)
	}
	g := Default()
	f.Fuzz(func(t *testing.T, s string) {
		r := g.Parse(s)
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("marshal %q: %v", s, err)
		}
		if !utf8.Valid(b) {
			t.Fatalf("invalid UTF-8 JSON for %q", s)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("bad JSON for %q: %v", s, err)
		}
		switch m["type"] {
		case TypeListing:
			if len(r.Items) == 0 || r.Side == "" {
				t.Fatalf("empty listing for %q", s)
			}
			for _, it := range r.Items {
				checkBounds(t, s, it)
			}
			ids := make([]int64, len(r.Items))
			if rs := ReceiptTexts(ids, r); len(rs) == 0 || rs[len(rs)-1] == "" {
				t.Fatalf("no receipt for %q", s)
			}
		case TypeCommand:
			if m["command"] == "" {
				t.Fatalf("command without name for %q", s)
			}
		case TypeUnparseable:
			if m["reason"] == "" {
				t.Fatalf("no reason for %q", s)
			}
		default:
			t.Fatalf("type %v for %q", m["type"], s)
		}
	})
}

// checkBounds fails when a value of the item lies outside what the grammar
// promises: counts in [0, MaxNumber], lengths finite and at most MaxNumber m.
func checkBounds(t *testing.T, s string, it Item) {
	t.Helper()
	if q := it.Qty; q != nil {
		for _, v := range []*int64{q.Min, q.Max} {
			if v != nil && (*v < 0 || *v > int64(MaxNumber)) {
				t.Fatalf("qty %d out of bounds for %q", *v, s)
			}
		}
	}
	for _, k := range matching.SpecKeys() {
		r := it.Spec.get(k)
		if r == nil {
			continue
		}
		for _, v := range []*float64{r.Min, r.Max} {
			if v != nil && (math.IsNaN(*v) || *v < 0 || *v > MaxNumber*100) {
				t.Fatalf("%s %v out of bounds for %q", k, *v, s)
			}
		}
	}
}

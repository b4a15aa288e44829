package grammar

import (
	"math"
	"testing"
)

// TestScanNumber_SaturatesAbsurdNumbers checks that a number beyond
// MaxNumber is read as MaxNumber, however it is written.
func TestScanNumber_SaturatesAbsurdNumbers(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"99999999999999999999", "999999999999999", "999999999999999万", "999999999999999亿", "九千亿亿",
		"99999万亿", "1-999999999999999亿", "九九九九九九九九九九亿",
	} {
		n, k := scanNumber([]rune(in), 0)
		if k == 0 {
			t.Errorf("%s: not read", in)
			continue
		}
		if n.hi > MaxNumber || n.lo > MaxNumber || math.IsNaN(n.lo) || math.IsNaN(n.hi) {
			t.Errorf("%s: read %v-%v, beyond MaxNumber", in, n.lo, n.hi)
		}
	}
	n, _ := scanNumber([]rune("999999999999"), 0)
	if n.lo != 999999999999 {
		t.Errorf("a 12-digit number is exact: got %v", n.lo)
	}
}

// TestParse_AbsurdQuantityAndPriceSaturate checks what the exchange sees
// for absurd figures: MaxNumber, never a wrapped or negative value.
func TestParse_AbsurdQuantityAndPriceSaturate(t *testing.T) {
	t.Parallel()
	g := Default()
	r := g.Parse("出售桂花 8公分 99999999999999999999株 999999999999999亿元一棵")
	if r.Type != TypeListing {
		t.Fatalf("got %+v", r)
	}
	it := r.Items[0]
	if it.Qty == nil || it.Qty.Min == nil || *it.Qty.Min != int64(MaxNumber) {
		t.Errorf("qty %+v, want %v", it.Qty, int64(MaxNumber))
	}
	if it.Price == nil || it.Price.Min == nil || it.Price.Min.StringFixed(2) != "1000000000000.00" {
		t.Errorf("price %+v, want MaxNumber", it.Price)
	}
	r = g.Parse("求购香樟 胸径999999999999999米 99999亿棵")
	if r.Type != TypeListing || r.Items[0].Spec.get("dbh_cm") == nil || *r.Items[0].Spec["dbh_cm"].Min != MaxNumber*100 {
		t.Errorf("spec %+v", r.Items)
	}
	if q := r.Items[0].Qty; q == nil || *q.Max != int64(MaxNumber) {
		t.Errorf("qty %+v", q)
	}
}

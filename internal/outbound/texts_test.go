package outbound_test

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"huamu/internal/outbound"
	"huamu/matching"
)

func offer(species, variety, town, contact string) matching.Listing {
	p := decimal.RequireFromString("600")
	return matching.Listing{ID: 1024, Phone: "13800001234", Side: matching.Supply, Species: species, Variety: variety,
		Spec: matching.Spec{matching.SpecDBH: matching.Exactly(8)}, Price: &matching.Price{Min: &p, Max: &p, Per: "株"},
		Location: &matching.Location{Town: town}, Contact: contact}
}

// The receipt a member gets for a listing a clerk entered for them (代发布)
// says what was listed and how to undo it in one SMS where it can, and
// never runs past two SMS with the signature, however long the listing.
func TestFit_AClerksReceiptNeverExceedsTheBudget(t *testing.T) {
	t.Parallel()
	b := outbound.Budget{Signature: "【花木通】"}
	plain := b.Fit(outbound.OnBehalfReceipt(offer("桂花", "金桂", "万春镇", ""))...)
	if want := `工作人员已为您登记:1024号桂花(金桂)胸径8cm 600.00元 万春镇 13800001234 发"取消 1024"可撤销`; b.Parts(plain) != 1 ||
		!strings.HasPrefix(plain, "工作人员已为您登记:1024号桂花(金桂)") || !strings.HasSuffix(plain, `发"取消 1024"可撤销`) {
		t.Errorf("plain receipt in %d parts: %s (like %s)", b.Parts(plain), plain, want)
	}
	long := strings.Repeat("长", 80)
	for _, l := range []matching.Listing{
		offer(long, long, long, "13900000000"),
		offer("桂花", long, "万春镇", ""),
		offer("桂花"+strings.Repeat("𠮷", 70), "", long, ""),
	} {
		got := b.Fit(outbound.OnBehalfReceipt(l)...)
		if n := outbound.Len(got) + b.SigLen(); n > outbound.TwoSMS || b.Parts(got) > 2 {
			t.Errorf("a receipt of %d units, %d parts: %s", n, b.Parts(got), got)
		}
		if !strings.Contains(got, "工作人员已为您登记") {
			t.Errorf("the receipt lost what it is: %s", got)
		}
	}
	// A long variety costs the detail, not the way to undo it.
	got := b.Fit(outbound.OnBehalfReceipt(offer("桂花", long, "万春镇", ""))...)
	if !strings.HasSuffix(got, `发"取消 1024"可撤销`) {
		t.Errorf("the receipt lost how to undo it: %s", got)
	}
}

func TestMatchNotice_FitsWithTheOrderHintOrWithout(t *testing.T) {
	t.Parallel()
	b := outbound.Budget{Signature: "【花木通】"}
	got := b.Fit(outbound.MatchNotice(offer("桂花", "", "万春镇", ""))...)
	if !strings.HasPrefix(got, "新货源:1024号桂花") || !strings.HasSuffix(got, `回"订 1024 数量"下单`) || b.Parts(got) != 1 {
		t.Errorf("notice %s", got)
	}
}

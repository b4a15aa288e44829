package grammar

import (
	"strings"
	"testing"
)

// How the receipts, help and junk replies are fitted to an SMS with the
// signature is tested where the fitting is done: internal/outbound's
// grammar_test.go. Here: the wording.

func TestReceiptTexts_TheFirstCandidateEchoesEverything(t *testing.T) {
	r := Default().Parse("供 桂花 金桂 米径8-10公分 200株 上车价260 万春")
	got := ReceiptTexts([]int64{1024}, r)
	want := `已登记#1024 供 桂花(金桂) 米径8-10cm 200株 上车价260元/株 万春镇 回"取消1024"撤销`
	if got[0] != want {
		t.Errorf("receipt\n got %s\nwant %s", got[0], want)
	}
	last := got[len(got)-1]
	if !strings.Contains(last, "#1024 供 桂花 200株") || strings.Contains(last, "米径") {
		t.Errorf("the least detailed candidate %s", last)
	}
	if got := ReceiptTexts(nil, r); len(got) == 0 || got[0] == "" {
		t.Errorf("no ids: %q", got)
	}
	if got := ReceiptTexts([]int64{1}, Default().Parse("你好")); len(got) == 0 || got[0] == "" {
		t.Error("receipt for junk is empty")
	}
}

// A form that makes another product (球, 柱, 盆景 …) stays on the name at
// the least detail (name and quantity): a grower must see that 红叶石楠球
// was understood as balls, not trees.
func TestSummaryAt_KeepsTheForm(t *testing.T) {
	r := Default().Parse("有红叶石楠球 冠幅1米 200株 80元")
	if got := summaryAt(r.Items[0], 4); got != "红叶石楠球 200株" {
		t.Errorf("least detail: %s", got)
	}
}

func TestItemSummary(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"供 桂花 金桂 米径8-10公分 200株 上车价260 万春":   "桂花(金桂) 米径8-10cm 200株 上车价260元/株",
		"低价处理 桂花 米径4公分 1000棵 每棵50 寿安":       "桂花 处理 米径4cm 1000株 50元/株",
		"求购 香樟 胸径25公分 土球1.5米 20棵 到货价8000以内": "香樟 胸径25cm 土球1.5m 20株 到货价8000元/株以内",
		"求购 紫薇 地径8公分以上 分枝点1.2米 100株 8块以内":   "紫薇 地径8cm以上 分枝点1.2m 100株 8元/株以内",
		"供应 朴树 胸径18公分 截杆 10株 一起走2万":         "朴树 胸径18cm 10株 共20000元",
		"供 海桐球 冠幅60 400个 面议":                "海桐球 冠幅60cm 400株 面议",
		"卖麦冬 6毛一丛 三万丛":                      "麦冬 30000丛 0.6元/丛",
		"供应 3加仑 八角金盘 冠40 5000盆 5元":          "八角金盘 冠幅40cm 3加仑 5000盆 5元/盆",
	}
	for text, want := range cases {
		r := Default().Parse(text)
		if r.Type != TypeListing {
			t.Fatalf("%s: %s", text, r.Reason)
		}
		if got := ItemSummary(r.Items[0]); got != want {
			t.Errorf("%s\n got %s\nwant %s", text, got, want)
		}
	}
}

package grammar

import (
	"slices"
	"strings"
	"testing"
)

const sig = "【花木通】"

func TestReceiptText_EchoesWhatWasUnderstood(t *testing.T) {
	t.Parallel()
	r := Default().Parse("出售紫微 地经5公分 高杆 分支点1.5米 300株 150元 和盛")
	got := ReceiptText([]int64{1024}, r, UCS2Len(sig))
	want := `已登记#1024 供 紫薇 地径5cm 分枝点1.5m 300株 150元/株 和盛镇 回"取消1024"撤销`
	if got != want {
		t.Errorf("receipt\n got %s\nwant %s", got, want)
	}
}

func TestReceiptText_MultiItemAndFallback(t *testing.T) {
	t.Parallel()
	r := Default().Parse("供桂花8公分200株、10公分100株 和盛")
	got := ReceiptText([]int64{11, 12}, r, 5)
	want := `已登记供 #11 桂花 8cm 200株;#12 桂花 10cm 100株 和盛镇 回"取消+编号"撤销`
	if got != want {
		t.Errorf("receipt\n got %s\nwant %s", got, want)
	}
	if got := ReceiptText(nil, r, 5); got == "" || UCS2Len(got)+5 > OneSMS {
		t.Errorf("no ids: %q", got)
	}
	if got := ReceiptText([]int64{1}, Default().Parse("你好"), 5); got == "" {
		t.Error("receipt for junk is empty")
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

// TestReplies_FitOneSMS checks every fixed reply against one SMS with the
// carrier signature, and every receipt against two.
func TestReplies_FitOneSMS(t *testing.T) {
	t.Parallel()
	for _, sigLen := range []int{0, 5, 8} {
		for topic := range helpTexts {
			if n := UCS2Len(HelpText(topic, sigLen)) + sigLen; n > OneSMS {
				t.Errorf("help %q sig %d: %d units", topic, sigLen, n)
			}
		}
		for _, reason := range []string{ReasonEmpty, ReasonChitchat, ReasonSpam, ReasonWrongNumber, ReasonGarbled,
			ReasonFragment, ReasonNoSide, ReasonNoSpecies, ReasonConflictingSide, ReasonConflictingCommand, ReasonSystemMessage} {
			if n := UCS2Len(JunkReply(reason, sigLen)) + sigLen; n > OneSMS {
				t.Errorf("junk %q sig %d: %d units", reason, sigLen, n)
			}
		}
	}
	for _, e := range loadExamples(t) {
		r := Default().Parse(e.Text)
		if r.Type != TypeListing {
			continue
		}
		ids := make([]int64, len(r.Items))
		for k := range ids {
			ids[k] = int64(100000 + k)
		}
		got := ReceiptText(ids, r, 5)
		n := UCS2Len(got) + 5
		if n > TwoSMS || len(r.Items) == 1 && n > OneSMS {
			t.Errorf("%s receipt %d units: %s", e.ID, n, got)
		}
	}
}

func TestReceiptText_LongAdvertKeepsBallAndTerms(t *testing.T) {
	t.Parallel()
	r := Default().Parse("出售 大规格银杏 米径15-16公分 高6米 冠幅3.5米 分枝点2.2米 土球1米 二次移栽 根系发达 数量40棵 每棵到货价2800 联系人陈13900002222")
	got := ReceiptText([]int64{1024}, r, UCS2Len(sig))
	want := `已登记#1024 供 银杏 米径15-16cm 土球1m 40株 到货价2800元/株 回"取消1024"撤销`
	if got != want {
		t.Errorf("receipt\n got %s\nwant %s", got, want)
	}
}

// A form that makes another product (球, 柱, 盆景 …) stays on the name at
// every level of detail: a grower must see that 红叶石楠球 was understood
// as balls, not trees.
func TestReceiptText_KeepsTheForm(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, want string }{
		{"有红叶石楠球 冠幅1米 200株 80元", `已登记#1024 供 红叶石楠球 冠幅1m 200株 80元/株 回"取消1024"撤销`},
		{"出售 海桐球 冠幅米二 高一米 100个 70元 金马", `已登记#1024 供 海桐球 高1m 冠幅1.2m 100株 70元/株 金马街道 回"取消1024"撤销`},
		{"供 罗汉松盆景 高80公分 5盆 3000元", `已登记#1024 供 罗汉松盆景 高80cm 5盆 3000元/盆 回"取消1024"撤销`},
	} {
		r := Default().Parse(tc.text)
		if got := ReceiptText([]int64{1024}, r, UCS2Len(sig)); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.text, got, tc.want)
		}
	}
	// At the least detail (name and quantity) the form is still there.
	r := Default().Parse("有红叶石楠球 冠幅1米 200株 80元")
	if got := summaryAt(r.Items[0], 4); got != "红叶石楠球 200株" {
		t.Errorf("least detail: %s", got)
	}
}

// TestReceiptText_EchoesRoundTwoFields checks, over every one-item listing
// of our round-two table, that the receipt fits one SMS with the signature
// and still shows the root ball, the price's terms and a clearance sale.
func TestReceiptText_EchoesRoundTwoFields(t *testing.T) {
	t.Parallel()
	for _, e := range loadJSONL(t, "testdata/round2.jsonl") {
		r := Default().Parse(e.Text)
		if r.Type != TypeListing || len(r.Items) != 1 {
			continue
		}
		got := ReceiptText([]int64{100234}, r, UCS2Len(sig))
		if n := UCS2Len(got) + UCS2Len(sig); n > OneSMS {
			t.Errorf("%s: %d units: %s", e.ID, n, got)
		}
		it := r.Items[0]
		if it.Spec.get("ball_cm") != nil && !strings.Contains(got, "土球") {
			t.Errorf("%s: no 土球 in %s", e.ID, got)
		}
		if it.Price != nil && it.Price.Terms != nil && !strings.Contains(got, *it.Price.Terms) {
			t.Errorf("%s: no %s in %s", e.ID, *it.Price.Terms, got)
		}
		if slices.Contains(it.Attrs, "处理") && !strings.Contains(got, "处理") {
			t.Errorf("%s: no 处理 in %s", e.ID, got)
		}
		if slices.Contains(it.Attrs, "球") && !strings.Contains(got, it.Species+"球") {
			t.Errorf("%s: no %s球 in %s", e.ID, it.Species, got)
		}
	}
}

func TestUCS2Len(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]int{"": 0, "abc": 3, "花木通": 3, "🌸": 2, "【花木通】": 5} {
		if got := UCS2Len(s); got != want {
			t.Errorf("UCS2Len(%q) = %d, want %d", s, got, want)
		}
	}
}

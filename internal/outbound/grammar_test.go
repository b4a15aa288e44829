package outbound_test

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"huamu/internal/outbound"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// The grammar words its receipts, help and junk replies as candidates;
// these tests check the fitted text a member gets with the default
// signature.

var sigBudget = outbound.Budget{Signature: "【花木通】"}

func receipt(ids []int64, text string) string {
	return sigBudget.Fit(grammar.ReceiptTexts(ids, grammar.Default().Parse(text))...)
}

type example struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func loadJSONL(t *testing.T, path string) []example {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e example
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func TestFit_AReceiptEchoesWhatWasUnderstoodInOneSMS(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text, want string
		ids              []int64
	}{
		{"Full", "出售紫微 地经5公分 高杆 分支点1.5米 300株 150元 和盛", `已登记#1024 供 紫薇 地径5cm 分枝点1.5m 300株 150元/株 和盛镇 回"取消1024"撤销`, []int64{1024}},
		{"MultiItem", "供桂花8公分200株、10公分100株 和盛", `已登记供 #11 桂花 8cm 200株;#12 桂花 10cm 100株 和盛镇 回"取消+编号"撤销`, []int64{11, 12}},
		{"LongAdvertKeepsBallAndTerms", "出售 大规格银杏 米径15-16公分 高6米 冠幅3.5米 分枝点2.2米 土球1米 二次移栽 根系发达 数量40棵 每棵到货价2800 联系人陈13900002222",
			`已登记#1024 供 银杏 米径15-16cm 土球1m 40株 到货价2800元/株 回"取消1024"撤销`, []int64{1024}},
		{"KeepsTheFormBall", "有红叶石楠球 冠幅1米 200株 80元", `已登记#1024 供 红叶石楠球 冠幅1m 200株 80元/株 回"取消1024"撤销`, []int64{1024}},
		{"KeepsTheFormBallWithPlace", "出售 海桐球 冠幅米二 高一米 100个 70元 金马", `已登记#1024 供 海桐球 高1m 冠幅1.2m 100株 70元/株 金马街道 回"取消1024"撤销`, []int64{1024}},
		{"KeepsTheFormBonsai", "供 罗汉松盆景 高80公分 5盆 3000元", `已登记#1024 供 罗汉松盆景 高80cm 5盆 3000元/盆 回"取消1024"撤销`, []int64{1024}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := receipt(tc.ids, tc.text); got != tc.want {
				t.Errorf("receipt\n got %s\nwant %s", got, tc.want)
			}
		})
	}
	if got := receipt(nil, "供桂花8公分200株 和盛"); got == "" || sigBudget.Parts(got) > 1 {
		t.Errorf("no ids: %q", got)
	}
}

// Every fixed reply fits one SMS with a signature of 0, 5 or 8 units, and
// every receipt of the public examples two (one for a single item).
func TestFit_EveryGrammarReplyFitsOneSMS(t *testing.T) {
	t.Parallel()
	topics := []string{"", grammar.CmdCancel, grammar.CmdQuery, grammar.CmdAccept, grammar.CmdDecline, grammar.CmdOrder,
		grammar.CmdJoin, grammar.CmdRegister, grammar.CmdUnsubscribe, grammar.SideSupply, grammar.SideDemand, "unknown"}
	reasons := []string{grammar.ReasonEmpty, grammar.ReasonChitchat, grammar.ReasonSpam, grammar.ReasonWrongNumber, grammar.ReasonGarbled,
		grammar.ReasonFragment, grammar.ReasonNoSide, grammar.ReasonNoSpecies, grammar.ReasonConflictingSide,
		grammar.ReasonConflictingCommand, grammar.ReasonSystemMessage}
	for _, sig := range []string{"", "【花木通】", "【花木通花木通】"} {
		b := outbound.Budget{Signature: sig}
		for _, topic := range topics {
			if n := outbound.Len(b.Fit(grammar.HelpTexts(topic)...)) + b.SigLen(); n > outbound.OneSMS {
				t.Errorf("help %q sig %q: %d units", topic, sig, n)
			}
		}
		for _, reason := range reasons {
			if n := outbound.Len(b.Fit(grammar.JunkReplies(reason)...)) + b.SigLen(); n > outbound.OneSMS {
				t.Errorf("junk %q sig %q: %d units", reason, sig, n)
			}
		}
	}
	for _, e := range loadJSONL(t, "../../smsgw/grammar/testdata/examples.jsonl") {
		r := grammar.Default().Parse(e.Text)
		if r.Type != grammar.TypeListing {
			continue
		}
		ids := make([]int64, len(r.Items))
		for k := range ids {
			ids[k] = int64(100000 + k)
		}
		got := sigBudget.Fit(grammar.ReceiptTexts(ids, r)...)
		n := outbound.Len(got) + sigBudget.SigLen()
		if n > outbound.TwoSMS || len(r.Items) == 1 && n > outbound.OneSMS {
			t.Errorf("%s receipt %d units: %s", e.ID, n, got)
		}
	}
}

// Over every one-item listing of the grammar's round-two table, the
// receipt fits one SMS with the signature and still shows the root ball,
// the price's terms and a clearance sale.
func TestFit_AReceiptKeepsBallTermsAndClearance(t *testing.T) {
	t.Parallel()
	for _, e := range loadJSONL(t, "../../smsgw/grammar/testdata/round2.jsonl") {
		r := grammar.Default().Parse(e.Text)
		if r.Type != grammar.TypeListing || len(r.Items) != 1 {
			continue
		}
		got := sigBudget.Fit(grammar.ReceiptTexts([]int64{100234}, r)...)
		if n := outbound.Len(got) + sigBudget.SigLen(); n > outbound.OneSMS {
			t.Errorf("%s: %d units: %s", e.ID, n, got)
		}
		it := r.Items[0]
		if _, ball := it.Spec[matching.SpecBall]; ball && !strings.Contains(got, "土球") {
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

package app_test

import (
	"fmt"
	"strings"
	"testing"

	"huamu/internal/outbound"
)

// Deals struck by SMS through real binds become the answer to 行情 桂花:
// offers, orders, confirmations, then the question, from handsets on the
// SMSC simulator.
func TestPrices_DealsConfirmedBySMSAnswerTheQuestion(t *testing.T) {
	x := start(t)
	t.Cleanup(func() {
		if t.Failed() {
			for _, m := range x.sim.Messages() {
				t.Logf("%s <- %s", m.To, m.Text)
			}
		}
	})
	const growerA, growerB, buyerA, buyerB, asker = "13800000021", "13800000022", "13900000023", "13900000024", "13700000025"
	deal := func(grower, offer, buyer string, qty int) {
		t.Helper()
		receipt := x.text(t, grower, offer)
		m := idAfter(`#`).FindStringSubmatch(receipt[0].Text)
		if m == nil {
			t.Fatalf("receipt %q has no id", receipt[0].Text)
		}
		placed := x.text(t, buyer, fmt.Sprintf("订 %s %d", m[1], qty))
		o := idAfter(`订单`).FindStringSubmatch(placed[0].Text)
		if o == nil {
			t.Fatalf("buyer after 订: %+v", placed)
		}
		x.waitText(t, grower, `"确认 `+o[1]+`"`)
		if got := x.text(t, grower, "确认 "+o[1]); !strings.Contains(got[0].Text, "已确认") {
			t.Fatalf("grower's 确认: %+v", got)
		}
	}
	// One deal: nobody's price is published yet.
	deal(growerA, "供 桂花 8公分 200株 600元 万春镇", buyerA, 50)
	if got := x.text(t, asker, "桂花好多钱"); !strings.Contains(got[0].Text, "暂无成交价") || strings.Contains(got[0].Text, "成交1笔") {
		t.Fatalf("桂花好多钱 after one deal: %q", got[0].Text)
	}
	deal(growerB, "供 桂花 8公分 100株 580元 和盛镇", buyerB, 20)
	deal(growerA, "供 桂花 9公分 100株 620元 万春镇", buyerB, 30)

	answer := x.text(t, asker, "行情 桂花")
	if len(answer) != 1 {
		t.Fatalf("answer %+v, want one SMS", answer)
	}
	got := answer[0].Text
	for _, want := range []string{"【花木通】桂花", "成交3笔", "8cm价600元", "报价"} {
		if !strings.Contains(got, want) {
			t.Errorf("行情 桂花 = %q, lacks %q", got, want)
		}
	}
	if n := outbound.Len(got); n > 70 {
		t.Errorf("the answer is %d units: one SMS where it fits", n)
	}
	if same := x.text(t, asker, "桂花啥子价"); same[0].Text != got {
		t.Errorf("桂花啥子价 = %q, want the same answer", same[0].Text)
	}
	// Asking again in the same words is a new question, answered again.
	if again := x.text(t, asker, "行情 桂花"); again[0].Text != got {
		t.Errorf("行情 桂花 again = %q, want the same answer", again[0].Text)
	}
	sub := x.text(t, asker, "订阅 桂花 紫薇")
	if !strings.Contains(sub[0].Text, "已订阅桂花、紫薇行情") {
		t.Errorf("订阅: %q", sub[0].Text)
	}
	t.Logf("行情 桂花 → %s", got)
}

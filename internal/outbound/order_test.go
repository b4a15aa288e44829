package outbound

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/matching"
)

func TestOrderTexts(t *testing.T) {
	t.Parallel()
	o := matching.Order{ID: 77, Species: "桂花", Qty: 100, Unit: "株", UnitPrice: decimal.RequireFromString("600"),
		CreatedAt: time.Date(2025, 3, 1, 9, 0, 0, 0, matching.ChinaTime)}
	if got, want := OrderProposal(o, "张三", "13900000002"), []string{
		`买家张三13900000002订桂花100株 600.00元/株 共60000.00元 回"确认 77"接受 "拒绝 77"拒绝`,
		`买家13900000002订桂花100株 600.00元/株 共60000.00元 回"确认 77"接受 "拒绝 77"拒绝`,
	}; got[0] != want[0] || got[1] != want[1] {
		t.Errorf("OrderProposal = %q; want %q", got, want)
	}
	if got, want := OrderPending(o), "订单77已发卖家:桂花100株 共60000.00元，待确认"; got != want {
		t.Errorf("OrderPending = %q; want %q", got, want)
	}
	b := Budget{Signature: "【花木通】"}
	if n := b.Parts(b.Fit(OrderProposal(o, "一个很长很长的名字", "13900000002")...)); n > 1 {
		t.Errorf("a proposal costs %d parts", n)
	}
}

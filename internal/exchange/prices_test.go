package exchange_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"huamu/internal/prices"
	"huamu/internal/store"
)

func withPrices(b *bench) *bench {
	b.ex.Prices = &prices.Service{Store: b.st, Outbox: b.ex.Outbox}
	return b
}

// deal makes a confirmed order by SMS: from offers, buyer orders qty, the
// grower confirms.
func (b *bench) deal(t *testing.T, from, offer, buyer string, qty int) {
	t.Helper()
	id := b.offer(t, from, offer)
	b.text(t, buyer, fmt.Sprintf("订 %d %d", id, qty))
	if got := one(t, b.text(t, from, "确认"), from); !strings.Contains(got, "已确认") {
		t.Fatalf("grower's 确认: %q", got)
	}
}

func subscriptions(t *testing.T, b *bench, phone string) []string {
	t.Helper()
	var got []string
	err := b.st.InTx(context.Background(), func(tx *store.Tx) error {
		m, err := tx.EnsureMember(context.Background(), phone)
		if err != nil {
			return err
		}
		got, err = tx.PriceSubscriptions(context.Background(), m.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestQueryPrice_AnswersFromDealsWithTheAsksAndKeepsOneDealPrivate(t *testing.T) {
	t.Parallel()
	b := withPrices(newBench(t))
	b.deal(t, grower, "供 桂花 8公分 200株 600元", buyer, 50)
	// One deal is nobody's business: the answer gives the asks instead.
	for _, ask := range []string{"行情 桂花", "桂花好多钱", "桂花啥子价"} {
		got := one(t, b.text(t, buyer2, ask), buyer2)
		if strings.Contains(got, "成交1笔") || !strings.Contains(got, "暂无成交价") || !strings.Contains(got, "报价1条600元") {
			t.Errorf("%s with one deal: %q", ask, got)
		}
	}
	b.deal(t, grower2, "供 桂花 8公分 100株 580元", buyer, 20)
	b.deal(t, grower, "供 桂花 9公分 100株 620元", buyer2, 30)
	b.offer(t, "13800000007", "供 桂花 12公分 100株 900元")
	sent := b.text(t, buyer2, "行情 桂花")
	got := one(t, sent, buyer2)
	if want := "桂花本周成交3笔:8cm价600元;报价4条580-900元"; got != want {
		t.Errorf("行情 桂花 = %q, want %q", got, want)
	}
	checkLength(t, sent)
	if in := b.inbound(t, buyer2); in.State != "done" || in.Outcome != "行情桂花" {
		t.Errorf("inbound %s %q", in.State, in.Outcome)
	}
	// A size narrows the answer to its band.
	if got := one(t, b.text(t, buyer2, "桂花12公分好多钱"), buyer2); got != "桂花近期成交少于3笔,暂无成交价;报价1条900元" {
		t.Errorf("桂花12公分好多钱 = %q", got)
	}
	if got := one(t, b.text(t, buyer2, "行情"), buyer2); !strings.Contains(got, `"行情 桂花"`) {
		t.Errorf("行情 alone = %q", got)
	}
}

func TestQueryPrice_WithoutThePriceServiceAnswersFromTheBook(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	b.offer(t, grower, "供 桂花 8公分 200株 600元")
	if got := one(t, b.text(t, buyer, "行情 桂花"), buyer); !strings.Contains(got, "桂花货源1条") {
		t.Errorf("行情 without prices: %q", got)
	}
}

func TestSubscribe_AtMostFiveSpeciesAndStopsOnlyWhatItSays(t *testing.T) {
	t.Parallel()
	b := withPrices(newBench(t))
	got := one(t, b.text(t, buyer, "订阅 桂花 紫薇"), buyer)
	if !strings.Contains(got, "已订阅桂花、紫薇行情") || !strings.Contains(got, "每周一") {
		t.Errorf("订阅 reply %q", got)
	}
	got = one(t, b.text(t, buyer, "订阅 桂花 香樟 银杏 樱花 栾树"), buyer)
	if !strings.Contains(got, "已订阅桂花、紫薇、香樟、银杏、樱花行情") || !strings.Contains(got, "最多订5种,未订栾树") {
		t.Errorf("订阅 over the limit: %q", got)
	}
	if subs := subscriptions(t, b, buyer); !slices.Equal(subs, []string{"桂花", "紫薇", "香樟", "银杏", "樱花"}) {
		t.Errorf("subscriptions %v", subs)
	}
	if got := one(t, b.text(t, buyer, "订阅"), buyer); !strings.Contains(got, "您已订阅桂花") {
		t.Errorf("订阅 alone: %q", got)
	}
	if got := one(t, b.text(t, buyer, "退订行情 桂花"), buyer); !strings.Contains(got, "已退订桂花行情") || !strings.Contains(got, "仍订紫薇") {
		t.Errorf("退订行情 桂花: %q", got)
	}
	got = one(t, b.text(t, buyer, "退订行情"), buyer)
	if !strings.Contains(got, "已退订行情") {
		t.Errorf("退订行情: %q", got)
	}
	if subs := subscriptions(t, b, buyer); len(subs) != 0 {
		t.Errorf("after 退订行情: %v", subs)
	}
	// 退订行情 ends only the bulletin: match texts still come.
	b.text(t, buyer, "求购 桂花 8公分 100株")
	if offer := b.text(t, grower, "供 桂花 8公分 200株 600元"); len(to(offer, buyer)) != 1 {
		t.Errorf("after 退订行情 the buyer got %d match texts, want 1", len(to(offer, buyer)))
	}
	if got := one(t, b.text(t, buyer, "退订行情"), buyer); !strings.Contains(got, "没有订阅") {
		t.Errorf("退订行情 twice: %q", got)
	}
}

func TestUnsubscribe_EndsThePriceSubscriptionsForGood(t *testing.T) {
	t.Parallel()
	b := withPrices(newBench(t))
	b.text(t, buyer, "订阅 桂花")
	if got := one(t, b.text(t, buyer, "TD"), buyer); !strings.Contains(got, "已退订") || !strings.Contains(got, "行情") {
		t.Errorf("TD reply %q", got)
	}
	if subs := subscriptions(t, b, buyer); len(subs) != 0 {
		t.Errorf("subscriptions after TD: %v", subs)
	}
	b.text(t, buyer, "帮助") // texting again lifts the stop, not the bulletin's end
	if subs := subscriptions(t, b, buyer); len(subs) != 0 {
		t.Errorf("subscriptions after texting again: %v", subs)
	}
}

package exchange_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

func TestCancel_OwnListingByIDOrBareWhenOnlyOne(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	a := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	got := one(t, b.text(t, grower, fmt.Sprintf("取消 %d", a)), grower)
	if !strings.Contains(got, "已撤销") || b.listing(t, a).State != matching.ListingCancelled {
		t.Errorf("取消 %d: reply %q, state %s", a, got, b.listing(t, a).State)
	}
	c := b.offer(t, grower, "供 香樟 12公分 100株 900元")
	b.text(t, grower, "取消")
	if st := b.listing(t, c).State; st != matching.ListingCancelled {
		t.Errorf("bare 取消 with one open listing left it %s", st)
	}
	if got := one(t, b.text(t, grower, "取消"), grower); !strings.Contains(got, "没有有效") {
		t.Errorf("bare 取消 with nothing open got %q", got)
	}
}

func TestCancel_BareAsksBackWhenSeveralAndSpeciesNarrowsIt(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	a := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	c := b.offer(t, grower, "供 香樟 12公分 100株 900元")
	sent := b.text(t, grower, "取消")
	checkLength(t, sent)
	ask := one(t, sent, grower)
	if !strings.Contains(ask, fmt.Sprint(a)) || !strings.Contains(ask, fmt.Sprint(c)) {
		t.Errorf("ask-back %q should list both ids", ask)
	}
	if b.listing(t, a).State != matching.ListingOpen || b.listing(t, c).State != matching.ListingOpen {
		t.Fatal("an ambiguous 取消 cancelled something")
	}
	b.text(t, grower, "取消 桂花")
	if b.listing(t, a).State != matching.ListingCancelled || b.listing(t, c).State != matching.ListingOpen {
		t.Errorf("取消 桂花: 桂花 %s, 香樟 %s", b.listing(t, a).State, b.listing(t, c).State)
	}
}

func TestCancel_SomeoneElsesListingIsRefusedAndABuyerCancelsTheirOrder(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	a := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	if got := one(t, b.text(t, buyer, fmt.Sprintf("取消 %d", a)), buyer); !strings.Contains(got, "只能取消自己") {
		t.Errorf("cancelling another's listing got %q", got)
	}
	b.text(t, buyer, fmt.Sprintf("订 %d 60", a))
	o := b.lastOrder(t)
	sent := b.text(t, buyer, fmt.Sprintf("取消 %d", o.ID))
	if b.order(t, o.ID).State != matching.OrderCancelled || b.listing(t, a).Remaining != 200 {
		t.Errorf("buyer's 取消 of their order: state %s remaining %d", b.order(t, o.ID).State, b.listing(t, a).Remaining)
	}
	if got := one(t, sent, grower); !strings.Contains(got, "买家已取消") {
		t.Errorf("grower got %q", got)
	}
	b.checkBooks(t)
}

func TestQuery_SpeciesGivesPriceRangeAndLatestOffers(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	b.offer(t, grower, "供 桂花 8公分 200株 600元 万春镇")
	b.clock.Add(time.Minute)
	b.offer(t, grower2, "供 桂花 8公分 100株 550元 和盛镇")
	b.clock.Add(time.Minute)
	newest := b.offer(t, grower2, "供 桂花 8公分 50株 720元")
	b.offer(t, grower, "供 香樟 12公分 100株 900元")
	sent := b.text(t, buyer, "查 桂花")
	checkLength(t, sent)
	got := one(t, sent, buyer)
	for _, want := range []string{"桂花货源3条", "550.00-720.00元", fmt.Sprintf("%d号", newest)} {
		if !strings.Contains(got, want) {
			t.Errorf("查 桂花: %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "香樟") {
		t.Errorf("查 桂花 showed another species: %q", got)
	}
	if i, j := strings.Index(got, fmt.Sprintf("%d号", newest)), strings.Index(got, "550.00元 和盛镇"); i < 0 || j < 0 || i > j {
		t.Errorf("latest offer should come first: %q", got)
	}
	none := one(t, b.text(t, buyer, "查 银杏"), buyer)
	if !strings.Contains(none, "暂无银杏") {
		t.Errorf("查 银杏 with none: %q", none)
	}
}

func TestQuery_SpecFiltersTheBookAndMineListsOwnListings(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	b.offer(t, grower, "供 桂花 胸径8公分 200株 600元")
	b.offer(t, grower2, "供 桂花 胸径15公分 100株 1500元")
	got := one(t, b.text(t, buyer, "查 桂花 胸径15公分"), buyer)
	if !strings.Contains(got, "1条") || !strings.Contains(got, "1500.00元") {
		t.Errorf("查 桂花 胸径15公分: %q", got)
	}
	mine := one(t, b.text(t, grower2, "我的"), grower2)
	if !strings.Contains(mine, "您的有效信息1条") || !strings.Contains(mine, "剩100株") {
		t.Errorf("我的: %q", mine)
	}
	if got := one(t, b.text(t, buyer, "我的"), buyer); !strings.Contains(got, "没有有效") {
		t.Errorf("我的 with nothing: %q", got)
	}
}

func TestUnsubscribe_StopsMatchTextsUntilTheNumberTextsAgain(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	b.text(t, buyer, "求购 桂花 8公分 100株")
	sent := b.text(t, buyer, "退订")
	if got := one(t, sent, buyer); !strings.Contains(got, "已退订") {
		t.Errorf("退订 reply %q", got)
	}
	offer := b.text(t, grower, "供 桂花 8公分 200株 600元")
	if len(to(offer, buyer)) != 0 {
		t.Errorf("a stopped number got a match text: %q", to(offer, buyer))
	}
	b.text(t, buyer, "帮助")
	again := b.text(t, grower2, "供 桂花 8公分 300株 580元")
	if len(to(again, buyer)) != 1 {
		t.Errorf("after texting again the number got %d match texts, want 1", len(to(again, buyer)))
	}
}

// TestUnsubscribe_EveryWayOfAskingToStop checks that the exchange honours
// the plain-language stop requests the grammar reads as unsubscribe.
func TestUnsubscribe_EveryWayOfAskingToStop(t *testing.T) {
	t.Parallel()
	for _, stop := range []string{"莫给我发这些了", "我不需要这些信息 请停止发送", "别再给我发短信了"} {
		t.Run(stop, func(t *testing.T) {
			b := newBench(t)
			b.text(t, buyer, "求购 桂花 8公分 100株")
			if got := one(t, b.text(t, buyer, stop), buyer); !strings.Contains(got, "已退订") {
				t.Errorf("%s reply %q", stop, got)
			}
			if offer := b.text(t, grower, "供 桂花 8公分 200株 600元"); len(to(offer, buyer)) != 0 {
				t.Errorf("a stopped number got a match text: %q", to(offer, buyer))
			}
		})
	}
}

func TestRegister_RecordsNameTownAndVillage(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	got := one(t, b.text(t, grower, "注册 李光明 和盛镇石牛村"), grower)
	if !strings.Contains(got, "李光明") {
		t.Errorf("注册 reply %q", got)
	}
	m, err := b.st.MemberByPhone(context.Background(), grower)
	if err != nil || m.Name != "李光明" || m.Town != "和盛镇" || m.Village != "石牛村" {
		t.Errorf("member %+v (%v)", m, err)
	}
	// The grower's name now appears in proposals to... the grower's buyers see it.
	id := b.offer(t, buyer, "供 紫薇 5公分 30株 150元")
	sent := b.text(t, grower, fmt.Sprintf("订 %d 10", id))
	if p := one(t, sent, buyer); !strings.Contains(p, "李光明") {
		t.Errorf("proposal %q lacks the registered buyer's name", p)
	}
}

func TestJoin_GoesToAClerkWithABriefReply(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	got := one(t, b.text(t, buyer, "参团 12 50"), buyer)
	if !strings.Contains(got, "团购") {
		t.Errorf("参团 reply %q", got)
	}
	if in := b.inbound(t, buyer); in.State != "needs_clerk" {
		t.Errorf("参团 inbound %s, want needs_clerk", in.State)
	}
}

// Every reply the commands send fits two SMS with the signature, and the
// short ones fit one.
func TestReplies_FitTheirSMS(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	for i := range 8 {
		b.offer(t, fmt.Sprintf("138000001%02d", i), fmt.Sprintf("供 桂花(金桂) 胸径%d-%d公分 全冠 %d株 %d元 万春镇报恩村", 8+i, 10+i, 100+i, 600+i))
	}
	id := b.offer(t, grower, "供 桂花 8公分 200株 600元")
	b.text(t, "13900000077", "注册 欧阳长名字测试员 和盛镇石牛村")
	for _, body := range []string{"查 桂花", "我的", fmt.Sprintf("订 %d 100", id), "确认", "取消", "退订", "查 1", "订 1 99999"} {
		for _, from := range []string{"13900000077", grower} {
			sent := b.text(t, from, body)
			checkLength(t, sent)
		}
	}
	short := map[string]string{"退订": buyer, "确认": buyer, "取消": buyer}
	for body, from := range short {
		for _, m := range b.text(t, from, body) {
			if n := outbound.Len(sig + m.Body); n > outbound.OneSMS {
				t.Errorf("%s: reply %q is %d units, want one SMS", body, m.Body, n)
			}
		}
	}
}

func TestNotify_DailyCapHoldsOffersForTheNextDaysDigest(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	b.text(t, buyer, "求购 桂花 8公分 100株")
	cap := matching.DefaultNotifyPolicy().DailyCap
	var heldIDs []int64
	for i := range cap + 3 {
		sent := b.text(t, fmt.Sprintf("138000002%02d", i), fmt.Sprintf("供 桂花 8公分 %d株 %d元", 100+i, 600+i))
		if i >= cap {
			if n := len(to(sent, buyer)); n != 0 {
				t.Errorf("offer %d: buyer got %d texts over the cap", i, n)
			}
			heldIDs = append(heldIDs, b.lastListing(t))
		} else if len(to(sent, buyer)) != 1 {
			t.Errorf("offer %d under the cap: buyer got %d texts", i, len(to(sent, buyer)))
		}
	}
	if in := b.inbound(t, "13800000205"); !strings.Contains(in.Outcome, "待汇总") {
		t.Errorf("outcome %q should say the notice was held", in.Outcome)
	}
	x := newExpirer(b)
	if rep, _ := x.RunOnce(context.Background()); rep.Digests.Texts != 0 {
		t.Errorf("a digest went out the same day, over the cap: %+v", rep)
	}
	b.clock.Add(24 * time.Hour) // 10:00 next day
	rep, err := x.RunOnce(context.Background())
	if err != nil || rep.Digests.Texts != 1 || rep.Digests.Items != 3 || rep.Digests.Parts < 1 || rep.Digests.Parts > 2 {
		t.Fatalf("next day's digest: %+v (%v), want one text carrying the 3 held offers in ≤2 parts", rep, err)
	}
	all, _ := b.st.ListOutbox(context.Background(), outboxAll())
	var digest string
	for _, m := range all {
		if m.Kind == "digest" {
			digest = m.Body
		}
	}
	for _, id := range heldIDs {
		if !strings.Contains(digest, fmt.Sprintf("%d号", id)) {
			t.Errorf("digest %q lacks held offer %d", digest, id)
		}
	}
	if rep, _ := x.RunOnce(context.Background()); rep.Digests.Texts != 0 {
		t.Errorf("the digest went out twice")
	}
	costs, err := b.st.SMSPartsSince(context.Background(), t0)
	if err != nil {
		t.Fatal(err)
	}
	var matchParts int64
	for _, c := range costs {
		if c.Kind == "match" {
			matchParts = c.Parts
		}
	}
	if matchParts < int64(cap) {
		t.Errorf("SMS cost %+v: match texts should cost at least %d parts", costs, cap)
	}
}

func TestNotify_DigestsWaitForDaytime(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	b.clock.Add(12 * time.Hour) // 22:00 China time
	b.text(t, buyer, "求购 桂花 8公分 100株")
	for i := range 6 {
		b.text(t, fmt.Sprintf("138000003%02d", i), fmt.Sprintf("供 桂花 8公分 %d株 600元", 100+i))
	}
	b.clock.Add(3 * time.Hour) // 01:00, a new day but night
	if rep, _ := newExpirer(b).RunOnce(context.Background()); rep.Digests.Texts != 0 {
		t.Errorf("a digest went out at night")
	}
	b.clock.Add(7 * time.Hour) // 08:00
	if rep, _ := newExpirer(b).RunOnce(context.Background()); rep.Digests.Texts != 1 {
		t.Errorf("no digest in the morning: %+v", rep)
	}
}

// A number whose long texts keep coming incomplete is told so once in half
// an hour, not once per fragment: each fragment still goes to a clerk.
func TestFragment_IsAnsweredAtMostOnceInAWindow(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	ctx := context.Background()
	fragment := func() []store.MT {
		n := b.seq.Add(1)
		id, _, err := b.st.InsertInbound(ctx, store.MO{DedupKey: fmt.Sprintf("f%d", n), Bind: "test", Sender: "13800000001",
			Body: "出售紫薇 地径5公分…", Hold: grammar.ReasonFragment})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error { return b.ex.HandleInbound(ctx, tx, in) }); err != nil {
			t.Fatal(err)
		}
		if in := b.inbound(t, "13800000001"); in.State != "needs_clerk" {
			t.Fatalf("fragment in state %s, want needs_clerk", in.State)
		}
		return b.sentFor(t, id)
	}
	if got := fragment(); len(got) != 1 {
		t.Fatalf("first fragment got %d replies, want 1", len(got))
	}
	for range 3 {
		if got := fragment(); len(got) != 0 {
			t.Fatalf("a later fragment got %d replies, want none within the window", len(got))
		}
	}
	b.clock.Add(31 * time.Minute)
	if got := fragment(); len(got) != 1 {
		t.Fatalf("a fragment after the window got %d replies, want 1", len(got))
	}
}

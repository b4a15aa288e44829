package outbound

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"huamu/matching"
)

// Answers to a member's own commands (KindReply, or KindHelp for usage).
// Several strings are candidates for Budget.Fit, most detailed first.
// A refused command is answered with its matching error's Chinese message.

// Usage of the commands the exchange words itself (the grammar words the
// others: grammar.HelpTexts).
var (
	PricesUsage    = []string{`查价格发"行情 品种",如"行情 桂花";每周一收行情发"订阅 桂花"`, `查价格发"行情 桂花"`}
	SubscribeUsage = []string{`订阅价格周报请发"订阅 品种",如"订阅 桂花 紫薇",最多5种,每周一早8点发送`, `订阅行情发"订阅 桂花"`}
)

// ForAClerk answers a command the exchange leaves to a clerk.
const ForAClerk = "已收到，工作人员会尽快处理。发\"帮助\"查看用法"

// GroupBuyByClerk answers 参团 where group-buys are run by hand.
const GroupBuyByClerk = "团购由协会工作人员办理，已转人工，会尽快联系您"

// OutOfBounds answers a listing beyond what the exchange takes: the
// limit (msg, matching's message) and what to do.
func OutOfBounds(msg string) string { return msg + "，请核对后重发" }

// Registered answers 注册 with what is now on record.
func Registered(who string) []string {
	return []string{"已登记:" + who + "。发\"帮助\"查看用法", "已登记:" + who, "已登记"}
}

// Unsubscribed answers 退订.
var Unsubscribed = []string{"已退订，不再发货源通知和行情周报。发任意短信可恢复货源通知", "已退订，不再给您发货源通知和行情", "已退订"}

// Subscribing answers 订阅 without species: what the number has, or how.
func Subscribing(have []string) []string {
	if len(have) == 0 {
		return SubscribeUsage
	}
	list := strings.Join(have, "、")
	return []string{"您已订阅" + list + "行情,每周一早8点发送。退订发\"退订行情\"", "您已订阅" + list + "行情"}
}

// Subscribed answers 订阅 桂花 紫薇: all it now has, and the species over
// the limit of max that were not added.
func Subscribed(all, over []string, max int) []string {
	short := "已订阅" + strings.Join(all, "、") + "行情"
	if len(over) == 0 {
		return []string{short + ",每周一早8点发送。退订发\"退订行情\"", short}
	}
	limit := "最多订" + strconv.Itoa(max) + "种,未订" + strings.Join(over, "、")
	return []string{short + ";" + limit + "。改订先发\"退订行情\"", short + ";" + limit}
}

// PricesStopped answers 退订行情: removed is how many subscriptions went,
// all whether none is left; want are the species named and kept the ones
// still subscribed.
func PricesStopped(removed int64, all bool, want, kept []string) []string {
	switch {
	case removed == 0:
		return []string{"您没有订阅这些行情", "未订阅"}
	case all:
		return []string{`已退订行情,不再发价格周报。想再订发"订阅 品种"`, "已退订行情"}
	}
	named := "已退订" + strings.Join(want, "、") + "行情"
	return []string{named + ",仍订" + strings.Join(kept, "、"), named}
}

// NoOwnListings answers 我的 from a number with nothing open.
var NoOwnListings = []string{`您没有有效的信息。卖发"供 品种 规格 数量 价格"，买发"求购 品种 规格 数量"`, "您没有有效的信息"}

// ListingState answers 查 1024: the listing and its state.
func ListingState(l matching.Listing, state string) string { return ListingLine(l) + " " + state }

// BookWord names the side 查 asked about: 货源 (offers) or 求购 (demands).
func BookWord(side matching.Side) string {
	if side == matching.Demand {
		return "求购"
	}
	return "货源"
}

// NoneInBook answers 查 桂花 when nothing open fits.
func NoneInBook(species string, side matching.Side) []string {
	return []string{"暂无" + species + "的有效" + BookWord(side) + "信息", "暂无有效信息"}
}

// BookHead starts the answer to 查 桂花: how many fit, their price range
// when priced, then the newest (Digest's lines).
func BookHead(species string, side matching.Side, n int, lo, hi decimal.Decimal, priced bool) string {
	head := species + BookWord(side) + strconv.Itoa(n) + "条"
	if priced {
		if lo.Equal(hi) {
			head += ",价" + matching.Yuan(lo) + "元"
		} else {
			head += ",价" + matching.Yuan(lo) + "-" + matching.Yuan(hi) + "元"
		}
	}
	return head + ",最新"
}

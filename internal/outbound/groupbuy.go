package outbound

import (
	"fmt"

	"huamu/matching"
)

// Group-buy texts (团购): to its participants, its growers and the buyers
// invited to it.

// GroupBuyTitle names a group-buy's product: 桂花(金桂)8cm.
func GroupBuyTitle(g matching.GroupBuy) string {
	return OfferLine(matching.Listing{Species: g.Species, Variety: g.Variety, Spec: g.Spec})
}

// GroupBuyStatus is the one-line state every group-buy reply carries:
// 团购12 桂花8cm 已有380/500株 截止12月20日18点.
func GroupBuyStatus(g matching.GroupBuy, total int64) string {
	return fmt.Sprintf("团购%d %s 已有%d/%d%s 截止%s", g.ID, GroupBuyTitle(g), total, g.MinTotal, g.Unit,
		g.Deadline.In(matching.ChinaTime).Format("1月2日15点"))
}

// GroupBuyInvite invites a buyer whose demand the group-buy could serve
// (an unsolicited text: KindInvite).
func GroupBuyInvite(g matching.GroupBuy) string {
	return fmt.Sprintf("协会团购%d %s %s元/%s %d%s起,截止%s,参加回\"参团 %d 数量\"", g.ID, GroupBuyTitle(g), matching.Yuan(g.Price),
		g.Unit, g.MinEach, g.Unit, g.Deadline.In(matching.ChinaTime).Format("1月2日"), g.ID)
}

// GroupBuyNotJoined answers 参团 12 0 from a number that was not in it.
func GroupBuyNotJoined(id int64) string { return fmt.Sprintf("您没有参加团购%d", id) }

// GroupBuyJoined answers 参团: left (accepted 0), joined (had 0) or
// changed, with where the group-buy stands at total.
func GroupBuyJoined(g matching.GroupBuy, had, accepted, total int64) string {
	status := GroupBuyStatus(g, total)
	switch {
	case accepted == 0:
		return "已退出" + status
	case had == 0:
		return fmt.Sprintf("已参团%d%s,%s", accepted, g.Unit, status)
	default:
		return fmt.Sprintf("已改为%d%s,%s", accepted, g.Unit, status)
	}
}

// GroupBuyFilledByYou answers the 参团 that filled the group-buy.
func GroupBuyFilledByYou(g matching.GroupBuy, accepted int64) string {
	return fmt.Sprintf("团购%d已满额成团,您%d%s,分配后短信通知", g.ID, accepted, g.Unit)
}

// GroupBuyGoesAhead tells a participant the group-buy goes ahead.
func GroupBuyGoesAhead(g matching.GroupBuy, total, qty int64) string {
	return fmt.Sprintf("团购%d %s 已成团(共%d%s),您%d%s,分配后短信通知", g.ID, GroupBuyTitle(g), total, g.Unit, qty, g.Unit)
}

// GroupBuyFailed tells a participant the group-buy did not go ahead, and why.
func GroupBuyFailed(g matching.GroupBuy, reason string) string {
	return fmt.Sprintf("团购%d %s %s,已取消,谢谢参与", g.ID, GroupBuyTitle(g), reason)
}

// GroupBuyCancelled tells a participant a clerk cancelled the group-buy.
func GroupBuyCancelled(g matching.GroupBuy, reason string) string {
	return fmt.Sprintf("团购%d %s 已取消:%s", g.ID, GroupBuyTitle(g), reason)
}

// GroupBuyPurchaseCancelled tells a grower the association withdrew its
// purchase order when the group-buy was cancelled.
func GroupBuyPurchaseCancelled(orderID, groupBuyID int64) string {
	return fmt.Sprintf("订单%d已由协会取消(团购%d取消)，库存已恢复", orderID, groupBuyID)
}

// GroupBuyAllocated tells a participant what they get (alloc of the
// committed qty) and owe; alloc 0 is an apology.
func GroupBuyAllocated(g matching.GroupBuy, qty, alloc int64) string {
	if alloc == 0 {
		return fmt.Sprintf("团购%d %s 货源不足,这次没能分到,抱歉", g.ID, GroupBuyTitle(g))
	}
	return fmt.Sprintf("团购%d %s 分配给您%d%s(报%d) 应付%s元,交货另行通知", g.ID, GroupBuyTitle(g), alloc, g.Unit,
		qty, matching.Yuan(matching.LineTotal(g.Price, alloc)))
}

// GroupBuyArrived tells a participant their share arrived and where to
// collect it.
func GroupBuyArrived(g matching.GroupBuy, allocated int64, where string) string {
	return fmt.Sprintf("团购%d %s %d%s已到货,请到%s提货", g.ID, g.Species, allocated, g.Unit, where)
}

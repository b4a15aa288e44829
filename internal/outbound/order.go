package outbound

import (
	"strconv"
	"strings"

	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw"
)

// Texts about orders (KindOrder to a party of it, or the answer to 订).

// OrderProposal asks the grower to accept a new order (the first
// candidate names the buyer, the second gives the number alone):
// 买家张三13900000002订桂花100株 600.00元/株 共60000.00元 回"确认 77"接受 "拒绝 77"拒绝.
func OrderProposal(o matching.Order, buyerName, buyerPhone string) []string {
	return []string{orderProposal(o, party(buyerName, buyerPhone)), orderProposal(o, buyerPhone)}
}

func orderProposal(o matching.Order, buyer string) string {
	id := strconv.FormatInt(o.ID, 10)
	var b strings.Builder
	b.WriteString("买家" + buyer + "订" + o.Species)
	if o.Variety != "" {
		b.WriteString("(" + o.Variety + ")")
	}
	b.WriteString(strconv.FormatInt(o.Qty, 10) + o.Unit)
	b.WriteString(" " + matching.Yuan(o.UnitPrice) + "元/" + o.Unit)
	b.WriteString(" 共" + matching.Yuan(o.Total()) + "元")
	b.WriteString(" 回\"确认 " + id + "\"接受 \"拒绝 " + id + "\"拒绝")
	return b.String()
}

// OrderPending tells the buyer the grower is deciding:
// 订单77已发卖家:桂花100株 共60000.00元，待确认.
func OrderPending(o matching.Order) string {
	return "订单" + strconv.FormatInt(o.ID, 10) + "已发卖家:" + orderLine(o) + "，待确认"
}

// party is how a counterparty is named in a text: name and number, or the
// number alone when the member has not registered a name.
func party(name, phone string) string {
	if name == "" {
		return phone
	}
	return Cut(name, 6) + phone
}

// orderLine is "桂花100株 共60000.00元".
func orderLine(o matching.Order) string {
	return o.Species + strconv.FormatInt(o.Qty, 10) + o.Unit + " 共" + matching.Yuan(o.Total()) + "元"
}

// Text is a text to one number.
type Text struct{ To, Body string }

// OrderNews are the texts an order's change to next sends to its parties
// (o as it was); byClerk when a clerk made the change. A delivered order
// sends none: the clerk tells them in person.
func OrderNews(o store.OrderInfo, next matching.Order, byClerk bool) []Text {
	id := "订单" + strconv.FormatInt(next.ID, 10)
	line := orderLine(next)
	switch next.State {
	case matching.OrderConfirmed:
		grower := "已确认" + id + ":" + line + deliverTo(o)
		if byClerk {
			grower = "协会已代您确认" + id + ":" + line + deliverTo(o)
		}
		return []Text{
			{o.SellerPhone, grower},
			{o.BuyerPhone, id + "卖家已确认:" + line + "，卖家电话" + o.SellerPhone},
		}
	case matching.OrderDeclined:
		return []Text{
			{o.SellerPhone, "已拒绝" + id + "，库存已恢复"},
			{o.BuyerPhone, id + "卖家未接受，已取消。可发\"求购 品种\"另找货源"},
		}
	case matching.OrderCancelled:
		buyer, grower := id+"已取消", id+"买家已取消，库存已恢复"
		if byClerk {
			buyer, grower = id+"已由协会取消", id+"已由协会取消，库存已恢复"
		}
		return []Text{{o.BuyerPhone, buyer}, {o.SellerPhone, grower}}
	case matching.OrderExpired:
		return []Text{
			{o.BuyerPhone, id + "卖家未在时限内确认，已失效"},
			{o.SellerPhone, id + "超时未确认，已失效，库存已恢复"},
		}
	}
	return nil
}

// deliverTo tells the grower whom to deliver to: the buyer's number, or for
// a group-buy purchase (the association is the buyer, with no number of
// its own) the association.
func deliverTo(o store.OrderInfo) string {
	if !smsgw.IsMobile(o.BuyerPhone) {
		return "，请按协会通知交货"
	}
	return "，请联系买家" + o.BuyerPhone + "发货"
}

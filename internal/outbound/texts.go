package outbound

import (
	"fmt"
	"strconv"
	"strings"

	"huamu/matching"
)

// The exchange's own texts about listings and matches. Functions that
// return several strings return candidates for Budget.Fit, from the most
// to the least detailed.

// OrderHint ends a text that offers a listing: how to order from it.
func OrderHint(offer matching.Listing) string {
	return fmt.Sprintf(` 回"订 %d 数量"下单`, offer.ID)
}

// NoOffer answers a new demand nothing fits yet.
func NoOffer(demand matching.Listing) string {
	return "暂无合适的" + demand.Species + "货源，有新货会短信通知您"
}

// BestOffers answers a new demand with the offers that fit it (lines, as
// matching.OfferLine gives them, best first) in at most room units, ending
// with how to order the first.
func BestOffers(lines []string, first matching.Listing, room int) string {
	hint := OrderHint(first)
	text, _ := Digest("找到货源", lines, room-Len(hint))
	return text + hint
}

// MatchNotice tells a buyer about a new offer that fits their demand (an
// unsolicited text: KindMatch).
func MatchNotice(offer matching.Listing) []string {
	line := "新货源:" + OfferLine(offer)
	return []string{line + OrderHint(offer), line}
}

// Heads of the digests: offers held back by the daily cap (KindDigest),
// a member's own open listings (我的), and the answer to 查.
const (
	HeldOffersHead = "新货源汇总"
	OwnListingHead = "您的有效信息"
)

// OnBehalfReceipt is the receipt a member gets for a listing a clerk (or a
// program) entered for them (代发布): what was listed and how to undo it.
func OnBehalfReceipt(l matching.Listing) []string {
	undo := ` 发"取消 ` + strconv.FormatInt(l.ID, 10) + `"可撤销`
	full := "工作人员已为您登记:" + OfferLine(l) + undo
	mine := "工作人员已为您登记:" + OfferLine(ownView(l)) + undo
	return []string{full, mine, fmt.Sprintf("工作人员已为您登记%d号信息", l.ID) + undo}
}

// Withdrawn answers the owner's 取消 of listing l.
func Withdrawn(l matching.Listing) []string {
	return []string{fmt.Sprintf("已撤销%d号信息:%s", l.ID, OfferLine(ownView(l))), fmt.Sprintf("已撤销%d号信息", l.ID)}
}

// WithdrawnByClerk tells the owner a clerk withdrew listing l.
func WithdrawnByClerk(l matching.Listing) []string {
	return []string{fmt.Sprintf("您的%d号信息(%s)已由工作人员撤销", l.ID, l.Species), fmt.Sprintf("您的%d号信息已由工作人员撤销", l.ID)}
}

// EditedByClerk tells the owner what a clerk corrected listing l to.
func EditedByClerk(l matching.Listing) []string {
	return []string{fmt.Sprintf("您的%d号信息已由工作人员更正为:%s", l.ID, OfferLine(l)),
		fmt.Sprintf("您的%d号信息已由工作人员更正为:%s", l.ID, OfferLine(ownView(l))),
		fmt.Sprintf("您的%d号信息已由工作人员更正,发\"我的\"查看", l.ID)}
}

// ownView is l for OfferLine without its id, phone and price: what the
// owner needs to recognise their own listing.
func ownView(l matching.Listing) matching.Listing {
	l.ID, l.Phone, l.Contact, l.Price, l.Negotiable, l.Location = 0, "", "", nil, false, nil
	return l
}

// ListingLine is a listing in the answer to 查 and 我的: an offer's
// OfferLine with what remains, or for a demand
// "1025号求桂花8cm 100株 13900000002".
func ListingLine(l matching.Listing) string {
	if l.Side == matching.Supply {
		line := OfferLine(l)
		if l.QtyKnown() {
			line += " 剩" + strconv.FormatInt(l.Remaining, 10) + l.Unit()
		}
		return line
	}
	var b strings.Builder
	b.WriteString(strconv.FormatInt(l.ID, 10) + "号求")
	b.WriteString(OfferLine(ownView(l)))
	if l.QtyKnown() {
		b.WriteString(" " + strconv.FormatInt(l.Qty.Amount(), 10) + l.Unit())
	}
	if c := l.CallNumber(); c != "" {
		b.WriteString(" " + c)
	}
	return b.String()
}

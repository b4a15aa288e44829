package outbound

// Kind is what an outbound text is for. It is stored with the text (the
// outbox's kind column), names it in the back office, and carries the
// rules the text is written and resent by.
type Kind string

// Every kind of outbound text. A new kind is added here, to the kinds table below,
// and nowhere else: the back office and the outbox rules read it from here.
const (
	KindReceipt    Kind = "receipt"     // a listing's receipt, to its owner
	KindReply      Kind = "reply"       // any other answer to the sender's own text
	KindHelp       Kind = "help"        // how to write a text, answering 帮助 or a command without its arguments
	KindFragment   Kind = "fragment"    // the answer to a long text that never came whole
	KindMatchReply Kind = "match_reply" // the best offers, answering a new demand
	KindOrder      Kind = "order"       // an order's news, to a party of it
	KindNotice     Kind = "notice"      // a clerk changed or withdrew the member's listing
	KindGroupBuy   Kind = "groupbuy"    // a group-buy's news, to a participant or grower in it
	KindMatch      Kind = "match"       // a new offer, to a buyer whose demand it fits
	KindDigest     Kind = "digest"      // offers held back by the daily cap
	KindBulletin   Kind = "bulletin"    // a clerk's bulletin or the weekly price bulletin
	KindInvite     Kind = "invite"      // an invitation to a group-buy
)

type kindInfo struct {
	kind        Kind
	chinese     string
	unsolicited bool
}

// kinds is the table every rule reads, in the order the back office lists
// the kinds.
var kinds = []kindInfo{
	{kind: KindReceipt, chinese: "回执"},
	{kind: KindReply, chinese: "回复"},
	{kind: KindHelp, chinese: "帮助"},
	{kind: KindFragment, chinese: "长短信不完整"},
	{kind: KindMatchReply, chinese: "货源推荐"},
	{kind: KindMatch, chinese: "匹配", unsolicited: true},
	{kind: KindDigest, chinese: "汇总", unsolicited: true},
	{kind: KindOrder, chinese: "订单"},
	{kind: KindNotice, chinese: "通知"},
	{kind: KindGroupBuy, chinese: "团购"},
	{kind: KindInvite, chinese: "团购邀请", unsolicited: true},
	{kind: KindBulletin, chinese: "群发", unsolicited: true},
}

// Kinds returns every kind, in the order the back office lists them.
func Kinds() []Kind {
	out := make([]Kind, len(kinds))
	for i, info := range kinds {
		out[i] = info.kind
	}
	return out
}

func (k Kind) info() (kindInfo, bool) {
	for _, info := range kinds {
		if info.kind == k {
			return info, true
		}
	}
	return kindInfo{}, false
}

// Chinese names the kind for the back office; an unknown kind (a row
// written by a later version) is shown as stored.
func (k Kind) Chinese() string {
	if info, ok := k.info(); ok {
		return info.chinese
	}
	return string(k)
}

// Unsolicited reports whether the member did not ask for texts of this
// kind: they are not written for a number that opted out (退订), and not
// resent to one that opted out since.
func (k Kind) Unsolicited() bool {
	info, _ := k.info()
	return info.unsolicited
}

// MatchKinds are the texts that carry matches (the dashboard counts them).
var MatchKinds = []Kind{KindMatch, KindMatchReply, KindDigest}

// DailyCapped are the kinds a number's daily cap of match texts counts
// (matching.NotifyPolicy).
var DailyCapped = []Kind{KindMatch, KindDigest}

// Strings returns ks as the strings the outbox stores.
func Strings(ks []Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

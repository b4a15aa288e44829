package smsgw

import (
	"fmt"
	"strings"
)

// Carrier is a Chinese mobile network operator, used to pick an SMPP route.
type Carrier string

// The four mainland carriers.
const (
	Mobile   Carrier = "mobile"   // 中国移动 China Mobile
	Unicom   Carrier = "unicom"   // 中国联通 China Unicom
	Telecom  Carrier = "telecom"  // 中国电信 China Telecom
	Broadnet Carrier = "broadnet" // 中国广电 China Broadnet
)

// ParseCarrier reads a carrier name from configuration: mobile, unicom,
// telecom or broadnet in any case, or 移动/联通/电信/广电 with or without 中国.
func ParseCarrier(s string) (Carrier, error) {
	t := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "中国")
	switch t {
	case "mobile", "移动":
		return Mobile, nil
	case "unicom", "联通":
		return Unicom, nil
	case "telecom", "电信":
		return Telecom, nil
	case "broadnet", "广电":
		return Broadnet, nil
	}
	return "", fmt.Errorf("unknown carrier %q (want mobile, unicom, telecom or broadnet)", s)
}

// prefixCarriers maps number prefixes to carriers, after DOMAIN.md §8.
// Lookup takes the longest matching prefix, so 1349 (Telecom) beats 134
// (Mobile) and the four-digit 170x entries decide the 170 MVNO block.
var prefixCarriers = map[string]Carrier{
	// China Mobile: basic, MVNO, data-only.
	"1340": Mobile, "1341": Mobile, "1342": Mobile, "1343": Mobile, "1344": Mobile,
	"1345": Mobile, "1346": Mobile, "1347": Mobile, "1348": Mobile,
	"135": Mobile, "136": Mobile, "137": Mobile, "138": Mobile, "139": Mobile,
	"150": Mobile, "151": Mobile, "152": Mobile, "157": Mobile, "158": Mobile, "159": Mobile,
	"172": Mobile, "178": Mobile, "182": Mobile, "183": Mobile, "184": Mobile,
	"187": Mobile, "188": Mobile, "195": Mobile, "197": Mobile, "198": Mobile,
	"165": Mobile, "1703": Mobile, "1705": Mobile, "1706": Mobile,
	"147": Mobile,

	// China Unicom.
	"130": Unicom, "131": Unicom, "132": Unicom, "155": Unicom, "156": Unicom,
	"166": Unicom, "175": Unicom, "176": Unicom, "185": Unicom, "186": Unicom, "196": Unicom,
	"167": Unicom, "1704": Unicom, "1707": Unicom, "1708": Unicom, "1709": Unicom, "171": Unicom,
	"145": Unicom,

	// China Telecom; 174 is split: 17400-17405 only (1749 is Inmarsat,
	// 17406-17412 emergency communications).
	"133": Telecom, "1349": Telecom, "153": Telecom, "173": Telecom,
	"17400": Telecom, "17401": Telecom, "17402": Telecom, "17403": Telecom,
	"17404": Telecom, "17405": Telecom,
	"177": Telecom, "180": Telecom, "181": Telecom, "189": Telecom,
	"190": Telecom, "191": Telecom, "193": Telecom, "199": Telecom,
	"162": Telecom, "1700": Telecom, "1701": Telecom, "1702": Telecom,
	"149": Telecom,

	// China Broadnet.
	"192": Broadnet,
}

// iotPrefixes are the 13-digit IoT number blocks.
var iotPrefixes = map[string]Carrier{
	"1440": Mobile, "148": Mobile,
	"146":  Unicom,
	"1410": Telecom,
}

// CarrierByPrefix gives the carrier a number's prefix was issued to, after
// DOMAIN.md §8. The number is normalised first; 13-digit IoT numbers are
// also known. Since number portability (2019) this is only a default
// route: the carrier that actually serves a number may differ. ok is false
// for unassigned, maritime and emergency prefixes and for non-numbers.
func CarrierByPrefix(msisdn string) (Carrier, bool) {
	table := prefixCarriers
	n, err := NormalizeMSISDN(msisdn)
	if err != nil {
		d, ok := cleanDigits(msisdn)
		if !ok || len(d) != 13 || !strings.HasPrefix(d, "14") {
			return "", false
		}
		n, table = d, iotPrefixes
	}
	for l := 5; l >= 3; l-- {
		if c, ok := table[n[:l]]; ok {
			return c, true
		}
	}
	return "", false
}

// Chinese is the carrier's name as clerks say it: 移动, 联通, 电信, 广电,
// or 未知运营商.
func (c Carrier) Chinese() string {
	switch c {
	case Mobile:
		return "移动"
	case Unicom:
		return "联通"
	case Telecom:
		return "电信"
	case Broadnet:
		return "广电"
	}
	return "未知运营商"
}

// LearnAfter is how many undeliverable receipts in a row on one carrier
// make the exchange try a number on another: since 2019 any number may have
// been ported away from the carrier its prefix names.
const LearnAfter = 3

// learnOrder is the order in which other carriers are tried for a number
// that fails on its own.
var learnOrder = []Carrier{Mobile, Unicom, Telecom, Broadnet}

// NextCarrier is the carrier to try a number on after a receipt said it was
// undeliverable on failing, given the failures in a row the number has had
// on each carrier (failing's included) and the carrier it is routed to by
// a clerk or by experience ("" for none). It is the first carrier in
// learnOrder that has not failed the number LearnAfter times, once failing
// has; "" when the number stays where it is: failing has not failed it
// often enough, the number is routed elsewhere already, or every carrier
// has failed it.
func NextCarrier(failures map[Carrier]int, failing, override Carrier) Carrier {
	if failing == "" || failures[failing] < LearnAfter || override != "" && override != failing {
		return ""
	}
	for _, c := range learnOrder {
		if c != failing && failures[c] < LearnAfter {
			return c
		}
	}
	return ""
}

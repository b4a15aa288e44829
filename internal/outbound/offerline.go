package outbound

import (
	"strconv"
	"strings"

	"huamu/matching"
)

// OfferLine is the short form of an offer in a notice or digest, e.g.
// "1024号桂花8cm 600.00元 万春镇 13800001234": id (for 订), species and
// variety, the main size, the price, the town and the number to call. Parts
// the listing does not have are left out.
func OfferLine(s matching.Listing) string {
	var b strings.Builder
	if s.ID != 0 {
		b.WriteString(strconv.FormatInt(s.ID, 10))
		b.WriteString("号")
	}
	b.WriteString(s.Species)
	if s.Variety != "" {
		b.WriteString("(" + s.Variety + ")")
	}
	b.WriteString(mainSize(s.Spec))
	if ask, ok := s.Ask(); ok {
		b.WriteString(" " + matching.Yuan(ask) + "元")
	} else if total, ok := s.LumpSum(); ok {
		b.WriteString(" 共" + matching.Yuan(total) + "元")
	} else if s.Negotiable {
		b.WriteString(" 面议")
	}
	if s.Location != nil && s.Location.Town != "" {
		b.WriteString(" " + s.Location.Town)
	}
	if phone := s.CallNumber(); phone != "" {
		b.WriteString(" " + phone)
	}
	return b.String()
}

// mainSize renders the first diameter (or else height) a spec states, as
// "8cm" or "8-10cm".
func mainSize(sp matching.Spec) string {
	for _, k := range [...]string{matching.SpecDia, matching.SpecD1M, matching.SpecDBH, matching.SpecGround, matching.SpecHead, matching.SpecHeight, matching.SpecCrown} {
		r, ok := sp[k]
		if !ok || r.IsZero() {
			continue
		}
		switch {
		case r.Min != nil && r.Max != nil && *r.Min == *r.Max:
			return num(*r.Min) + "cm"
		case r.Min != nil && r.Max != nil:
			return num(*r.Min) + "-" + num(*r.Max) + "cm"
		case r.Min != nil:
			return num(*r.Min) + "cm以上"
		default:
			return num(*r.Max) + "cm以下"
		}
	}
	return ""
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

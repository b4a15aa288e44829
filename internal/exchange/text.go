package exchange

import (
	"strconv"

	"huamu/matching"
	"huamu/smsgw"
	"huamu/smsgw/grammar"
)

// Reply lengths: a reply fits one SMS (70 UCS2 units including the carrier
// signature) where its content allows, and never more than two (134).
const (
	oneSMS = grammar.OneSMS
	twoSMS = grammar.TwoSMS
)

// fit returns the first candidate that fits one SMS with the signature,
// else the first that fits two, else the last cut to two with "…".
func (s *Service) fit(candidates ...string) string {
	sig := s.sigLen()
	for _, c := range candidates {
		if smsgw.UTF16Len(c)+sig <= oneSMS {
			return c
		}
	}
	for _, c := range candidates {
		if smsgw.UTF16Len(c)+sig <= twoSMS {
			return c
		}
	}
	return matching.CutUnits(candidates[len(candidates)-1], twoSMS-sig)
}

// room is how many UTF-16 units a reply may use in n SMS after the signature.
func (s *Service) room(n int) int {
	if n <= 1 {
		return oneSMS - s.sigLen()
	}
	return twoSMS - s.sigLen()
}

// parseID reads an id the grammar found; anything that is not a positive
// number is CodeInvalid with what to send instead.
func parseID(p *string, example string) (int64, error) {
	if p == nil {
		return 0, matching.Errorf(matching.CodeInvalid, "请写明编号，如\"%s\"", example)
	}
	id, err := strconv.ParseInt(*p, 10, 64)
	if err != nil || id <= 0 {
		return 0, matching.Errorf(matching.CodeInvalid, "编号%s有误，如\"%s\"", matching.CutUnits(*p, 12), example)
	}
	return id, nil
}

// party is how a counterparty is named in a text: name and number, or the
// number alone when the member has not registered a name.
func party(name, phone string) string {
	if name == "" {
		return phone
	}
	return matching.CutUnits(name, 6) + phone
}

// orderLine is "桂花100株 共60000.00元".
func orderLine(o matching.Order) string {
	return o.Species + strconv.FormatInt(o.Qty, 10) + o.Unit + " 共" + matching.Yuan(o.Total()) + "元"
}

package exchange

import (
	"strconv"

	"huamu/internal/outbound"
	"huamu/matching"
)

// parseID reads an id the grammar found; anything that is not a positive
// number is CodeInvalid with what to send instead.
func parseID(p *string, example string) (int64, error) {
	if p == nil {
		return 0, matching.Errorf(matching.CodeInvalid, "请写明编号，如\"%s\"", example)
	}
	id, err := strconv.ParseInt(*p, 10, 64)
	if err != nil || id <= 0 {
		return 0, matching.Errorf(matching.CodeInvalid, "编号%s有误，如\"%s\"", outbound.Cut(*p, 12), example)
	}
	return id, nil
}

// party is how a counterparty is named in a text: name and number, or the
// number alone when the member has not registered a name.
func party(name, phone string) string {
	if name == "" {
		return phone
	}
	return outbound.Cut(name, 6) + phone
}

// orderLine is "桂花100株 共60000.00元".
func orderLine(o matching.Order) string {
	return o.Species + strconv.FormatInt(o.Qty, 10) + o.Unit + " 共" + matching.Yuan(o.Total()) + "元"
}

// cause is the inbound row an outbound text answers; 0 (a clerk's or a
// program's action) is none.
func cause(inboundID int64) *int64 {
	if inboundID == 0 {
		return nil
	}
	return &inboundID
}

// orZero is the inbound id p points to, 0 for none.
func orZero(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

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

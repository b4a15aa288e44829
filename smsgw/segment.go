package smsgw

import (
	"errors"
	"fmt"
	"unicode/utf16"
)

// Per-part capacities. GSM 7-bit counts septets and UCS2 counts UTF-16
// units; a concatenation UDH of 6 octets (8-bit reference) or 7 octets
// (16-bit reference) takes 7 or 8 septets once the SMSC packs the text.
// The UCS2 sizes are exported because every Chinese text is budgeted in
// them (internal/outbound); this is their one definition.
const (
	gsm7Single   = 160
	gsm7PerRef8  = 153
	gsm7PerRef16 = 152
	// UCS2Single is how many UTF-16 units one unconcatenated UCS2 SMS holds.
	UCS2Single = 70
	// UCS2PerPart is how many UTF-16 units each part of a concatenated
	// UCS2 SMS holds with the 8-bit reference UDH the gateway uses by default.
	UCS2PerPart  = 67
	ucs2PerRef16 = 66
)

// MaxParts is the most parts a concatenated message can have: the total
// travels in one octet of the UDH.
const MaxParts = 255

// ErrTooManyParts is returned by Split when a text needs more than MaxParts parts.
var ErrTooManyParts = errors.New("message needs more than 255 parts")

// Segment is one submit_sm's worth of a text.
type Segment struct {
	// ShortMessage is the complete short_message field: the UDH, if any,
	// followed by the encoded body (GSM 7-bit unpacked, or UCS2 big-endian).
	ShortMessage []byte
	// UDHI means ShortMessage starts with a UDH, so esm_class needs 0x40.
	UDHI bool
	// Seq is the 1-based position of this part and Total the number of parts.
	Seq, Total int
}

// Plan tells how text will be sent, for cost display: the data_coding
// (CodingGSM7 when every character is in GSM 03.38, else CodingUCS2), how
// many parts, and the capacity of each part in septets or UTF-16 units.
// ref16 selects the 16-bit concatenation reference, which costs one unit
// more per part. parts may exceed MaxParts; Split then refuses the text.
func Plan(text string, ref16 bool) (dataCoding byte, parts int, unitsPerPart int) {
	gsm := IsGSM7(text)
	dataCoding, single, multi := capacities(gsm, ref16)
	if units(text, gsm) <= single {
		return dataCoding, 1, single
	}
	return dataCoding, len(cutPoints(text, gsm, multi)), multi
}

// Split encodes text into the short_message fields to submit. A text that
// fits one message gets no UDH; a longer one is cut into parts that each
// carry a concatenation UDH with ref (only its low byte when ref16 is
// false). Cuts never separate a UTF-16 surrogate pair or a GSM escape pair.
func Split(text string, ref uint16, ref16 bool) (dataCoding byte, parts []Segment, err error) {
	gsm := IsGSM7(text)
	dataCoding, single, multi := capacities(gsm, ref16)
	if units(text, gsm) <= single {
		return dataCoding, []Segment{{ShortMessage: encodeBody(nil, text, gsm), Seq: 1, Total: 1}}, nil
	}
	cuts := cutPoints(text, gsm, multi)
	total := len(cuts)
	if total > MaxParts {
		return dataCoding, nil, fmt.Errorf("split %d-unit text: %w", units(text, gsm), ErrTooManyParts)
	}
	parts = make([]Segment, 0, total)
	start := 0
	for i, end := range cuts {
		var udh []byte
		if ref16 {
			udh = []byte{0x06, 0x08, 0x04, byte(ref >> 8), byte(ref), byte(total), byte(i + 1)}
		} else {
			udh = []byte{0x05, 0x00, 0x03, byte(ref), byte(total), byte(i + 1)}
		}
		parts = append(parts, Segment{
			ShortMessage: encodeBody(udh, text[start:end], gsm),
			UDHI:         true,
			Seq:          i + 1,
			Total:        total,
		})
		start = end
	}
	return dataCoding, parts, nil
}

func capacities(gsm, ref16 bool) (dataCoding byte, single, multi int) {
	switch {
	case gsm && ref16:
		return CodingGSM7, gsm7Single, gsm7PerRef16
	case gsm:
		return CodingGSM7, gsm7Single, gsm7PerRef8
	case ref16:
		return CodingUCS2, UCS2Single, ucs2PerRef16
	default:
		return CodingUCS2, UCS2Single, UCS2PerPart
	}
}

// runeUnits is what one character costs: septets for GSM, UTF-16 units otherwise.
func runeUnits(r rune, gsm bool) int {
	if gsm {
		return len(gsm7Encode[r])
	}
	return utf16.RuneLen(r)
}

func units(text string, gsm bool) int {
	if !gsm {
		return UTF16Len(text)
	}
	n := 0
	for _, r := range text {
		n += runeUnits(r, gsm)
	}
	return n
}

// cutPoints returns the byte offset in text where each part ends, filling
// parts greedily with whole characters.
func cutPoints(text string, gsm bool, perPart int) []int {
	var cuts []int
	used := 0
	for i, r := range text {
		c := runeUnits(r, gsm)
		if used+c > perPart {
			cuts = append(cuts, i)
			used = 0
		}
		used += c
	}
	return append(cuts, len(text))
}

func encodeBody(dst []byte, text string, gsm bool) []byte {
	if !gsm {
		return encodeUCS2(dst, text)
	}
	for _, r := range text {
		dst = append(dst, gsm7Encode[r]...)
	}
	return dst
}

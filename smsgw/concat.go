package smsgw

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// esm_class bit and TLV tags used to find concatenation data.
const (
	// EsmUDHI is the esm_class bit saying short_message starts with a UDH.
	EsmUDHI byte = 0x40

	TagSarMsgRefNum     uint16 = 0x020C // sar_msg_ref_num, 2 octets
	TagSarTotalSegments uint16 = 0x020E // sar_total_segments, 1 octet
	TagSarSegmentSeqnum uint16 = 0x020F // sar_segment_seqnum, 1 octet
	TagMessagePayload   uint16 = 0x0424 // message_payload, replaces short_message
)

// UDH information element identifiers for concatenation.
const (
	ieiConcat8  = 0x00
	ieiConcat16 = 0x08
)

// ErrMalformedUDH is wrapped by ParsePart errors for a UDH whose lengths
// do not fit the bytes given.
var ErrMalformedUDH = errors.New("malformed user data header")

// ErrMalformedSAR is wrapped by ParsePart errors for SAR TLVs of the wrong length.
var ErrMalformedSAR = errors.New("malformed SAR TLV")

// Part is one received message, possibly a fragment of a longer one.
type Part struct {
	// Concat is true when the message is a fragment with valid
	// concatenation data (UDH or SAR TLVs); Ref, Total and Seq are then set.
	Concat bool
	// Ref is the concatenation reference (8- or 16-bit, or sar_msg_ref_num).
	Ref uint16
	// Ref16 is true for a 16-bit UDH reference or a SAR reference.
	Ref16 bool
	// Total and Seq count from 1.
	Total, Seq int
	// DataCoding is the deliver_sm data_coding, needed to decode Body.
	DataCoding byte
	// Body is the still-encoded text after any UDH. It aliases the
	// short_message or message_payload slice it came from.
	Body []byte
}

// ParsePart extracts the concatenation data and encoded body from the raw
// fields of a deliver_sm (or data_sm). tlvs maps TLV tag to value; a
// non-empty message_payload is used instead of short_message. When esmClass
// has EsmUDHI the UDH is parsed: concatenation IEs (0x00, 0x08) are read
// and every other IE is skipped by its length. Without a UDH concatenation
// IE, the SAR TLVs are used when all three are present. Concatenation data
// that 3GPP TS 23.040 says to ignore (total or seq 0, seq > total) leaves
// the part unconcatenated. Lengths that overrun the bytes are an error.
func ParsePart(esmClass, dataCoding byte, shortMessage []byte, tlvs map[uint16][]byte) (Part, error) {
	p := Part{DataCoding: dataCoding, Body: shortMessage}
	if payload := tlvs[TagMessagePayload]; len(payload) > 0 {
		p.Body = payload
	}
	if esmClass&EsmUDHI != 0 {
		body, err := p.parseUDH(p.Body)
		if err != nil {
			return Part{}, err
		}
		p.Body = body
	}
	if !p.Concat {
		if err := p.parseSAR(tlvs); err != nil {
			return Part{}, err
		}
	}
	if p.Concat && (p.Total == 0 || p.Seq == 0 || p.Seq > p.Total) {
		p.Concat, p.Ref, p.Ref16, p.Total, p.Seq = false, 0, false, 0, 0
	}
	return p, nil
}

// parseUDH reads the UDH at the start of b and returns the body after it.
// Of repeated concatenation IEs the last wins, as TS 23.040 §9.2.3.24 says.
func (p *Part) parseUDH(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: UDHI set but no user data", ErrMalformedUDH)
	}
	end := 1 + int(b[0])
	if end > len(b) {
		return nil, fmt.Errorf("%w: UDHL %d but only %d octets follow", ErrMalformedUDH, b[0], len(b)-1)
	}
	for i := 1; i < end; {
		if i+2 > end {
			return nil, fmt.Errorf("%w: truncated IE at octet %d", ErrMalformedUDH, i)
		}
		iei, n := b[i], int(b[i+1])
		data := i + 2
		if data+n > end {
			return nil, fmt.Errorf("%w: IE 0x%02X length %d overruns UDHL %d", ErrMalformedUDH, iei, n, b[0])
		}
		v := b[data : data+n]
		switch {
		case iei == ieiConcat8 && n == 3:
			p.Concat, p.Ref16 = true, false
			p.Ref, p.Total, p.Seq = uint16(v[0]), int(v[1]), int(v[2])
		case iei == ieiConcat16 && n == 4:
			p.Concat, p.Ref16 = true, true
			p.Ref, p.Total, p.Seq = uint16(v[0])<<8|uint16(v[1]), int(v[2]), int(v[3])
		case iei == ieiConcat8 || iei == ieiConcat16:
			return nil, fmt.Errorf("%w: concatenation IE 0x%02X with length %d", ErrMalformedUDH, iei, n)
		}
		i = data + n
	}
	return b[end:], nil
}

func (p *Part) parseSAR(tlvs map[uint16][]byte) error {
	ref, okRef := tlvs[TagSarMsgRefNum]
	total, okTotal := tlvs[TagSarTotalSegments]
	seq, okSeq := tlvs[TagSarSegmentSeqnum]
	if !okRef || !okTotal || !okSeq {
		return nil
	}
	if len(ref) != 2 || len(total) != 1 || len(seq) != 1 {
		return fmt.Errorf("%w: lengths ref %d, total %d, seq %d", ErrMalformedSAR, len(ref), len(total), len(seq))
	}
	p.Concat, p.Ref16 = true, true
	p.Ref, p.Total, p.Seq = uint16(ref[0])<<8|uint16(ref[1]), int(total[0]), int(seq[0])
	return nil
}

// ErrIncomplete is wrapped by Join errors when parts are missing.
var ErrIncomplete = errors.New("concatenated message incomplete")

// ErrMismatchedParts is wrapped by Join errors for parts of different messages.
var ErrMismatchedParts = errors.New("parts belong to different messages")

// Join reassembles a message from its parts, given in any order. The
// bodies are joined in Seq order before decoding, because some handsets cut
// a UCS2 surrogate pair or a GSM escape pair across parts. A repeated Seq
// (an SMSC retry) is ignored. A single unconcatenated part is just decoded.
// Parts must share Ref, Total and, for joining as bytes, DataCoding; if
// data_coding differs each part is decoded on its own and lossy is set.
// lossy and the error kinds are as for Decode.
func Join(parts []Part) (text string, lossy bool, err error) {
	if len(parts) == 0 {
		return "", false, fmt.Errorf("join: %w: no parts", ErrIncomplete)
	}
	if len(parts) == 1 && !parts[0].Concat {
		return Decode(parts[0].DataCoding, parts[0].Body)
	}
	first := parts[0]
	bySeq := make(map[int]Part, first.Total)
	for _, p := range parts {
		if !p.Concat || p.Ref != first.Ref || p.Ref16 != first.Ref16 || p.Total != first.Total {
			return "", false, fmt.Errorf("join ref %d: %w", first.Ref, ErrMismatchedParts)
		}
		if _, dup := bySeq[p.Seq]; !dup {
			bySeq[p.Seq] = p
		}
	}
	if len(bySeq) != first.Total {
		var missing []string
		for s := 1; s <= first.Total; s++ {
			if _, ok := bySeq[s]; !ok {
				missing = append(missing, fmt.Sprint(s))
			}
		}
		return "", false, fmt.Errorf("join ref %d: %w: missing %s of %d",
			first.Ref, ErrIncomplete, strings.Join(missing, ","), first.Total)
	}
	ordered := slices.SortedFunc(maps.Values(bySeq), func(a, b Part) int { return cmp.Compare(a.Seq, b.Seq) })
	if sameCoding(ordered) {
		var body []byte
		for _, p := range ordered {
			body = append(body, p.Body...)
		}
		return Decode(first.DataCoding, body)
	}
	var sb strings.Builder
	for _, p := range ordered {
		s, _, err := Decode(p.DataCoding, p.Body)
		if err != nil {
			return "", false, fmt.Errorf("join ref %d part %d: %w", first.Ref, p.Seq, err)
		}
		sb.WriteString(s)
	}
	return sb.String(), true, nil
}

// sameCoding reports whether the parts can be joined as bytes: the same
// data_coding, or at least the same alphabet (e.g. 0x08 and 0x18).
func sameCoding(parts []Part) bool {
	a0, err0 := AlphabetOf(parts[0].DataCoding)
	for _, p := range parts[1:] {
		if p.DataCoding == parts[0].DataCoding {
			continue
		}
		if a, err := AlphabetOf(p.DataCoding); err != nil || err0 != nil || a != a0 {
			return false
		}
	}
	return true
}

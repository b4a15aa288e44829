package smsgw

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

func TestParsePart(t *testing.T) {
	body := []byte{0x82, 0xD7}
	tests := []struct {
		name  string
		esm   byte
		sm    []byte
		tlvs  map[uint16][]byte
		want  Part
		wantB []byte
	}{
		{"PlainHasNoConcat", 0x00, body, nil, Part{}, body},
		{"UDHIWithoutFlagIsBody", 0x00, cat([]byte{5, 0, 3, 1, 2, 1}, body), nil, Part{}, cat([]byte{5, 0, 3, 1, 2, 1}, body)},
		{"Ref8", 0x40, cat([]byte{5, 0, 3, 0xAB, 3, 2}, body), nil,
			Part{Concat: true, Ref: 0xAB, Total: 3, Seq: 2}, body},
		{"Ref16", 0x40, cat([]byte{6, 8, 4, 0x12, 0x34, 3, 3}, body), nil,
			Part{Concat: true, Ref: 0x1234, Ref16: true, Total: 3, Seq: 3}, body},
		{"UDHIWithOtherEsmBits", 0x43, cat([]byte{5, 0, 3, 9, 2, 1}, body), nil,
			Part{Concat: true, Ref: 9, Total: 2, Seq: 1}, body},
		{"SkipsPortAddressingBeforeConcat", 0x40, cat([]byte{11, 0x05, 4, 0x0B, 0x84, 0x23, 0xF0, 0, 3, 7, 2, 2}, body), nil,
			Part{Concat: true, Ref: 7, Total: 2, Seq: 2}, body},
		{"SkipsUnknownIEAfterConcat", 0x40, cat([]byte{7, 0, 3, 7, 2, 1, 0x70, 0}, body), nil,
			Part{Concat: true, Ref: 7, Total: 2, Seq: 1}, body},
		{"PortsOnlyIsNotConcat", 0x40, cat([]byte{6, 0x05, 4, 0x0B, 0x84, 0x23, 0xF0}, body), nil, Part{}, body},
		{"EmptyUDHIsAllowed", 0x40, cat([]byte{0}, body), nil, Part{}, body},
		{"LastConcatIEWins", 0x40, cat([]byte{10, 0, 3, 1, 2, 1, 0, 3, 5, 4, 3}, body), nil,
			Part{Concat: true, Ref: 5, Total: 4, Seq: 3}, body},
		{"SeqZeroIsIgnored", 0x40, cat([]byte{5, 0, 3, 1, 2, 0}, body), nil, Part{}, body},
		{"SeqAboveTotalIsIgnored", 0x40, cat([]byte{5, 0, 3, 1, 2, 3}, body), nil, Part{}, body},
		{"TotalZeroIsIgnored", 0x40, cat([]byte{5, 0, 3, 1, 0, 0}, body), nil, Part{}, body},
		{"SAR", 0x00, body, map[uint16][]byte{
			TagSarMsgRefNum: {0x01, 0x02}, TagSarTotalSegments: {2}, TagSarSegmentSeqnum: {1},
		}, Part{Concat: true, Ref: 0x0102, Ref16: true, Total: 2, Seq: 1}, body},
		{"PartialSARIsIgnored", 0x00, body, map[uint16][]byte{TagSarMsgRefNum: {0x01, 0x02}}, Part{}, body},
		{"UDHBeatsSAR", 0x40, cat([]byte{5, 0, 3, 9, 2, 2}, body), map[uint16][]byte{
			TagSarMsgRefNum: {0x01, 0x02}, TagSarTotalSegments: {3}, TagSarSegmentSeqnum: {1},
		}, Part{Concat: true, Ref: 9, Total: 2, Seq: 2}, body},
		{"PayloadReplacesEmptyShortMessage", 0x00, nil, map[uint16][]byte{TagMessagePayload: body}, Part{}, body},
		{"PayloadWithUDH", 0x40, nil, map[uint16][]byte{TagMessagePayload: cat([]byte{5, 0, 3, 4, 2, 2}, body)},
			Part{Concat: true, Ref: 4, Total: 2, Seq: 2}, body},
		{"PayloadWithSAR", 0x00, nil, map[uint16][]byte{
			TagMessagePayload: body, TagSarMsgRefNum: {0, 4}, TagSarTotalSegments: {2}, TagSarSegmentSeqnum: {2},
		}, Part{Concat: true, Ref: 4, Ref16: true, Total: 2, Seq: 2}, body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePart(tt.esm, 0x08, tt.sm, tt.tlvs)
			if err != nil {
				t.Fatalf("ParsePart: %v", err)
			}
			tt.want.DataCoding = 0x08
			tt.want.Body = tt.wantB
			if !samePart(got, tt.want) {
				t.Fatalf("ParsePart = %+v; want %+v", got, tt.want)
			}
		})
	}
}

func samePart(a, b Part) bool {
	return a.Concat == b.Concat && a.Ref == b.Ref && a.Ref16 == b.Ref16 && a.Total == b.Total &&
		a.Seq == b.Seq && a.DataCoding == b.DataCoding && bytes.Equal(a.Body, b.Body)
}

func TestParsePart_RejectsMalformed(t *testing.T) {
	tests := []struct {
		name string
		sm   []byte
		tlvs map[uint16][]byte
		want error
	}{
		{"UDHIButEmpty", nil, nil, ErrMalformedUDH},
		{"UDHLOverrunsMessage", []byte{9, 0, 3, 1, 2, 1}, nil, ErrMalformedUDH},
		{"IELengthOverrunsUDH", []byte{5, 0, 9, 1, 2, 1, 'x', 'y', 'z', 'w', 'v'}, nil, ErrMalformedUDH},
		{"TruncatedIEHeader", []byte{1, 0, 'x'}, nil, ErrMalformedUDH},
		{"Concat8WrongLength", []byte{4, 0, 2, 1, 2}, nil, ErrMalformedUDH},
		{"Concat16WrongLength", []byte{5, 8, 3, 1, 2, 1}, nil, ErrMalformedUDH},
		{"SARWrongLength", []byte{0}, map[uint16][]byte{
			TagSarMsgRefNum: {1}, TagSarTotalSegments: {2}, TagSarSegmentSeqnum: {1},
		}, ErrMalformedSAR},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParsePart(0x40, 0x08, tt.sm, tt.tlvs); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v; want %v", err, tt.want)
			}
		})
	}
}

func part(ref uint16, total, seq int, dc byte, body ...byte) Part {
	return Part{Concat: true, Ref: ref, Total: total, Seq: seq, DataCoding: dc, Body: body}
}

func TestJoin(t *testing.T) {
	tests := []struct {
		name      string
		parts     []Part
		want      string
		wantLossy bool
	}{
		{"SingleUnconcatenated", []Part{{DataCoding: 0x08, Body: []byte{0x82, 0xD7}}}, "苗", false},
		{"OutOfOrder", []Part{
			part(1, 3, 3, 0x08, 0x00, 0x43),
			part(1, 3, 1, 0x08, 0x00, 0x41),
			part(1, 3, 2, 0x08, 0x00, 0x42),
		}, "ABC", false},
		{"SurrogatePairSplitAcrossParts", []Part{
			part(2, 2, 2, 0x08, 0xDF, 0x38, 0x00, 0x21),
			part(2, 2, 1, 0x08, 0x82, 0xD7, 0xD8, 0x3C),
		}, "苗🌸!", false},
		{"OddOctetSplitAcrossParts", []Part{
			part(2, 2, 1, 0x08, 0x82, 0xD7, 0x67),
			part(2, 2, 2, 0x08, 0x28),
		}, "苗木", false},
		{"GSMEscapeSplitAcrossParts", []Part{
			part(3, 2, 1, 0x00, 'a', 0x1B),
			part(3, 2, 2, 0x00, 0x65, 'b'),
		}, "a€b", false},
		{"DuplicatePartIgnored", []Part{
			part(4, 2, 1, 0x08, 0x00, 0x41),
			part(4, 2, 1, 0x08, 0x00, 0x41),
			part(4, 2, 2, 0x08, 0x00, 0x42),
		}, "AB", false},
		{"SameAlphabetDifferentCodeJoinsBytes", []Part{
			part(5, 2, 1, 0x08, 0xD8, 0x3C),
			part(5, 2, 2, 0x18, 0xDF, 0x38),
		}, "🌸", false},
		{"DifferentAlphabetsDecodedApart", []Part{
			part(6, 2, 1, 0x08, 0x82, 0xD7),
			part(6, 2, 2, 0x00, 'x'),
		}, "苗x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, lossy, err := Join(tt.parts)
			if err != nil {
				t.Fatalf("Join: %v", err)
			}
			if got != tt.want || lossy != tt.wantLossy {
				t.Fatalf("Join = %q lossy %v; want %q %v", got, lossy, tt.want, tt.wantLossy)
			}
		})
	}
}

func TestJoin_Errors(t *testing.T) {
	tests := []struct {
		name  string
		parts []Part
		want  error
	}{
		{"NoParts", nil, ErrIncomplete},
		{"MissingPart", []Part{part(1, 3, 1, 0x08, 0, 0x41), part(1, 3, 3, 0x08, 0, 0x41)}, ErrIncomplete},
		{"DifferentRefs", []Part{part(1, 2, 1, 0x08, 0, 0x41), part(2, 2, 2, 0x08, 0, 0x41)}, ErrMismatchedParts},
		{"DifferentTotals", []Part{part(1, 2, 1, 0x08, 0, 0x41), part(1, 3, 2, 0x08, 0, 0x41)}, ErrMismatchedParts},
		{"UnconcatenatedAmongParts", []Part{part(1, 2, 1, 0x08, 0, 0x41), {DataCoding: 0x08}}, ErrMismatchedParts},
		{"UnknownCoding", []Part{part(1, 1, 1, 0x0A, 'x')}, ErrUnknownDataCoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Join(tt.parts); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestJoin_MissingNamesTheParts(t *testing.T) {
	_, _, err := Join([]Part{part(1, 4, 2, 0x08, 0, 0x41)})
	if err == nil || !strings.Contains(err.Error(), "missing 1,3,4 of 4") {
		t.Fatalf("err = %v", err)
	}
}

// roundTrip splits text, parses every part as a deliver_sm would carry it,
// shuffles the parts and joins them.
func roundTrip(t *testing.T, text string, ref uint16, ref16 bool, rng *rand.Rand) string {
	t.Helper()
	dc, segs, err := Split(text, ref, ref16)
	if err != nil {
		t.Fatalf("Split(%q): %v", text, err)
	}
	parts := make([]Part, 0, len(segs))
	for _, s := range segs {
		var esm byte
		if s.UDHI {
			esm = EsmUDHI
		}
		p, err := ParsePart(esm, dc, s.ShortMessage, nil)
		if err != nil {
			t.Fatalf("ParsePart(% X): %v", s.ShortMessage, err)
		}
		parts = append(parts, p)
	}
	if rng != nil {
		rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	}
	got, lossy, err := Join(parts)
	if err != nil || lossy {
		t.Fatalf("Join(%q): lossy %v, %v", text, lossy, err)
	}
	return got
}

// randomText mixes GSM characters, extension characters, Chinese, rare
// CJK outside the BMP and emoji, sometimes all-GSM so both codings are hit.
func randomText(rng *rand.Rand) string {
	gsm := []rune("aZ09 @£$¥_§\n\rÄöñü€^{}[]~|\\")
	other := []rune("苗木桂花温江𠀀𪚥🌸😀👍🏻é中")
	n := rng.Intn(400)
	onlyGSM := rng.Intn(2) == 0
	var sb strings.Builder
	for i := 0; i < n; i++ {
		if onlyGSM || rng.Intn(3) > 0 {
			sb.WriteRune(gsm[rng.Intn(len(gsm))])
		} else {
			sb.WriteRune(other[rng.Intn(len(other))])
		}
	}
	return sb.String()
}

func TestSplitJoin_RoundTripsRandomText(t *testing.T) {
	rng := rand.New(rand.NewSource(20251128))
	for i := 0; i < 3000; i++ {
		text := randomText(rng)
		ref16 := i%2 == 0
		if got := roundTrip(t, text, uint16(rng.Intn(1<<16)), ref16, rng); got != text {
			t.Fatalf("round trip #%d ref16=%v:\n got %q\nwant %q", i, ref16, got, text)
		}
	}
}

func ExampleJoin() {
	// Two UCS2 parts of "苗🌸" as a handset sent them, the emoji's
	// surrogate pair cut between the parts, arriving out of order.
	second, _ := ParsePart(0x40, 0x08, []byte{5, 0, 3, 9, 2, 2, 0xDF, 0x38}, nil)
	first, _ := ParsePart(0x40, 0x08, []byte{5, 0, 3, 9, 2, 1, 0x82, 0xD7, 0xD8, 0x3C}, nil)
	text, lossy, err := Join([]Part{second, first})
	fmt.Println(text, lossy, err)
	// Output: 苗🌸 false <nil>
}

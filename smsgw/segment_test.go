package smsgw

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSplit_PlanAgreesWithSplit(t *testing.T) {
	han := func(n int) string { return strings.Repeat("苗", n) }
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name      string
		text      string
		ref16     bool
		wantDC    byte
		wantParts int
		wantUnits int
	}{
		{"EmptyIsOneGSM7Part", "", false, CodingGSM7, 1, 160},
		{"GSM7Exactly160IsSingle", a(160), false, CodingGSM7, 1, 160},
		{"GSM7161SplitsBy153", a(161), false, CodingGSM7, 2, 153},
		{"GSM7306IsTwoParts", a(306), false, CodingGSM7, 2, 153},
		{"GSM7307IsThreeParts", a(307), false, CodingGSM7, 3, 153},
		{"GSM7Ref16SplitsBy152", a(305), true, CodingGSM7, 3, 152},
		{"GSM7Ref16304IsTwoParts", a(304), true, CodingGSM7, 2, 152},
		{"GSM7ExtensionCountsTwo", a(158) + "€", false, CodingGSM7, 1, 160},
		{"GSM7ExtensionPushesOver", a(159) + "€", false, CodingGSM7, 2, 153},
		{"UCS2Exactly70IsSingle", han(70), false, CodingUCS2, 1, 70},
		{"UCS271SplitsBy67", han(71), false, CodingUCS2, 2, 67},
		{"UCS2Exactly134IsTwoParts", han(134), false, CodingUCS2, 2, 67},
		{"UCS2135IsThreeParts", han(135), false, CodingUCS2, 3, 67},
		{"UCS2Ref16132IsTwoParts", han(132), true, CodingUCS2, 2, 66},
		{"UCS2Ref16133IsThreeParts", han(133), true, CodingUCS2, 3, 66},
		{"EmojiMakes71Units", han(69) + "🌸", false, CodingUCS2, 2, 67},
		{"EmojiFits70Units", han(68) + "🌸", false, CodingUCS2, 1, 70},
		{"RareCJKCountsTwo", strings.Repeat("𠀀", 35), false, CodingUCS2, 1, 70},
		{"RareCJK36IsTwoParts", strings.Repeat("𠀀", 36), false, CodingUCS2, 2, 67},
		{"OneChineseCharForcesUCS2", a(60) + "苗", false, CodingUCS2, 1, 70},
		{"EmojiNotCutMeansExtraPart", han(66) + "🌸" + han(66), false, CodingUCS2, 3, 67},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dc, parts, units := Plan(tt.text, tt.ref16)
			if dc != tt.wantDC || parts != tt.wantParts || units != tt.wantUnits {
				t.Fatalf("Plan = 0x%02X, %d parts, %d units; want 0x%02X, %d, %d",
					dc, parts, units, tt.wantDC, tt.wantParts, tt.wantUnits)
			}
			sdc, segs, err := Split(tt.text, 7, tt.ref16)
			if err != nil || sdc != dc || len(segs) != parts {
				t.Fatalf("Split = 0x%02X, %d parts, %v; Plan said 0x%02X, %d", sdc, len(segs), err, dc, parts)
			}
		})
	}
}

func TestSplit_SinglePartHasNoUDH(t *testing.T) {
	dc, segs, err := Split("苗木", 9, false)
	if err != nil {
		t.Fatal(err)
	}
	want := Segment{ShortMessage: []byte{0x82, 0xD7, 0x67, 0x28}, Seq: 1, Total: 1}
	if dc != CodingUCS2 || len(segs) != 1 || segs[0].UDHI || !bytes.Equal(segs[0].ShortMessage, want.ShortMessage) || segs[0].Total != 1 {
		t.Fatalf("Split = 0x%02X %+v; want %+v", dc, segs, want)
	}
}

func TestSplit_UDH(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		ref     uint16
		ref16   bool
		wantUDH [][]byte
		maxLen  int
	}{
		{"Ref8UsesLowByte", strings.Repeat("苗", 71), 0x1234, false,
			[][]byte{{0x05, 0x00, 0x03, 0x34, 2, 1}, {0x05, 0x00, 0x03, 0x34, 2, 2}}, 140},
		{"Ref16UsesBothBytes", strings.Repeat("苗", 71), 0x1234, true,
			[][]byte{{0x06, 0x08, 0x04, 0x12, 0x34, 2, 1}, {0x06, 0x08, 0x04, 0x12, 0x34, 2, 2}}, 139},
		{"GSM7Ref8", strings.Repeat("b", 200), 0xFF, false,
			[][]byte{{0x05, 0x00, 0x03, 0xFF, 2, 1}, {0x05, 0x00, 0x03, 0xFF, 2, 2}}, 6 + 153},
		{"GSM7Ref16", strings.Repeat("b", 200), 0x0102, true,
			[][]byte{{0x06, 0x08, 0x04, 0x01, 0x02, 2, 1}, {0x06, 0x08, 0x04, 0x01, 0x02, 2, 2}}, 7 + 152},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, segs, err := Split(tt.text, tt.ref, tt.ref16)
			if err != nil {
				t.Fatal(err)
			}
			if len(segs) != len(tt.wantUDH) {
				t.Fatalf("got %d parts; want %d", len(segs), len(tt.wantUDH))
			}
			for i, s := range segs {
				if !s.UDHI || s.Seq != i+1 || s.Total != len(segs) {
					t.Errorf("part %d: UDHI %v Seq %d Total %d", i, s.UDHI, s.Seq, s.Total)
				}
				if !bytes.HasPrefix(s.ShortMessage, tt.wantUDH[i]) {
					t.Errorf("part %d starts % X; want UDH % X", i, s.ShortMessage[:8], tt.wantUDH[i])
				}
				if len(s.ShortMessage) > tt.maxLen {
					t.Errorf("part %d is %d octets; max %d", i, len(s.ShortMessage), tt.maxLen)
				}
			}
		})
	}
}

func TestSplit_NeverCutsSurrogatePair(t *testing.T) {
	for _, text := range []string{
		strings.Repeat("苗", 66) + "🌸" + strings.Repeat("木", 5),
		strings.Repeat("苗", 65) + "𠀀𠀀" + strings.Repeat("木", 70),
		strings.Repeat("🌸", 100),
	} {
		for _, ref16 := range []bool{false, true} {
			_, segs, err := Split(text, 1, ref16)
			if err != nil {
				t.Fatal(err)
			}
			udhLen := 6
			if ref16 {
				udhLen = 7
			}
			for i, s := range segs {
				body := s.ShortMessage[udhLen:]
				if len(body) > 140-udhLen {
					t.Errorf("ref16=%v part %d body %d octets > %d", ref16, i+1, len(body), 140-udhLen)
				}
				if hi := body[len(body)-2]; hi >= 0xD8 && hi <= 0xDB {
					t.Errorf("ref16=%v part %d ends with a high surrogate", ref16, i+1)
				}
			}
		}
	}
}

func TestSplit_EmojiAtBoundaryStartsNextPart(t *testing.T) {
	_, segs, _ := Split(strings.Repeat("苗", 66)+"🌸"+strings.Repeat("木", 5), 1, false)
	if got := len(segs[0].ShortMessage) - 6; got != 132 {
		t.Fatalf("first part body %d octets; want 132 (66 units, emoji moved on)", got)
	}
	if !bytes.HasPrefix(segs[1].ShortMessage[6:], []byte{0xD8, 0x3C, 0xDF, 0x38}) {
		t.Fatalf("second part should start with the emoji: % X", segs[1].ShortMessage)
	}
}

func TestSplit_NeverCutsGSMEscapePair(t *testing.T) {
	text := strings.Repeat("a", 152) + "€" + strings.Repeat("b", 10)
	dc, segs, err := Split(text, 1, false)
	if err != nil || dc != CodingGSM7 || len(segs) != 2 {
		t.Fatalf("Split = 0x%02X, %d parts, %v", dc, len(segs), err)
	}
	first := segs[0].ShortMessage[6:]
	if len(first) != 152 || first[len(first)-1] == gsm7Escape {
		t.Fatalf("first part %d septets ending 0x%02X; want 152 not ending in escape", len(first), first[len(first)-1])
	}
	if !bytes.HasPrefix(segs[1].ShortMessage[6:], []byte{0x1B, 0x65}) {
		t.Fatalf("second part should start with the escape pair: % X", segs[1].ShortMessage[6:10])
	}
}

func TestSplit_GSM7IsUnpackedSeptets(t *testing.T) {
	_, segs, _ := Split("@$_{", 0, false)
	want := []byte{0x00, 0x02, 0x11, 0x1B, 0x28}
	if !bytes.Equal(segs[0].ShortMessage, want) {
		t.Fatalf("got % X; want % X", segs[0].ShortMessage, want)
	}
}

func TestSplit_RefusesMoreThan255Parts(t *testing.T) {
	_, _, err := Split(strings.Repeat("苗", 67*255+1), 1, false)
	if !errors.Is(err, ErrTooManyParts) {
		t.Fatalf("err = %v; want ErrTooManyParts", err)
	}
	if _, segs, err := Split(strings.Repeat("苗", 67*255), 1, false); err != nil || len(segs) != 255 {
		t.Fatalf("255 parts: %d, %v", len(segs), err)
	}
}

func ExamplePlan() {
	dc, parts, per := Plan("【花木通】桂花 胸径8公分 30株 温江寿安 回T退订 🌸 联系13800138000 价格面议，量大从优，欢迎来苗圃看货选苗，包装车，全川送货上门，另有红叶石楠、银杏、香樟", false)
	fmt.Printf("data_coding 0x%02X, %d parts of %d units\n", dc, parts, per)
	// Output: data_coding 0x08, 2 parts of 67 units
}

func ExampleSplit() {
	_, segs, _ := Split(strings.Repeat("苗", 71), 0x2A, false)
	for _, s := range segs {
		fmt.Printf("part %d/%d UDHI=%v UDH % X, %d octets\n", s.Seq, s.Total, s.UDHI, s.ShortMessage[:6], len(s.ShortMessage))
	}
	// Output:
	// part 1/2 UDHI=true UDH 05 00 03 2A 02 01, 140 octets
	// part 2/2 UDHI=true UDH 05 00 03 2A 02 02, 14 octets
}

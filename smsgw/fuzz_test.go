package smsgw

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"
)

func FuzzParsePart(f *testing.F) {
	f.Add(byte(0x40), byte(0x08), []byte{5, 0, 3, 1, 2, 1, 0x82, 0xD7}, []byte(nil), []byte(nil), false)
	f.Add(byte(0x40), byte(0x08), []byte{6, 8, 4, 1, 2, 2, 2, 0xD8}, []byte(nil), []byte(nil), false)
	f.Add(byte(0x40), byte(0x00), []byte{11, 5, 4, 0x0B, 0x84, 0x23, 0xF0, 0, 3, 7, 2, 2, 'a'}, []byte(nil), []byte(nil), false)
	f.Add(byte(0x40), byte(0x00), []byte{9, 0, 3}, []byte(nil), []byte(nil), false)
	f.Add(byte(0x00), byte(0x08), []byte{}, []byte{0, 0x41}, []byte{1, 2, 2, 1}, true)
	f.Add(byte(0x40), byte(0x18), []byte{}, []byte{5, 0, 3, 1, 1, 1, 0, 0x41}, []byte{1}, true)
	f.Fuzz(func(t *testing.T, esm, dc byte, sm, payload, sar []byte, withSAR bool) {
		tlvs := map[uint16][]byte{}
		if len(payload) > 0 {
			tlvs[TagMessagePayload] = payload
		}
		if withSAR {
			// Carve the three SAR values out of sar, lengths taken from its first byte.
			l := 0
			if len(sar) > 0 {
				l = int(sar[0])
			}
			cut := func(n int) []byte {
				if n > len(sar) {
					n = len(sar)
				}
				v := sar[:n]
				sar = sar[n:]
				return v
			}
			tlvs[TagSarMsgRefNum] = cut(l & 3)
			tlvs[TagSarTotalSegments] = cut(l >> 2 & 3)
			tlvs[TagSarSegmentSeqnum] = cut(l >> 4 & 3)
		}
		p, err := ParsePart(esm, dc, sm, tlvs)
		if err != nil {
			if !errors.Is(err, ErrMalformedUDH) && !errors.Is(err, ErrMalformedSAR) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		src := sm
		if len(payload) > 0 {
			src = payload
		}
		if len(p.Body) > len(src) || !bytes.HasSuffix(src, p.Body) {
			t.Fatalf("body % X is not a tail of the input % X", p.Body, src)
		}
		if len(p.Body) > 0 && &p.Body[len(p.Body)-1] != &src[len(src)-1] {
			t.Fatalf("body does not alias the input")
		}
		if p.Concat && (p.Seq < 1 || p.Seq > p.Total || p.Total > 255) {
			t.Fatalf("invalid concat data accepted: %+v", p)
		}
		if !p.Concat && (p.Ref != 0 || p.Total != 0 || p.Seq != 0) {
			t.Fatalf("unconcatenated part carries concat data: %+v", p)
		}
		if p.Concat && p.Total == 1 {
			if _, _, err := Join([]Part{p}); err != nil && !errors.Is(err, ErrUnknownDataCoding) && !errors.Is(err, ErrBinaryData) {
				t.Fatalf("Join single part: %v", err)
			}
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add(byte(0x00), []byte{0x1B, 0x65, 'a', 0x1B})
	f.Add(byte(0x08), []byte{0xD8, 0x3C, 0xDF, 0x38, 0x00})
	f.Add(byte(0x0F), []byte{0xC3, 0xE7, 0xC4, 0xBE, 0xFF})
	f.Add(byte(0x0E), []byte{0xC7, 0xD1, 0x80})
	f.Add(byte(0xE3), []byte{0xDC, 0x00})
	f.Add(byte(0x07), []byte{0xFF, 0xE0})
	f.Fuzz(func(t *testing.T, dc byte, b []byte) {
		text, lossy, err := Decode(dc, b)
		a, aerr := AlphabetOf(dc)
		if aerr != nil {
			if !errors.Is(err, ErrUnknownDataCoding) {
				t.Fatalf("unknown code 0x%02X: err %v", dc, err)
			}
			return
		}
		if a == AlphabetBinary {
			if !errors.Is(err, ErrBinaryData) {
				t.Fatalf("binary 0x%02X: err %v", dc, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("known coding 0x%02X failed: %v", dc, err)
		}
		if !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 out of 0x%02X", dc)
		}
		if !lossy && len(b) > 0 && text == "" {
			t.Fatalf("non-lossy decode of %d bytes gave nothing", len(b))
		}
		switch a {
		case AlphabetUCS2:
			if !lossy && !bytes.Equal(encodeUCS2(nil, text), b) {
				t.Fatalf("UCS2 % X decoded to %q without loss but does not re-encode", b, text)
			}
		case AlphabetGSM7:
			if !lossy && !bytes.Equal(encodeBody(nil, text, true), b) {
				t.Fatalf("GSM7 % X decoded to %q without loss but does not re-encode", b, text)
			}
		}
	})
}

func FuzzReceipt(f *testing.F) {
	f.Add("id:0A1B2C sub:001 dlvrd:001 submit date:2511281530 done date:2511281531 stat:DELIVRD err:000 text:苗木")
	f.Add("ID: stat: text:id:1")
	f.Add("text:a id:2 stat:x")
	f.Add("id :   ")
	f.Add("1234567890123456789012345678901234567890ab")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReceiptText(s)
		if err == nil && r.ID == "" {
			t.Fatalf("no error but no id for %q", s)
		}
		if err != nil && !errors.Is(err, ErrNoReceiptID) {
			t.Fatalf("unexpected error %v", err)
		}
		if err == nil && len(ReceiptIDCandidates(r.ID)) == 0 {
			t.Fatalf("id %q has no candidates", r.ID)
		}
		_ = r.State.String()
		_, _ = ParseReceipt([]byte(s), map[uint16][]byte{TagReceiptedMessageID: []byte(s)})
		_ = ReceiptIDCandidates(s)
	})
}

func FuzzSplitJoin(f *testing.F) {
	f.Add("苗木🌸", uint16(1), false)
	f.Add("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa€b", uint16(2), true)
	f.Add("", uint16(0), false)
	f.Add("𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀𠀀", uint16(65535), false)
	f.Fuzz(func(t *testing.T, text string, ref uint16, ref16 bool) {
		if !utf8.ValidString(text) {
			return
		}
		dc, segs, err := Split(text, ref, ref16)
		if errors.Is(err, ErrTooManyParts) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		pdc, pparts, _ := Plan(text, ref16)
		if pdc != dc || pparts != len(segs) {
			t.Fatalf("Plan says 0x%02X/%d, Split gave 0x%02X/%d", pdc, pparts, dc, len(segs))
		}
		for _, s := range segs {
			limit := 140 // UCS2 octets, UDH included
			if dc == CodingGSM7 {
				limit = 160 // unpacked septets; UDH octets count 8/7 septets
				if s.UDHI {
					limit = 6 + 153
					if ref16 {
						limit = 7 + 152
					}
				}
			}
			if len(s.ShortMessage) > limit {
				t.Fatalf("part %d/%d is %d octets > %d", s.Seq, s.Total, len(s.ShortMessage), limit)
			}
		}
		if got := roundTrip(t, text, ref, ref16, nil); got != text {
			t.Fatalf("round trip:\n got %q\nwant %q", got, text)
		}
	})
}

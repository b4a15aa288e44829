package smsgw

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestCoding_AlphabetOf(t *testing.T) {
	tests := []struct {
		name string
		dc   byte
		want Alphabet
	}{
		{"DefaultIsGSM7", 0x00, AlphabetGSM7},
		{"IA5IsASCII", 0x01, AlphabetASCII},
		{"Octet02IsBinary", 0x02, AlphabetBinary},
		{"Latin1", 0x03, AlphabetLatin1},
		{"Octet04IsBinary", 0x04, AlphabetBinary},
		{"Cyrillic", 0x06, AlphabetCyrillic},
		{"Hebrew", 0x07, AlphabetHebrew},
		{"UCS2", 0x08, AlphabetUCS2},
		{"KSC5601", 0x0E, AlphabetKSC5601},
		{"GBKOn0F", 0x0F, AlphabetGBK},
		{"ClassGroupGSM7", 0x10, AlphabetGSM7},
		{"ClassGroupGSM7Class3", 0x13, AlphabetGSM7},
		{"ClassGroup8Bit", 0x14, AlphabetBinary},
		{"ClassGroup8BitClass2", 0x16, AlphabetBinary},
		{"ClassGroupUCS2", 0x18, AlphabetUCS2},
		{"ClassGroupUCS2Class3", 0x1B, AlphabetUCS2},
		{"AutoDeleteGroupUCS2", 0x48, AlphabetUCS2},
		{"AutoDeleteClassGroupGSM7", 0x50, AlphabetGSM7},
		{"MWIDiscardIsGSM7", 0xC0, AlphabetGSM7},
		{"MWIStoreIsGSM7", 0xD3, AlphabetGSM7},
		{"MWIStoreUCS2", 0xE0, AlphabetUCS2},
		{"MWIStoreUCS2Top", 0xEF, AlphabetUCS2},
		{"ClassGroupF0IsGSM7", 0xF0, AlphabetGSM7},
		{"ClassGroupF1IsGSM7", 0xF1, AlphabetGSM7},
		{"ClassGroupF4Is8Bit", 0xF4, AlphabetBinary},
		{"ClassGroupF6Is8Bit", 0xF6, AlphabetBinary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AlphabetOf(tt.dc)
			if err != nil || got != tt.want {
				t.Fatalf("AlphabetOf(0x%02X) = %v, %v; want %v", tt.dc, got, err, tt.want)
			}
		})
	}
}

func TestCoding_AlphabetOfRejectsUnknownNamingTheCode(t *testing.T) {
	for _, dc := range []byte{0x05, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1F, 0x20, 0x38, 0x4C, 0x60, 0x80, 0xBF} {
		_, err := AlphabetOf(dc)
		if !errors.Is(err, ErrUnknownDataCoding) {
			t.Errorf("AlphabetOf(0x%02X) err = %v; want ErrUnknownDataCoding", dc, err)
			continue
		}
		if want := fmt.Sprintf("0x%02X", dc); !strings.Contains(err.Error(), want) {
			t.Errorf("AlphabetOf(0x%02X) err %q does not name the code", dc, err)
		}
	}
}

func mustGBK(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	kr, _ := korean.EUCKR.NewEncoder().Bytes([]byte("한국"))
	tests := []struct {
		name      string
		dc        byte
		in        []byte
		want      string
		wantLossy bool
	}{
		{"GSM7Basic", 0x00, []byte{0x00, 0x01, 0x02, 0x03, 'H', 'i', 0x11}, "@£$¥Hi_", false},
		{"GSM7Extension", 0x00, []byte{0x1B, 0x65, 0x1B, 0x28, 0x1B, 0x29, 0x1B, 0x14}, "€{}^", false},
		{"GSM7UnknownEscapeShowsBasic", 0x00, []byte{0x1B, 'A'}, "A", true},
		{"GSM7DanglingEscapeReplaced", 0x00, []byte{'a', 0x1B}, "a\uFFFD", true},
		{"GSM7HighOctetReplaced", 0x00, []byte{'a', 0x80}, "a\uFFFD", true},
		{"ClassGroupGSM7", 0x11, []byte("OK"), "OK", false},
		{"ASCII", 0x01, []byte("id 42"), "id 42", false},
		{"ASCIIHighByteReplaced", 0x01, []byte{'a', 0xE9}, "a\uFFFD", true},
		{"Latin1", 0x03, []byte{'c', 'a', 'f', 0xE9}, "café", false},
		{"Cyrillic", 0x06, []byte{0xBF, 0xE0, 0xD8}, "При", false},
		{"Hebrew", 0x07, []byte{0xF9, 0xEC, 0xE5, 0xED}, "שלום", false},
		{"UCS2", 0x08, []byte{0x82, 0xD7, 0x67, 0x28}, "苗木", false},
		{"UCS2SurrogatePair", 0x08, []byte{0xD8, 0x3C, 0xDF, 0x38}, "🌸", false},
		{"UCS2ClassGroup18", 0x18, []byte{0x82, 0xD7}, "苗", false},
		{"UCS2MWIGroup", 0xE1, []byte{0x82, 0xD7}, "苗", false},
		{"UCS2OddLengthDecodesWhatItCan", 0x08, []byte{0x82, 0xD7, 0x67}, "苗\uFFFD", true},
		{"UCS2LoneHighSurrogate", 0x08, []byte{0xD8, 0x3C, 0x00, 0x41}, "\uFFFDA", true},
		{"UCS2LoneLowSurrogate", 0x08, []byte{0xDF, 0x38}, "\uFFFD", true},
		{"UCS2HighSurrogateAtEnd", 0x08, []byte{0x00, 0x41, 0xD8, 0x3C}, "A\uFFFD", true},
		{"KSC5601", 0x0E, kr, "한국", false},
		{"GBK", 0x0F, mustGBK(t, "温江苗木"), "温江苗木", false},
		{"GBKInvalidReplaced", 0x0F, []byte{0xFF, 'a'}, "\uFFFDa", true},
		{"Empty", 0x08, nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, lossy, err := Decode(tt.dc, tt.in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got != tt.want || lossy != tt.wantLossy {
				t.Fatalf("Decode(0x%02X, % X) = %q, lossy %v; want %q, %v", tt.dc, tt.in, got, lossy, tt.want, tt.wantLossy)
			}
		})
	}
}

func TestDecode_Errors(t *testing.T) {
	tests := []struct {
		name string
		dc   byte
		want error
	}{
		{"BinaryIsNotText", 0x04, ErrBinaryData},
		{"ClassGroupBinaryIsNotText", 0xF5, ErrBinaryData},
		{"UnknownCodeIsNotGSM7", 0x0A, ErrUnknownDataCoding},
		{"CompressedIsUnknown", 0x28, ErrUnknownDataCoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Decode(tt.dc, []byte("x")); !errors.Is(err, tt.want) {
				t.Fatalf("Decode(0x%02X) err = %v; want %v", tt.dc, err, tt.want)
			}
		})
	}
}

func TestCoding_UTF16Len(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"ASCII", "abc", 3},
		{"BMPChinese", "苗木", 2},
		{"EmojiIsSurrogatePair", "🌸", 2},
		{"RareCJKOutsideBMP", "𠀀𪚥", 4},
		{"Mixed", "桂花🌸x", 5},
		{"InvalidUTF8CountsOne", "\xff", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UTF16Len(tt.in); got != tt.want {
				t.Fatalf("UTF16Len(%q) = %d; want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestCoding_GSM7Len(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   int
		wantOK bool
	}{
		{"Plain", "Hello", 5, true},
		{"ExtensionCountsTwo", "^{}\\[~]|€", 18, true},
		{"BasicSymbols", "@£$¥_§", 6, true},
		{"ChineseIsNotGSM", "苗", 0, false},
		{"EmojiIsNotGSM", "🌸", 0, false},
		{"BacktickIsNotGSM", "`", 0, false},
		{"InvalidUTF8IsNotGSM", "a\xff", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := GSM7Len(tt.in)
			if got != tt.want || ok != tt.wantOK || IsGSM7(tt.in) != tt.wantOK {
				t.Fatalf("GSM7Len(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

package smsgw

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// SMPP data_coding values we send.
const (
	// CodingGSM7 is SMPP data_coding 0x00: the SMSC default alphabet, which
	// we treat as GSM 03.38 sent unpacked (one septet per octet).
	CodingGSM7 byte = 0x00
	// CodingUCS2 is SMPP data_coding 0x08: big-endian UTF-16.
	CodingUCS2 byte = 0x08
)

// Alphabet is the character set a data_coding value selects.
type Alphabet uint8

// The alphabets a deliver_sm can arrive in.
const (
	// AlphabetGSM7 is the GSM 03.38 default alphabet, unpacked.
	AlphabetGSM7 Alphabet = iota + 1
	// AlphabetASCII is IA5 / US-ASCII.
	AlphabetASCII
	// AlphabetBinary is 8-bit data that is not text.
	AlphabetBinary
	// AlphabetLatin1 is ISO-8859-1.
	AlphabetLatin1
	// AlphabetCyrillic is ISO-8859-5.
	AlphabetCyrillic
	// AlphabetHebrew is ISO-8859-8.
	AlphabetHebrew
	// AlphabetUCS2 is big-endian UTF-16 (surrogate pairs allowed).
	AlphabetUCS2
	// AlphabetKSC5601 is KS C 5601, decoded as EUC-KR.
	AlphabetKSC5601
	// AlphabetGBK is GBK, which some Chinese SMSCs send as data_coding 0x0F.
	AlphabetGBK
)

// String names the alphabet for logs.
func (a Alphabet) String() string {
	switch a {
	case AlphabetGSM7:
		return "gsm7"
	case AlphabetASCII:
		return "ascii"
	case AlphabetBinary:
		return "binary"
	case AlphabetLatin1:
		return "latin1"
	case AlphabetCyrillic:
		return "cyrillic"
	case AlphabetHebrew:
		return "hebrew"
	case AlphabetUCS2:
		return "ucs2"
	case AlphabetKSC5601:
		return "ksc5601"
	case AlphabetGBK:
		return "gbk"
	}
	return fmt.Sprintf("alphabet(%d)", uint8(a))
}

// ErrUnknownDataCoding is wrapped by errors for data_coding values we cannot
// map to an alphabet (reserved groups, compressed text, JIS and pictogram codes).
var ErrUnknownDataCoding = errors.New("unknown data_coding")

// ErrBinaryData is returned when asked to decode 8-bit binary data as text.
var ErrBinaryData = errors.New("8-bit binary data is not text")

// AlphabetOf maps an SMPP data_coding value to its alphabet. It knows the
// SMPP 3.4 codes 0x00-0x0F (except the Japanese ones) and the GSM 03.38
// coding groups; anything else is an error naming the code, never a silent
// fall-back to GSM 7-bit.
func AlphabetOf(dataCoding byte) (Alphabet, error) {
	dc := dataCoding
	switch {
	case dc <= 0x0F:
		switch dc {
		case 0x00:
			return AlphabetGSM7, nil
		case 0x01:
			return AlphabetASCII, nil
		case 0x02, 0x04:
			return AlphabetBinary, nil
		case 0x03:
			return AlphabetLatin1, nil
		case 0x06:
			return AlphabetCyrillic, nil
		case 0x07:
			return AlphabetHebrew, nil
		case 0x08:
			return AlphabetUCS2, nil
		case 0x0E:
			return AlphabetKSC5601, nil
		case 0x0F:
			return AlphabetGBK, nil
		}
	case dc <= 0x1F, dc >= 0x40 && dc <= 0x5F:
		// General data coding group, uncompressed (bit 5 clear). 0x4x/0x5x
		// are the "marked for automatic deletion" variants with the same bits.
		switch dc & 0x0C {
		case 0x00:
			return AlphabetGSM7, nil
		case 0x04:
			return AlphabetBinary, nil
		case 0x08:
			return AlphabetUCS2, nil
		}
	case dc >= 0xC0 && dc <= 0xDF:
		// Message waiting indication, discard or store: default alphabet.
		return AlphabetGSM7, nil
	case dc >= 0xE0 && dc <= 0xEF:
		// Message waiting indication, store, UCS2.
		return AlphabetUCS2, nil
	case dc >= 0xF0:
		// Data coding / message class group: bit 2 selects 8-bit data.
		if dc&0x04 != 0 {
			return AlphabetBinary, nil
		}
		return AlphabetGSM7, nil
	}
	return 0, fmt.Errorf("%w 0x%02X", ErrUnknownDataCoding, dataCoding)
}

// Decode turns the body bytes of a message into text according to its
// data_coding. Bytes that are invalid in a known alphabet become U+FFFD and
// set lossy instead of failing; an odd trailing byte of UCS2 is decoded the
// same way. Errors are reserved for unknown codings (ErrUnknownDataCoding)
// and binary data (ErrBinaryData).
func Decode(dataCoding byte, b []byte) (text string, lossy bool, err error) {
	a, err := AlphabetOf(dataCoding)
	if err != nil {
		return "", false, err
	}
	return DecodeAlphabet(a, b)
}

// DecodeAlphabet is Decode for an alphabet already known.
func DecodeAlphabet(a Alphabet, b []byte) (text string, lossy bool, err error) {
	switch a {
	case AlphabetGSM7:
		text, lossy = decodeGSM7(b)
	case AlphabetASCII:
		text, lossy = decodeASCII(b)
	case AlphabetLatin1:
		// Every byte is a code point; nothing can be invalid.
		var sb strings.Builder
		for _, c := range b {
			sb.WriteRune(rune(c))
		}
		text = sb.String()
	case AlphabetCyrillic:
		text, lossy = decodeX(charmap.ISO8859_5, b)
	case AlphabetHebrew:
		text, lossy = decodeX(charmap.ISO8859_8, b)
	case AlphabetUCS2:
		text, lossy = decodeUCS2(b)
	case AlphabetKSC5601:
		text, lossy = decodeX(korean.EUCKR, b)
	case AlphabetGBK:
		text, lossy = decodeX(simplifiedchinese.GBK, b)
	case AlphabetBinary:
		return "", false, ErrBinaryData
	default:
		return "", false, fmt.Errorf("decode: %w (alphabet %v)", ErrUnknownDataCoding, a)
	}
	return text, lossy, nil
}

// decodeX runs an x/text decoder, which already replaces invalid sequences
// with U+FFFD; none of these charsets can encode U+FFFD itself, so its
// presence means something was replaced.
func decodeX(enc encoding.Encoding, b []byte) (string, bool) {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		// Not expected from these decoders; fall back to a visible marker.
		return strings.Repeat("\uFFFD", len(b)), len(b) > 0
	}
	s := string(out)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s, strings.ContainsRune(s, utf8.RuneError)
}

func decodeASCII(b []byte) (string, bool) {
	var sb strings.Builder
	lossy := false
	for _, c := range b {
		if c >= 0x80 {
			sb.WriteRune(utf8.RuneError)
			lossy = true
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String(), lossy
}

// decodeUCS2 decodes big-endian UTF-16. Lone surrogates and an odd trailing
// byte become U+FFFD.
func decodeUCS2(b []byte) (string, bool) {
	var sb strings.Builder
	lossy := false
	n := len(b) / 2
	for i := 0; i < n; i++ {
		u := rune(b[2*i])<<8 | rune(b[2*i+1])
		switch {
		case utf16.IsSurrogate(u) && u < 0xDC00 && i+1 < n:
			u2 := rune(b[2*i+2])<<8 | rune(b[2*i+3])
			if r := utf16.DecodeRune(u, u2); r != utf8.RuneError {
				sb.WriteRune(r)
				i++
				continue
			}
			sb.WriteRune(utf8.RuneError)
			lossy = true
		case utf16.IsSurrogate(u):
			sb.WriteRune(utf8.RuneError)
			lossy = true
		default:
			sb.WriteRune(u)
		}
	}
	if len(b)%2 == 1 {
		sb.WriteRune(utf8.RuneError)
		lossy = true
	}
	return sb.String(), lossy
}

// UTF16Len is the number of UTF-16 code units s needs: characters outside
// the BMP (emoji, CJK extension B and later) count 2. Invalid UTF-8 bytes
// count 1 each, as they are sent as U+FFFD. It is the one measure of an
// SMS's length in the code base: the gateway cuts parts by it, and
// internal/outbound fits every text to it.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r) // -1 never: range yields U+FFFD for invalid bytes
	}
	return n
}

// encodeUCS2 encodes s as big-endian UTF-16.
func encodeUCS2(dst []byte, s string) []byte {
	for _, r := range s {
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			dst = append(dst, byte(hi>>8), byte(hi), byte(lo>>8), byte(lo))
			continue
		}
		dst = append(dst, byte(r>>8), byte(r))
	}
	return dst
}

// gsm7Basic is the GSM 03.38 default alphabet indexed by septet.
// 0x1B is the escape to the extension table and never a character.
var gsm7Basic = [128]rune{
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 0x1B, 'Æ', 'æ', 'ß', 'É',
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
}

// gsm7Ext is the GSM 03.38 extension table: septet after 0x1B → character.
var gsm7Ext = map[byte]rune{
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€',
}

const gsm7Escape = 0x1B

// gsm7Encode maps characters to septets: one for the basic table, escape +
// septet for the extension table.
var gsm7Encode = func() map[rune][]byte {
	m := make(map[rune][]byte, 140)
	for i, r := range gsm7Basic {
		if i != gsm7Escape {
			m[r] = []byte{byte(i)}
		}
	}
	for c, r := range gsm7Ext {
		m[r] = []byte{gsm7Escape, c}
	}
	return m
}()

// IsGSM7 reports whether every character of s is in the GSM 03.38 default
// alphabet or its extension table, so s can be sent with data_coding 0x00.
func IsGSM7(s string) bool {
	_, ok := GSM7Len(s)
	return ok
}

// GSM7Len is the number of septets s needs in GSM 7-bit (extension-table
// characters count 2); ok is false if s has a character outside GSM 03.38.
func GSM7Len(s string) (septets int, ok bool) {
	for _, r := range s {
		// Invalid UTF-8 arrives as U+FFFD, which is not in the table.
		b, found := gsm7Encode[r]
		if !found {
			return 0, false
		}
		septets += len(b)
	}
	return septets, true
}

// decodeGSM7 decodes unpacked septets. An escape before a septet the
// extension table does not define shows the basic character, as
// 3GPP TS 23.038 asks; octets above 0x7F and a dangling escape become U+FFFD.
func decodeGSM7(b []byte) (string, bool) {
	var sb strings.Builder
	lossy := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= 0x80 {
			sb.WriteRune(utf8.RuneError)
			lossy = true
			continue
		}
		if c != gsm7Escape {
			sb.WriteRune(gsm7Basic[c])
			continue
		}
		if i+1 >= len(b) || b[i+1] >= 0x80 || b[i+1] == gsm7Escape {
			sb.WriteRune(utf8.RuneError)
			lossy = true
			continue
		}
		i++
		if r, ok := gsm7Ext[b[i]]; ok {
			sb.WriteRune(r)
		} else {
			sb.WriteRune(gsm7Basic[b[i]])
			lossy = true
		}
	}
	return sb.String(), lossy
}

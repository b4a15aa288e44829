package grammar

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"

	"huamu/matching"
)

// maxRunes caps how much of a text is looked at: two concatenated SMS are
// 134 characters, so anything far past that is not a listing anyone typed.
const maxRunes = 1000

var (
	t2sOnce  sync.Once
	t2sTable t2sMap
)

// t2sMap maps a traditional CJK unified ideograph (U+4E00…U+9FFF) to its
// simplified form; 0 means the character stays. A slice, not a map: it is
// read for every character of every text.
type t2sMap []rune

func (m t2sMap) fold(r rune) rune {
	if r >= 0x4E00 && r <= 0x9FFF && len(m) > 0 {
		if t := m[r-0x4E00]; t != 0 {
			return t
		}
	}
	return r
}

// traditionalTable maps each traditional character to its simplified form.
// It is built once per process from OpenCC's character dictionary by
// converting every CJK unified ideograph on its own.
func traditionalTable() t2sMap {
	t2sOnce.Do(func() {
		t2sTable = make(t2sMap, 0x9FFF-0x4E00+1)
		cc, err := opencc.New("t2s")
		if err != nil {
			return
		}
		var b strings.Builder
		var src []rune
		for r := rune(0x4E00); r <= 0x9FFF; r++ {
			b.WriteRune(r)
			b.WriteByte('\n')
			src = append(src, r)
		}
		out, err := cc.Convert(b.String())
		if err != nil {
			return
		}
		lines := strings.Split(out, "\n")
		for i, r := range src {
			if i >= len(lines) {
				break
			}
			if s := lines[i]; utf8.RuneCountInString(s) == 1 {
				// keep common characters: 檵 must not become the rare 𪲛
				if t, _ := utf8.DecodeRuneInString(s); t != r && t >= 0x4E00 && t <= 0x9FFF {
					t2sTable[r-0x4E00] = t
				}
			}
		}
	})
	return t2sTable
}

// punct maps punctuation and symbols to the few ASCII forms the lexer knows.
// Full-width forms are not listed: matching.NarrowRune has made them ASCII
// before the lookup.
var punct = map[rune]string{
	'、': ",", '。': ",", ';': ",", '!': ",",
	'【': "[", '】': "]", '〔': "[", '〕': "]", '《': "[", '》': "]",
	'“': "\"", '”': "\"", '‘': "'", '’': "'", '〜': "~",
	'—': "-", '–': "-", '‐': "-", '−': "-", '─': "-",
	'·': " ", '•': " ", '…': " ", '×': "*",
	'㎡': "平方米", '㎝': "cm", '㎜': "mm", '㎏': "kg", '㎞': "km", '℃': " ",
	'Φ': "φ", 'Ø': "φ", 'ø': "φ", 'Ф': "φ", 'ф': "φ", '∅': "φ",
	'〇': "零", '\t': " ", '\n': ",", '\r': ",",
}

// normalize folds a raw SMS into the form the lexer reads: half-width ASCII,
// lower-case Latin, simplified characters, ASCII punctuation, no emoji or
// control characters, single spaces, at most maxRunes runes.
func normalize(s string, t2s t2sMap) string {
	var b strings.Builder
	b.Grow(len(s))
	n, space := 0, true
	for _, r := range s {
		if n >= maxRunes {
			break
		}
		r = matching.NarrowRune(r)
		if r >= 0x4E00 && r <= 0x9FFF { // the common case: a CJK ideograph
			space = writeFolded(&b, t2s.fold(r), space)
			n++
			continue
		}
		if r >= 0x2460 && r <= 0x2473 { // ①..⑳ item markers
			r = ','
		}
		if p, ok := punct[r]; ok {
			for _, q := range p {
				space = writeFolded(&b, q, space)
			}
			n++
			continue
		}
		switch {
		case r == utf8.RuneError, r == 0xFE0F, r == 0x200B, r == 0x200C, r == 0x200D, r == 0xFEFF:
			continue
		case unicode.IsControl(r):
			continue
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case unicode.Is(unicode.Han, r):
			r = t2s.fold(r)
		case r < 0x80:
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		default: // emoji, pictographs, box drawing and other symbols
			r = ' '
		}
		space = writeFolded(&b, r, space)
		n++
	}
	return strings.TrimRight(b.String(), " ")
}

func writeFolded(b *strings.Builder, r rune, space bool) bool {
	if r == ' ' {
		if space {
			return true
		}
		b.WriteByte(' ')
		return true
	}
	b.WriteRune(r)
	return false
}

func isHan(r rune) bool {
	return r >= 0x3400 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0x20000 && r <= 0x2FA1F
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isLatin(r rune) bool { return r >= 'a' && r <= 'z' }

package grammar

import (
	"math"
	"strconv"
)

// MaxNumber bounds every number the grammar reads. Up to it a number is
// exact (float64 holds every integer below 2^53, and two decimals of every
// amount below it); a larger one (a 15-digit figure, 九千亿亿, 99999万亿)
// is read as MaxNumber itself, so that the exchange can still tell a
// quantity or price that is too big from a plausible one, and no value ever
// overflows an int64 or depends on how the processor converts floats out of
// range. No count, size or price in the trade comes near it: the exchange
// sets its own, much lower, bounds.
const MaxNumber = 1e12

// saturate caps a number read from the text at MaxNumber.
func saturate(v float64) float64 {
	if v > MaxNumber || v != v { // v != v: NaN
		return MaxNumber
	}
	return v
}

// numTok is a number as written: a value or a range, in arabic or Chinese numerals.
type numTok struct {
	lo, hi  float64
	isRange bool   // 8-10, 五六, 三四百
	approx  bool   // 三四百 is a rough figure
	chinese bool   // written with 汉字 numerals
	digits  string // the digits as written, for a plain arabic integer (ids, phone parts)
	mult    bool   // scaled by 万/千/百 (1.5万): a quantity or an amount, never a spec
	open    bool   // 上千: that many or more
}

func (n numTok) isInt() bool { return n.lo == math.Trunc(n.lo) && n.hi == math.Trunc(n.hi) }

var cnDigit = map[rune]int{
	'零': 0, '〇': 0, '一': 1, '壹': 1, '幺': 1, '二': 2, '贰': 2, '两': 2, '俩': 2, '三': 3, '叁': 3,
	'四': 4, '肆': 4, '五': 5, '伍': 5, '六': 6, '陆': 6, '七': 7, '柒': 7, '八': 8, '捌': 8, '九': 9, '玖': 9,
}

var cnUnit = map[rune]float64{'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000}

var cnBig = map[rune]float64{'万': 1e4, '萬': 1e4, '亿': 1e8, 'w': 1e4, 'k': 1e3}

// classifiers may follow "一百一" as "one each": 一百一个 is 100 a piece.
var classifiers = map[rune]bool{'个': true, '棵': true, '株': true, '颗': true, '盆': true, '丛': true,
	'根': true, '袋': true, '杯': true, '只': true, '窝': true, '蓬': true, '斤': true, '车': true, '平': true, '方': true, '米': true}

func isNumStart(r rune) bool {
	if isDigit(r) {
		return true
	}
	_, d := cnDigit[r]
	return d || r == '十' || r == '拾'
}

// scanNumber reads the number starting at rs[i]. It returns the number and
// the runes consumed, 0 if none starts here.
func scanNumber(rs []rune, i int) (numTok, int) {
	var n numTok
	var k int
	if isDigit(rs[i]) {
		n, k = scanArabic(rs, i)
	} else {
		n, k = scanChinese(rs, i)
	}
	if k == 0 {
		return n, 0
	}
	// A range written with a dash or 到/至 between two numbers: 8-10, 8到10, 五到六.
	j := i + k
	if j+1 < len(rs) && (rs[j] == '-' || rs[j] == '~' || rs[j] == '到' || rs[j] == '至') && isNumStart(rs[j+1]) {
		m, k2 := scanNumber(rs, j+1)
		if k2 > 0 && !m.isRange && m.hi > n.hi {
			if m.mult && !n.mult && n.hi < 10 && m.hi >= 1000 { // 1-2万 is 1万-2万
				f := m.hi / math.Pow(10, math.Floor(math.Log10(m.hi)))
				if f == math.Trunc(f) {
					n.lo *= m.hi / f
				}
			}
			n.hi, n.isRange, n.digits = m.hi, true, ""
			n.mult = n.mult || m.mult
			k = j + 1 + k2 - i
		}
	}
	n.lo, n.hi = saturate(n.lo), saturate(n.hi)
	return n, k
}

func scanArabic(rs []rune, i int) (numTok, int) {
	j := i
	for j < len(rs) && isDigit(rs[j]) {
		j++
	}
	if j-i > 15 {
		return numTok{lo: MaxNumber, hi: MaxNumber, digits: string(rs[i:j])}, j - i
	}
	intPart := string(rs[i:j])
	s := intPart
	if j+1 < len(rs) && (rs[j] == '.' || rs[j] == '点') && isDigit(rs[j+1]) {
		k := j + 1
		for k < len(rs) && isDigit(rs[k]) {
			k++
		}
		s += "." + string(rs[j+1:k])
		j = k
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return numTok{}, 0
	}
	n := numTok{lo: v, hi: v}
	if s == intPart {
		n.digits = intPart
	}
	// 1.5万, 3千, 2万5, 3w
	if j < len(rs) {
		if m, ok := cnBig[rs[j]]; ok && !(isLatin(rs[j]) && j+1 < len(rs) && isLatin(rs[j+1])) {
			v *= m
			j++
			// 1万5千, 2万3千5百
			for j+1 < len(rs) && isDigit(rs[j]) && cnUnit[rs[j+1]] > 0 && cnUnit[rs[j+1]] < m {
				v += float64(rs[j]-'0') * cnUnit[rs[j+1]]
				j += 2
			}
			v += abbreviatedTail(rs, &j, m)
			n = numTok{lo: v, hi: v, mult: true}
		} else if m, ok := cnUnit[rs[j]]; ok && m >= 100 {
			v *= m
			j++
			v += abbreviatedTail(rs, &j, m)
			n = numTok{lo: v, hi: v, mult: true}
		}
	}
	return n, j - i
}

// abbreviatedTail reads the lone digit of 2万5 or 1千2 (5000, 200), unless it
// is the "one" of a price per piece.
func abbreviatedTail(rs []rune, j *int, unit float64) float64 {
	if *j >= len(rs) {
		return 0
	}
	d, ok := digitAt(rs, *j)
	if !ok {
		return 0
	}
	if k := *j + 1; k < len(rs) {
		// 2万5千 and 2万56 are not abbreviations; 2万5一起走 and 1百8一棵 are
		_, cnD := cnDigit[rs[k]]
		unitAfter := k+1 < len(rs) && (cnUnit[rs[k+1]] > 0 || cnBig[rs[k+1]] > 0 && !isLatin(rs[k+1]))
		if isDigit(rs[k]) || cnUnit[rs[k]] > 0 || cnBig[rs[k]] > 0 && !isLatin(rs[k]) || cnD && unitAfter {
			return 0
		}
	}
	if d == 1 && *j+1 < len(rs) && classifiers[rs[*j+1]] {
		return 0
	}
	*j++
	return float64(d) * unit / 10
}

func digitAt(rs []rune, j int) (int, bool) {
	if isDigit(rs[j]) {
		return int(rs[j] - '0'), true
	}
	d, ok := cnDigit[rs[j]]
	return d, ok && rs[j] != '零'
}

// scanChinese reads 汉字 numerals: 三百, 一千二百, 一万二, 两万五千, 一千零五十,
// 十五, 壹佰, and the ranges 五六, 三四百, 十一二, 七八十.
func scanChinese(rs []rune, i int) (numTok, int) {
	if lo, hi, k := scanCnRange(rs, i); k > 0 {
		return numTok{lo: lo, hi: hi, isRange: true, approx: true, chinese: true}, k
	}
	var total, section float64
	pending := -1   // a digit waiting for its unit
	lastUnit := 1e9 // the last unit within the section
	lastBig := 1e13 // the last 万/亿
	zero := false   // a 零 was written since the last unit
	j := i
	for ; j < len(rs); j++ {
		r := rs[j]
		if d, ok := cnDigit[r]; ok {
			if d == 0 {
				zero = true
				if pending >= 0 {
					break
				}
				continue
			}
			if pending >= 0 {
				break
			}
			// 一百一个: the last 一 is "each", not 110.
			if d == 1 && lastUnit >= 100 && lastUnit < 1e9 && !zero && j+1 < len(rs) && classifiers[rs[j+1]] {
				break
			}
			pending = d
			continue
		}
		if u, ok := cnUnit[r]; ok {
			if u >= lastUnit {
				break
			}
			if pending < 0 {
				if u != 10 || j != i && !zero {
					break
				}
				pending = 1 // 十五
			}
			section += float64(pending) * u
			lastUnit, pending, zero = u, -1, false
			continue
		}
		if b, ok := cnBig[r]; ok && r != 'w' && r != 'k' && j > i {
			if b >= lastBig || (pending < 0 && section == 0) {
				break
			}
			if pending >= 0 {
				section += float64(pending)
			}
			total += section * b
			section, pending, lastUnit, lastBig, zero = 0, -1, b, b, false
			continue
		}
		break
	}
	if j == i {
		return numTok{}, 0
	}
	if pending >= 0 {
		if lastUnit < 1e9 && !zero {
			section += float64(pending) * lastUnit / 10 // 一百二 = 120, 一万二 = 12000
		} else {
			section += float64(pending)
		}
	}
	v := total + section
	// 一点五 = 1.5
	if j+1 < len(rs) && rs[j] == '点' {
		if d, ok := cnDigit[rs[j+1]]; ok {
			v += float64(d) / 10
			j += 2
		}
	}
	if v == 0 && j-i == 1 && rs[i] != '零' {
		return numTok{}, 0
	}
	return numTok{lo: v, hi: v, chinese: true, mult: v >= 1000 && total > 0}, j - i
}

// scanCnRange reads two neighbouring digits used as a range, with an
// optional unit after them: 五六 (5-6), 三四百 (300-400), 十一二 (11-12), 七八十 (70-80).
func scanCnRange(rs []rune, i int) (lo, hi float64, k int) {
	base := 0.0
	j := i
	if rs[j] == '十' && j+2 < len(rs) {
		base, j = 10, j+1
	}
	if j+1 >= len(rs) {
		return 0, 0, 0
	}
	a, ok1 := cnDigit[rs[j]]
	b, ok2 := cnDigit[rs[j+1]]
	if !ok1 || !ok2 || a == 0 || b != a+1 {
		if !(ok1 && ok2 && a == 1 && b == 2 && rs[j+1] == '两') { // 一两百
			return 0, 0, 0
		}
	}
	lo, hi = float64(a), float64(b)
	j += 2
	if base > 0 {
		return base + lo, base + hi, j - i
	}
	if j < len(rs) {
		if u, ok := cnUnit[rs[j]]; ok {
			lo, hi = lo*u, hi*u
			j++
		}
		if j < len(rs) {
			if b, ok := cnBig[rs[j]]; ok && rs[j] != 'w' && rs[j] != 'k' {
				lo, hi = lo*b, hi*b
				j++
			}
		}
	}
	return lo, hi, j - i
}

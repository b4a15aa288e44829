package grammar

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Junk: texts that are neither a listing nor a command, and why.

// isMojibake spots a Chinese text decoded with the wrong charset: GBK read
// as Latin-1 (³öÊÛ×ÏÞ±), UTF-8 read as GBK (鍑哄敭), or lost bytes (�).
func isMojibake(s string) bool {
	var latin1, han, other, bad int
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			bad++
		case r >= 0x80 && r <= 0xFF || strings.ContainsRune("‘’‚“”„†‡•…‰‹›€™ŒœŠšŸŽžƒˆ˜", r):
			latin1++
		case isHan(r):
			han++
		case r > ' ':
			other++
		}
	}
	if bad >= 2 || latin1 >= 3 && han == 0 && latin1*3 >= latin1+other {
		return true
	}
	if han < 3 {
		return false
	}
	// UTF-8 bytes shown as GBK characters: encoding back to GBK yields valid
	// UTF-8 that is itself Chinese.
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil || b == s || !utf8.ValidString(b) {
		return false
	}
	n := 0
	for _, r := range b {
		if isHan(r) {
			n++
		}
	}
	return n >= 2
}

var (
	rePartMarker = regexp.MustCompile(`^\s*[(\[]?\s*[1-9]\s*/\s*[1-9]\s*[)\]]|[(\[]\s*[1-9]\s*/\s*[1-9]\s*[)\]]\s*$`)
	reURL        = regexp.MustCompile(`https?:|www\.|\.(com|cn|net|top|xyz|cc)\b|t\.cn/`)
	reBrand      = regexp.MustCompile(`^\s*\[[^\]]{2,12}\]|\[[^\]]{2,12}\]\s*$`)
	reOTP        = regexp.MustCompile(`(验证码|校验码|动态码|动态密码)\D{0,6}\d{4,8}|\d{4,8}\D{0,6}(验证码|校验码)`)
)

func hasURL(s string) bool {
	if strings.Contains(s, "http") || strings.Contains(s, "www") || strings.Contains(s, "t.cn/") {
		return reURL.MatchString(s)
	}
	// 1.5米 has a dot too: look at what follows each one before the regexp
	for i := strings.IndexByte(s, '.'); i >= 0 && i+2 < len(s); {
		if c := s[i+1]; c >= 'a' && c <= 'z' {
			return reURL.MatchString(s)
		}
		k := strings.IndexByte(s[i+1:], '.')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return false
}

// isPart spots the (1/2) a carrier or handset puts on one part of a long SMS.
func isPart(s string) bool { return strings.Contains(s, "/") && rePartMarker.MatchString(s) }

// spamOrSystem returns spam or system_message for adverts, OTPs and
// carrier notices; "" otherwise. A 回TD退订 ending always means an advert.
func (p *parser) spamOrSystem(norm string, hasListing bool) string {
	s := p.junkScore
	// 【中国移动】您本月话费账单已出 回复TD退订: a carrier's or bank's notice
	// ends with the opt-out words too
	if !hasListing && accountNotice(norm) && strings.Contains(norm, "[") && reBrand.MatchString(norm) && !hasURL(norm) {
		return ReasonSystemMessage
	}
	if s[ReasonSpam] >= 3 {
		return ReasonSpam
	}
	if s[ReasonSystemMessage] >= 3 || strings.HasPrefix(norm, "[花木通]") {
		return ReasonSystemMessage // our own receipt or bulletin, sent back
	}
	if strings.Contains(norm, "码") && reOTP.MatchString(norm) {
		return ReasonSystemMessage
	}
	score := s[ReasonSpam]
	if hasURL(norm) {
		score += 2
	}
	brand := strings.Contains(norm, "[") && reBrand.MatchString(norm)
	if brand {
		score++
	}
	if score >= 4 || score >= 2 && !hasListing {
		// 【建设银行】您的信用卡本期账单: a notice about the reader's own account
		if s[ReasonSystemMessage] >= s[ReasonSpam] && brand && !hasURL(norm) && !hasListing && p.firstSpecies() == "" {
			return ReasonSystemMessage
		}
		return ReasonSpam
	}
	if s[ReasonSystemMessage] >= 1 && !hasListing && p.firstSpecies() == "" {
		if brand || s[ReasonSystemMessage] >= 2 {
			return ReasonSystemMessage
		}
	}
	return ""
}

// junkReason explains a text with no listing and no command.
func (p *parser) junkReason(norm string, sideReason string) string {
	species := p.firstSpecies() != ""
	if isPart(norm) {
		return ReasonFragment
	}
	if species {
		if sideReason == ReasonNoSide && p.valueCount == 0 && p.smallTalk() {
			return ReasonChitchat // 谢谢你们 上次的桂花收到了
		}
		return sideReason
	}
	if goodsQuestion(norm) {
		return ReasonNoSpecies // 上次那批货还在不在: about stock, but which?
	}
	if p.junkScore[ReasonSystemMessage] >= 1 && p.valueCount == 0 {
		return ReasonSystemMessage
	}
	if p.junkScore[ReasonWrongNumber] >= 1 {
		return ReasonWrongNumber
	}
	if p.noSideNoun {
		return ReasonConflictingSide
	}
	for _, h := range p.sides {
		if h.n >= 1 {
			return ReasonNoSpecies
		}
	}
	if p.valueCount > 0 || p.phone != "" || len(p.locs) > 0 && len(p.toks) > 2 {
		return ReasonFragment
	}
	if p.keyMash() || rareHan(p.rs) {
		return ReasonGarbled
	}
	return ReasonChitchat
}

// smallTalk says whether a text with a plant name in it says more than the
// name: three or more Chinese characters outside plant and place words.
func (p *parser) smallTalk() bool {
	n := 0
	for i := range p.toks {
		t := &p.toks[i]
		if t.kind == tkWord && (t.has(rSpecies) || t.has(rVariety) || t.has(rAttr) || t.has(rTown) || t.has(rPlace) || t.has(rVillage)) {
			continue
		}
		for _, r := range t.text {
			if isHan(r) {
				n++
			}
		}
	}
	return n >= 3
}

// accountNotice says whether a text speaks of the reader's own phone or
// bank account (话费, 账单, 余额 …), as carriers' and banks' notices do.
func accountNotice(s string) bool {
	for _, w := range [...]string{"话费", "账单", "余额", "流量", "套餐", "欠费", "缴费", "扣费"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// goodsQuestion says whether a text asks after stock (货, 苗子, 树) without
// naming it: 上次那批货还在不在, 你们那个货还有没有.
//
// The stock may be named as 货, 苗, 树, 批 or only pointed at (昨天问的那个还在不);
// the question may come after it (还有货没得, 苗子卖完没有, 还有货吗).
func goodsQuestion(s string) bool {
	if !strings.ContainsAny(s, "货苗树批") && !strings.Contains(s, "那个") && !strings.Contains(s, "那些") {
		return false
	}
	for _, q := range [...]string{"有没", "在不在", "还在吗", "还有吗", "有吗", "有莫得", "有不有", "还在不", "还有不", "在不", "没得", "完没", "完了吗"} {
		if strings.Contains(s, q) {
			return true
		}
	}
	t := strings.TrimRight(s, " ?!.")
	if strings.Contains(s, "有") {
		for _, q := range [...]string{"吗", "么", "不", "没", "没有"} {
			if strings.HasSuffix(t, q) {
				return true
			}
		}
	}
	return false
}

// rareHan spots mojibake that lost bytes on the way (鍑哄敭绱柍): mostly
// characters outside the 3755 common ones of GB2312 level 1.
func rareHan(rs []rune) bool {
	han, rare := 0, 0
	enc := simplifiedchinese.GBK.NewEncoder()
	for _, r := range rs {
		if !isHan(r) {
			continue
		}
		han++
		b, err := enc.Bytes([]byte(string(r)))
		if err != nil || len(b) != 2 || b[0] < 0xB0 || b[0] > 0xD7 {
			rare++
		}
	}
	return han >= 4 && rare*10 >= han*6
}

// keyMash spots keyboard noise: Latin letters that are neither pinyin nor
// a known word, with no Chinese around them.
func (p *parser) keyMash() bool {
	letters, han := 0, 0
	for _, t := range p.toks {
		switch t.kind {
		case tkLatin:
			if _, ok := segmentPinyin(t.text); !ok {
				letters += len(t.text)
			}
		case tkWord, tkOther:
			for _, r := range t.text {
				if isHan(r) {
					han++
				}
			}
		}
	}
	return letters >= 4 && han == 0
}

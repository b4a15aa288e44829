package grammar

import (
	"slices"
	"strings"
)

// Places: 温江 towns by today's official name, their villages, and places
// outside 温江 from the lexicon. A run of place words next to each other
// (成都新都, 万春镇幸福村, 郫县友爱) is one location.

type locHit struct {
	r        role
	tok      int
	start    int // rune offsets of the words, with an unknown 村 after a town
	end      int
	village  string
	town     string // an unknown town after a district outside 温江 (大邑安仁镇)
	delivery bool   // after 送, 送到, 运: where the goods should go
}

// Where the stock is now beats where it came from (苗子是浙江调的 目前放在
// 寿安苗圃 is 寿安镇): a place right after 从, 原来, 以前 or right before 调,
// 运来, 过来 is an origin; one right after 在, 目前, 位于, 地址, 移到 is where
// the stock is now.
var (
	originBefore  = [...]string{"原来", "原先", "原本", "以前", "之前", "来自", "老家"}
	originAfter   = [...]string{"调", "运来", "拉来", "过来", "来的", "进的", "引进"}
	currentBefore = [...]string{"在", "位于", "地址", "移到", "放到", "搬到"}
)

// placeRole reads the words around a run of place words from rune start to end.
func (p *parser) placeRole(start, end int) (origin, current bool) {
	before := string(p.rs[max(0, start-4):start])
	if k := strings.LastIndexAny(before, ",.:;!?"); k >= 0 {
		before = before[k+1:]
	}
	after := string(p.rs[end:min(len(p.rs), end+3)])
	origin = strings.HasSuffix(strings.TrimRight(before, " "), "从") // 从湖南调来, not 价格从优
	for _, w := range originBefore {
		origin = origin || strings.Contains(before, w)
	}
	for _, w := range originAfter {
		origin = origin || strings.HasPrefix(after, w)
	}
	for _, w := range currentBefore {
		current = current || strings.Contains(before, w)
	}
	return origin, current && !origin
}

// location records a place word. The numerals of an unknown village or
// town written right after it (二郎村, 三江镇) are part of the name, not values.
func (p *parser) location(i int, r role) {
	t := &p.toks[i]
	for _, h := range p.locs {
		if h.tok == i {
			return // one hit per token even when a word has several place roles
		}
	}
	h := locHit{r: r, tok: i, start: t.start, end: t.end}
	if r.kind == rPlace {
		n := p.pickPlace(i)
		if n < 0 {
			return
		}
		h.r.n = n
		if c, end := p.cityThenCounty(i, n); c >= 0 {
			h.r.n, h.end = c, end // 乐山市中: 市中区 of 乐山
		}
	}
	switch {
	case r.kind == rTown:
		h.village, h.end = p.villageAfter(t.end, h.end)
		if h.village == "" {
			h.village, h.end = p.villageStemAfter(r.val, t.end, h.end)
			for k := i + 1; h.village != "" && k < len(p.toks) && p.toks[k].end <= h.end; k++ {
				p.toks[k].kind, p.toks[k].roles = tkOther, nil // 石牛 is not 石榴
			}
		}
	case r.kind == rPlace && p.g.places[h.r.n].District != "" && p.g.places[h.r.n].Town == "":
		h.town, h.end = p.townAfter(h.end, h.end)
	}
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		// 送到, 运往, 发: where the goods go; 发货地 is where they leave from;
		// a price term (含运费, 送到价) is no verb of sending
		if p.toks[k].has(rPriceWord) {
			continue
		}
		if strings.ContainsAny(p.toks[k].text, "送运往") || p.toks[k].text == "发" && p.tok(k+1).text != "货" {
			h.delivery = true
		}
	}
	p.locs = append(p.locs, h)
	for k := i + 1; k < len(p.toks) && p.toks[k].start < h.end; k++ {
		if p.toks[k].kind == tkNum || p.toks[k].has(rPlace) {
			p.toks[k].kind = tkOther // 二郎村, 三江镇, 乐山市中: part of the name
		}
	}
}

// townAfter reads an unknown town written right after a district outside
// 温江: 大邑县安仁镇, 崇州市三江镇. It returns the town and the new end.
func (p *parser) townAfter(from, end int) (string, int) {
	rs := p.rs
	_, roles := p.g.dict.longest(rs, from)
	for _, r := range roles {
		if r.kind == rPlace && p.g.places[r.n].Town != "" {
			return "", end // a town the lexicon knows (郫都区安德镇 is 安德街道)
		}
	}
	for j := from + 1; j < len(rs) && j < from+5 && isHan(rs[j]); j++ {
		if rs[j] == '镇' || rs[j] == '乡' {
			return string(rs[from : j+1]), j + 1
		}
	}
	return "", end
}

func hasAdminSuffix(s string) bool {
	return strings.HasSuffix(s, "镇") || strings.HasSuffix(s, "街道") || strings.HasSuffix(s, "区") || strings.HasSuffix(s, "县")
}

// villageAfter reads an unknown village written right after a town:
// 和盛镇石牛村, 万春镇新民村3组. It returns the village and the new end.
//
// One space may stand between them (注册 周杰 涌泉街道 清平村): a word ending
// in 村 or 社区 right after a town is its village however it is typed.
func (p *parser) villageAfter(from, end int) (string, int) {
	rs := p.rs
	if from+1 < len(rs) && rs[from] == ' ' && isHan(rs[from+1]) {
		from++
	}
	j := from
	for j < len(rs) && j < from+6 && isHan(rs[j]) {
		if rs[j] == '村' && j > from {
			return string(rs[from : j+1]), j + 1
		}
		if rs[j] == '社' && j+1 < len(rs) && rs[j+1] == '区' && j > from {
			return string(rs[from : j+2]), j + 2
		}
		j++
	}
	return "", end
}

// villageStemAfter reads a known village of the town written right after
// it without its 村/社区: 寿安镇百花, 和盛镇石牛3组. It returns the bare stem
// (the scorer compares stems) and the new end.
//
// As with villageAfter, one space may stand between them (和盛 石牛).
func (p *parser) villageStemAfter(town string, from, end int) (string, int) {
	rs := p.rs
	if from+1 < len(rs) && rs[from] == ' ' && isHan(rs[from+1]) {
		from++
	}
	for k := 4; k >= 2; k-- {
		e := from + k
		if e > len(rs) || e < len(rs) && isHan(rs[e]) && rs[e] != '组' {
			continue
		}
		stem := string(rs[from:e])
		for _, suf := range [...]string{"村", "社区"} {
			if slices.Contains(p.g.villages[stem+suf], town) {
				return stem, e
			}
		}
	}
	return "", end
}

// buildLocation turns the place words into one location, preferring where
// the goods are for supply and where they should go for demand.
func (p *parser) buildLocation(side string) *Location {
	if len(p.locs) == 0 {
		return nil
	}
	// group hits written next to each other from big to small (成都新都,
	// 万春镇幸福村); two towns are two places
	var groups [][]locHit
	for k, h := range p.locs {
		if k > 0 {
			last := groups[len(groups)-1]
			prev := last[len(last)-1]
			gap := h.start - prev.end
			if (gap <= 0 || gap == 1 && p.rs[prev.end] == ' ') && !(h.r.kind == rTown && prev.r.kind == rTown) {
				groups[len(groups)-1] = append(last, h)
				continue
			}
		}
		groups = append(groups, []locHit{h})
	}
	// supply: where the stock is now, never where it goes or came from;
	// demand: where it should go, else where the buyer is
	var pick, current, other []locHit
	for _, g := range groups {
		origin, now := p.placeRole(g[0].start, g[len(g)-1].end)
		switch {
		case origin:
		case g[0].delivery:
			if side == SideDemand && pick == nil {
				pick = g
			}
		case now && current == nil:
			current = g
		case other == nil:
			other = g
		}
	}
	if pick == nil {
		pick = current
	}
	if pick == nil {
		pick = other
	}
	if pick == nil {
		return nil
	}
	loc := &Location{}
	for _, h := range pick {
		p.applyHit(loc, h)
	}
	loc.Raw = string(p.rs[pick[0].start:pick[len(pick)-1].end])
	return loc
}

func (p *parser) applyHit(loc *Location, h locHit) {
	wenjiang := func() {
		loc.City, loc.District = ptr("成都市"), ptr("温江区")
	}
	switch h.r.kind {
	case rTown:
		wenjiang()
		loc.Town = ptr(h.r.val)
		if h.village != "" {
			if p.g.villages[h.village] == nil {
				loc.Village = ptr(h.village)
			}
		}
	case rVillage:
		towns := p.g.villages[h.r.val]
		if loc.Town == nil {
			wenjiang()
			if len(towns) == 1 {
				loc.Town = ptr(towns[0])
			}
		}
		loc.Village = ptr(h.r.val)
	case rPlace:
		pl := p.g.places[h.r.n]
		if loc.Town != nil && loc.District != nil && *loc.District == "温江区" {
			return // 温江和盛: the town already says it
		}
		if pl.City != "" {
			loc.City = ptr(pl.City) // a province alone (云南) names no city
		}
		if pl.District != "" {
			loc.District = ptr(pl.District)
		} else if loc.District != nil && pl.City != "" {
			loc.District = nil
		}
		if pl.Town != "" {
			loc.Town = ptr(pl.Town)
		} else if h.town != "" {
			loc.Town = ptr(h.town)
		}
	}
}

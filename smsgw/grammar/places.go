package grammar

import (
	"strings"
	"unicode/utf8"

	"huamu/smsgw/grammar/divisions"
)

// Places outside 温江 come from the table of China's provinces, cities and
// county-level divisions (package divisions). Every official name is a
// place word (乐山市, 市中区, 凉山彝族自治州); the short form people write
// (乐山, 凉山, 仁寿) is one too where it cannot be mistaken:
//
//   - provinces and cities by their short form, unless it is a common word
//     (来宾, 白银, 大同);
//   - counties of 四川 and 重庆, the exchange's own region, by their short
//     form, unless it is a common word (南部, 安居) or a 温江 village;
//   - other counties by a short form of three characters or more
//     (九寨沟); a two-character one only right after its city or
//     province (杭州萧山, 浙江萧山), since most of them are also words;
//   - the towns of 成都 outside 温江 by their official name (德源街道,
//     黄水镇, 德源镇 for a former town), their short name only right after
//     their district (郫都区德源); see addTown.
//
// A name the lexicon already knows (a town, a village, a plant, a grammar
// word, a hand-written place alias) keeps its meaning. When a name is
// shared (市中区 is in 乐山 and 内江), the one inside the place named just
// before wins; without one a Sichuan or Chongqing place, then the city over
// its own district; a name still in doubt names no place (pickPlace).
// Division words are not indexed for pinyin input: too many of them sound
// like everyday words.

// placeStop are short forms that are everyday words first.
var placeStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`来宾 白银 中山 长治 安康 大同 朝阳 海口 海北 海东 玉树 普洱 三沙 兴安 山南 德宏
		南部 安居 大英 朝天 城口 石柱 白玉 大安 名山 江北 南岸 长寿 东兴 天全 乐至 金川 新龙 宝兴 四川`) {
		placeStop[w] = true
	}
}

// ownRegion are the provinces whose counties are written by a two-character short form alone.
var ownRegion = map[string]bool{"四川省": true, "重庆市": true}

// functionalZone says whether a county-level row is an economic or
// administrative zone rather than a place people name (开发区, 管委会).
func functionalZone(name string) bool {
	for _, w := range [...]string{"开发区", "示范区", "管理区", "工业园", "产业园", "实验区", "群岛", "委员会", "管委会", "海域"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// addDivisions registers the division table after everything else, so
// that the lexicon's own words and places keep their meaning.
func (g *Grammar) addDivisions() {
	own := map[string]bool{} // words registered here (a name may be shared)
	villageStems := map[string]bool{}
	for v := range g.villages {
		villageStems[villageStem(v)] = true
	}
	add := func(w string, idx int) {
		w = normalize(w, g.t2s)
		if w == "" || !own[w] && g.dict.lookup(w) != nil || villageStems[w] {
			return
		}
		own[w] = true
		g.dict.add(w, role{kind: rPlace, n: idx})
	}
	for _, d := range divisions.All() {
		if d.Level == divisions.County && functionalZone(d.Name) {
			continue
		}
		if d.Level == divisions.Town {
			g.addTown(d, own, villageStems, add)
			continue
		}
		pl := PlaceData{Names: []string{d.Name}, City: d.City, Province: d.Province, division: d.Level}
		if d.Level == divisions.County && d.City != d.Name {
			pl.District = d.Name
		}
		short := divisions.Short(d.Name)
		idx := len(g.places)
		if short != "" {
			pl.Names = append(pl.Names, short)
			n := utf8.RuneCountInString(short)
			switch {
			case d.Level == divisions.County && (placeStop[short] || !ownRegion[d.Province] && n < 3):
				pl.Within = d.City // 萧山 only after 杭州 or 浙江
			case d.Level == divisions.City && placeStop[short]:
				pl.Within = d.Province // 白银 only after 甘肃
			case d.Level == divisions.Province && placeStop[short]:
				pl.Names = pl.Names[:1]
			}
			if d.Level == divisions.City && strings.HasSuffix(d.Name, "自治州") {
				pl.Names = append(pl.Names, short+"州") // 凉山州
			}
		}
		g.places = append(g.places, pl)
		for _, w := range pl.Names {
			add(w, idx)
			// pinyin input (chengdu, leshan) for the region's places and every
			// city, after every other word has claimed its spelling
			if pl.Within == "" && (d.Level != divisions.County || ownRegion[d.Province]) && own[w] {
				g.addPinyinLast(w)
			}
		}
	}
}

// addPinyinLast indexes a word's spellings that no other word has claimed.
func (g *Grammar) addPinyinLast(w string) {
	if utf8.RuneCountInString(w) < 2 {
		return
	}
	for _, seq := range readingsOf(w, 4) {
		k := strings.Join(seq, " ")
		if _, ok := g.pinyin[k]; !ok {
			g.pinyin[k] = w
			g.pyMax = max(g.pyMax, len(seq))
		}
	}
}

// addTown registers a town of 成都 outside 温江: its official name alone
// (德源街道, 黄水镇, and 德源镇 for a former town now a 街道), its short
// name only right after its district (郫都区德源). A town whose short name
// means something else here (寿安街道 of 蒲江, 银杏街道, 桂花镇, a 温江
// village) is left out: a grower writing it means the other thing.
func (g *Grammar) addTown(d divisions.Division, own, villageStems map[string]bool, add func(string, int)) {
	if d.County == "温江区" {
		return // 温江's towns come from the lexicon
	}
	short := divisions.Short(d.Name)
	if short == "" || villageStems[short] || !own[short] && g.dict.lookup(normalize(short, g.t2s)) != nil {
		return
	}
	idx := len(g.places)
	full := PlaceData{Names: []string{d.Name}, City: d.City, District: d.County, Town: d.Name, Province: d.Province, division: d.Level}
	if strings.HasSuffix(d.Name, "街道") && !strings.HasSuffix(short, "镇") {
		full.Names = append(full.Names, short+"镇")
	}
	g.places = append(g.places, full)
	for _, w := range full.Names {
		add(w, idx)
	}
	stem := full
	stem.Names, stem.Within = []string{short}, d.County
	g.places = append(g.places, stem)
	add(short, idx+1)
}

// placeFits says whether place pl may be meant at token i: a place with
// Within only right after a name of that place, unless written with its
// administrative word.
func (p *parser) placeFits(i int, pl PlaceData) bool {
	return pl.Within == "" || hasAdminSuffix(p.toks[i].text) || p.afterPlace(i, pl)
}

// pickPlace chooses which place a place word at token i names, or -1.
func (p *parser) pickPlace(i int) int {
	var cands []int
	for _, r := range p.toks[i].roles {
		if r.kind == rPlace && p.placeFits(i, p.g.places[r.n]) {
			cands = append(cands, r.n)
		}
	}
	if len(cands) <= 1 {
		if len(cands) == 1 {
			return cands[0]
		}
		return -1
	}
	// inside the place named just before (乐山 市中区, 重庆 江北)
	for _, c := range cands {
		if p.afterPlace(i, p.g.places[c]) {
			return c
		}
	}
	// the lexicon's own places, then the exchange's region
	var own []int
	for _, c := range cands {
		pl := p.g.places[c]
		if pl.division == 0 || ownRegion[pl.Province] {
			own = append(own, c)
		}
	}
	if len(own) > 0 {
		cands = own
	}
	// one city with its own district of the same name (广安市, 广安区): the city
	first := p.g.places[cands[0]]
	for _, c := range cands[1:] {
		if p.g.places[c].City != first.City {
			return -1
		}
	}
	for _, c := range cands {
		if p.g.places[c].District == "" {
			return c
		}
	}
	return cands[0]
}

// afterPlace says whether the place word before token i names a place that
// contains pl: its city or its province.
func (p *parser) afterPlace(i int, pl PlaceData) bool {
	j := p.prev(i)
	if j < 0 {
		return false
	}
	for _, r := range p.toks[j].roles {
		if r.kind != rPlace {
			continue
		}
		q := p.g.places[r.n]
		switch {
		case pl.Within != "" && (q.Names[0] == pl.Within || q.District == pl.Within || q.City == pl.Within && q.District == ""):
			return true
		case q.District == "" && q.Town == "" && q.City != "" && q.City == pl.City && q.Names[0] != pl.Names[0]:
			return true // 乐山 市中区
		case q.division == divisions.Province && q.Province == pl.Province && pl.Province != "" && q.Names[0] != pl.Names[0]:
			return true // 浙江 萧山
		}
	}
	return false
}

// cityThenCounty reads 乐山市中 as 乐山市 市中区: a city word ending in 市
// whose 市 starts a county of that city. It returns the county's place and
// the rune offset where its name ends, or -1.
func (p *parser) cityThenCounty(i, city int) (int, int) {
	t := &p.toks[i]
	if !strings.HasSuffix(t.text, "市") || p.g.places[city].division != divisions.City {
		return -1, 0
	}
	from := t.end - 1
	n, roles := p.g.dict.longest(p.rs, from)
	if n < 2 {
		return -1, 0
	}
	for _, r := range roles {
		if r.kind == rPlace && p.g.places[r.n].City == p.g.places[city].City && p.g.places[r.n].District != "" {
			return r.n, from + n
		}
	}
	return -1, 0
}

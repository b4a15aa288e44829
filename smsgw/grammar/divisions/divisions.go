// Package divisions is the table of China's provinces, prefectures and
// county-level divisions (2023 statistical codes), embedded as data. See
// README.md for its source, version and licence.
package divisions

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed divisions.tsv
var tsv string

// Level is the rank of a division.
type Level uint8

// Levels of the table.
const (
	Province Level = iota + 1 // 四川省, 重庆市
	City                      // 乐山市, 凉山彝族自治州, 阿里地区
	County                    // 市中区, 仁寿县, 峨眉山市
	Town                      // 德源街道, 黄水镇: only the towns of 成都市 are in the table
)

// Division is one row of the table with its place in the hierarchy.
type Division struct {
	Code     string // 2, 4 or 6 digits
	Name     string // official name: 乐山市, 市中区
	Level    Level
	Province string // the province's official name
	// City is the prefecture-level city a county belongs to; for a county of
	// a municipality the municipality (重庆市), for one directly under a
	// province the county itself (仙桃市); for a city itself; "" for a province.
	City string
	// County is the county-level division a town belongs to ("" above towns).
	County string
}

var (
	once sync.Once
	all  []Division
)

// municipalities are the provinces that are also cities.
var municipalities = map[string]bool{"11": true, "12": true, "31": true, "50": true}

// All returns every division in the order of the table: provinces, cities
// and counties in code order, then the towns of 成都市. The slice is shared: callers must not change it.
func All() []Division {
	once.Do(func() {
		byCode := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(tsv), "\n") {
			code, name, ok := strings.Cut(line, "\t")
			if !ok {
				continue
			}
			byCode[code] = name
			d := Division{Code: code, Name: name}
			switch len(code) {
			case 2:
				d.Level, d.Province = Province, name
				if municipalities[code] {
					d.City = name
				}
			case 4:
				d.Level, d.Province, d.City = City, byCode[code[:2]], name
			case 6:
				d.Level, d.Province = County, byCode[code[:2]]
				switch c, ok := byCode[code[:4]]; {
				case ok:
					d.City = c
				case municipalities[code[:2]]:
					d.City = d.Province
				default:
					d.City = name
				}
			case 9:
				county, ok := byCode[code[:6]]
				if !ok {
					continue
				}
				d.Level, d.Province, d.City, d.County = Town, byCode[code[:2]], byCode[code[:4]], county
			default:
				continue
			}
			all = append(all, d)
		}
	})
	return all
}

// suffixes are the administrative words a short name drops.
var suffixes = []string{"街道", "地区", "林区", "特区", "省", "市", "区", "县", "旗", "盟", "州", "镇", "乡"}

// Short returns the name as people write it without its administrative
// word: 乐山市 → 乐山, 凉山彝族自治州 → 凉山, 峨边彝族自治县 → 峨边,
// 广西壮族自治区 → 广西, 市中区 → 市中. It returns "" when nothing shorter
// of at least two characters is left (泸县).
func Short(name string) string {
	s := name
	if i := strings.Index(s, "自治"); i > 0 {
		s = s[:i]
		for changed := true; changed; {
			changed = false
			for _, p := range peoples {
				for _, form := range []string{p + "族", p} {
					if t, ok := strings.CutSuffix(s, form); ok && utf8.RuneCountInString(t) >= 2 {
						s, changed = t, true
					}
				}
			}
		}
	} else {
		for _, suf := range suffixes {
			if t, ok := strings.CutSuffix(s, suf); ok && utf8.RuneCountInString(t) >= 2 {
				s = t
				break
			}
		}
	}
	if s == name || utf8.RuneCountInString(s) < 2 {
		return ""
	}
	return s
}

// peoples are the names of the peoples in autonomous divisions (凉山彝族自治州).
var peoples = strings.Fields(`土家 维吾尔 蒙古 朝鲜 景颇 哈尼 傈僳 纳西 拉祜 布依 仡佬 仫佬 毛南 达斡尔 鄂温克 鄂伦春
	哈萨克 柯尔克孜 塔吉克 锡伯 撒拉 东乡 保安 裕固 独龙 普米 基诺 布朗 阿昌 德昂 门巴 珞巴 各 彝 藏 羌 苗 回 壮 满 侗 瑶
	白 傣 佤 水 黎 畲 京 土 怒`)

package grammar

import (
	"strings"
	"unicode/utf8"
)

// Registration: 注册 name town+village, with the label words people add.

// register reads 注册 李光明 和盛镇石牛村: a name, then a town and village.
// Label words are dropped (注册 本人姓名王小明 住在和盛镇石牛村, 姓名：李光明
// 地址：…); 我叫陈大明 gives the name wherever it is written.
func (p *parser) register(first int) Result {
	a := Args{}
	from, to := p.toks[first].end, len(p.rs)
	if k := strings.Index(string(p.rs), "我叫"); k >= 0 {
		from = utf8.RuneCountInString(string(p.rs)[:k]) + 2
	}
	for _, h := range p.locs {
		if h.start >= from {
			to = min(to, h.start)
		}
	}
	if from < to {
		a.Name = personName(p.rs[from:to])
	}
	if loc := p.buildLocation(""); loc != nil {
		if loc.Town != nil {
			a.Town = *loc.Town
		}
		if loc.Village != nil {
			a.Village = *loc.Village
		}
	}
	return cmd(CmdRegister, a)
}

// nameLabels are the words around a name in a registration, longest first.
var nameLabels = []string{"本人姓名", "我的名字", "姓名是", "名字是", "本人叫", "本人是", "我叫", "我是", "姓名", "名字", "本人",
	"住址", "地址", "住在", "家住", "居住", "叫", "住", "是"}

// personName returns the first run of Chinese characters, at most four,
// left when label words are dropped from its ends.
func personName(rs []rune) string {
	for _, run := range strings.FieldsFunc(string(rs), func(r rune) bool { return !isHan(r) }) {
		for changed := true; changed && run != ""; {
			changed = false
			for _, l := range nameLabels {
				if t, ok := strings.CutPrefix(run, l); ok {
					run, changed = t, true
				}
				if t, ok := strings.CutSuffix(run, l); ok && utf8.RuneCountInString(l) >= 2 {
					run, changed = t, true
				}
			}
		}
		if r := []rune(run); len(r) > 0 {
			return string(r[:min(len(r), 4)])
		}
	}
	return ""
}

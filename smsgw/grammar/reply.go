package grammar

import (
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"huamu/matching"
)

// The texts here are candidates, from the most to the least detailed: the
// grammar words what it understood and decides no length. The caller picks
// the first that fits its SMS budget (internal/outbound's Budget.Fit, which
// counts the carrier signature).

// ItemSummary writes an item the way a grower would check it:
// "紫薇 地径5cm 分枝点1.5m 300株 150元/株", with a form that makes it
// another product on the name (红叶石楠球, 罗汉松盆景), a clearance sale
// (处理), the root ball (土球1m) and the price's terms (到货价2800元/株)
// as understood.
func ItemSummary(it Item) string {
	parts := []string{it.Species}
	if it.Variety != nil {
		parts[0] = it.Species + "(" + *it.Variety + ")"
	}
	for _, a := range it.Attrs {
		if matching.IsFormAttr(a) && !strings.HasSuffix(parts[0], a) {
			parts[0] += a
		}
	}
	if slices.Contains(it.Attrs, "处理") {
		parts = append(parts, "处理")
	}
	parts = append(parts, specParts(it.Spec)...)
	if it.Qty != nil {
		parts = append(parts, rangeText(intF(it.Qty.Min), intF(it.Qty.Max), "", it.Qty.Unit))
	}
	if pr := it.Price; pr != nil {
		if pr.Min != nil || pr.Max != nil {
			per := "株"
			if pr.Per != nil {
				per = *pr.Per
			}
			amt, bound := moneyRange(pr.Min, pr.Max)
			terms := ""
			if pr.Terms != nil {
				terms = *pr.Terms
			}
			parts = append(parts, terms+amt+"元/"+per+bound)
		}
		if pr.Total != nil {
			parts = append(parts, "共"+money(pr.Total.Decimal)+"元")
		}
	} else if it.Negotiable {
		parts = append(parts, "面议")
	}
	return strings.Join(parts, " ")
}

// specParts writes each dimension a spec states, in matching.Dimensions'
// order, the way that table says an SMS writes it.
func specParts(s Spec) []string {
	var out []string
	for _, d := range matching.Dimensions {
		r := s.get(d.Key)
		if r == nil {
			continue
		}
		if d.Kind == matching.Count {
			out = append(out, d.Before+rangeText(r.Min, r.Max, "", d.After))
		} else {
			out = append(out, d.Before+lengthText(r, d.Kind == matching.Diameter))
		}
	}
	return out
}

// lengthText writes a length in cm, or in m from one metre up for heights
// and spreads (1.5m); diameters stay in cm.
func lengthText(r *Range, diameter bool) string {
	big := func(p *float64) bool { return p != nil && *p >= 100 }
	if !diameter && (big(r.Min) || r.Min == nil && big(r.Max)) {
		return rangeText(scale(r.Min, 0.01), scale(r.Max, 0.01), "", "m")
	}
	return rangeText(r.Min, r.Max, "", "cm")
}

func scale(p *float64, f float64) *float64 {
	if p == nil {
		return nil
	}
	v := round2(*p * f)
	return &v
}

func intF(p *int64) *float64 {
	if p == nil {
		return nil
	}
	v := float64(*p)
	return &v
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// rangeText writes 8cm, 8-10cm, 15cm以上, 1.2m以下.
func rangeText(lo, hi *float64, prefix, unit string) string {
	switch {
	case lo != nil && hi != nil && *lo == *hi:
		return prefix + num(*lo) + unit
	case lo != nil && hi != nil:
		return prefix + num(*lo) + "-" + num(*hi) + unit
	case lo != nil:
		return prefix + num(*lo) + unit + "以上"
	case hi != nil:
		return prefix + num(*hi) + unit + "以下"
	}
	return ""
}

func money(d decimal.Decimal) string {
	s := d.StringFixed(2)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// moneyRange writes an amount or a range, and a bound word for an open end.
func moneyRange(lo, hi *Money) (string, string) {
	switch {
	case lo != nil && hi != nil && lo.Equal(hi.Decimal):
		return money(lo.Decimal), ""
	case lo != nil && hi != nil:
		return money(lo.Decimal) + "-" + money(hi.Decimal), ""
	case lo != nil:
		return money(lo.Decimal), "以上"
	case hi != nil:
		return money(hi.Decimal), "以内"
	}
	return "", ""
}

func sideWord(side string) string {
	if side == SideDemand {
		return "求"
	}
	return "供"
}

func placeText(l *Location) string {
	if l == nil {
		return ""
	}
	for _, p := range []*string{l.Town, l.District, l.City} {
		if p != nil {
			s := *p
			if p == l.Town && l.Village != nil {
				s += *l.Village
			}
			return s
		}
	}
	return ""
}

// ReceiptTexts confirm a listing: one id per item, echoing what was
// understood so a grower sees a mistake at once:
// 已登记#1024 供 紫薇 地径5cm 分枝点1.5m 300株 150元/株 和盛镇 回"取消1024"撤销.
// Each candidate drops more details, least useful first.
func ReceiptTexts(ids []int64, r Result) []string {
	if r.Type != TypeListing || len(r.Items) == 0 {
		reason := r.Reason
		if reason == "" {
			reason = ReasonNoSide
		}
		return JunkReplies(reason)
	}
	n := min(len(ids), len(r.Items))
	if n == 0 {
		return []string{"已收到,登记失败,请稍后重发。"}
	}
	id := func(k int) string { return strconv.FormatInt(ids[k], 10) }
	place := placeText(r.Location)
	undo := `回"取消` + id(0) + `"撤销`
	if n > 1 {
		undo = `回"取消+编号"撤销`
	}
	build := func(detail int, withPlace bool) string {
		var b strings.Builder
		b.WriteString("已登记")
		if n == 1 {
			b.WriteString("#" + id(0) + " " + sideWord(r.Side) + " ")
			b.WriteString(summaryAt(r.Items[0], detail))
		} else {
			b.WriteString(sideWord(r.Side))
			for k := 0; k < n; k++ {
				sep := " "
				if k > 0 {
					sep = ";"
				}
				b.WriteString(sep + "#" + id(k) + " " + summaryAt(r.Items[k], detail))
			}
		}
		if withPlace && place != "" {
			b.WriteString(" " + place)
		}
		b.WriteString(" " + undo)
		return b.String()
	}
	return []string{build(0, true), build(1, true), build(1, false), build(2, false), build(3, false), build(4, false)}
}

// summaryAt writes an item with less detail as level grows: 0 everything,
// 1 without variety, 2 the first spec and the root ball only (土球 is what
// a long advert adds and a buyer checks), 3 the first spec only, 4 name and
// quantity.
func summaryAt(it Item, level int) string {
	if level >= 1 {
		it.Variety = nil
	}
	switch {
	case level == 2 || level == 3:
		keep := Spec{}
		for _, k := range matching.SpecKeys() {
			if r := it.Spec.get(k); r != nil {
				keep.set(k, *r)
				break
			}
		}
		if r := it.Spec.get(matching.SpecBall); level == 2 && r != nil {
			keep.set(matching.SpecBall, *r)
		}
		it.Spec = keep
	case level >= 4:
		it.Spec = Spec{}
		it.Price = nil
		it.Negotiable = false
	}
	return ItemSummary(it)
}

var helpTexts = map[string][]string{
	"": {
		`供货发"供 桂花 米径8公分 200株 150元 和盛镇";求购发"求购 香樟 胸径12公分 100株";查发"查 香樟"`,
		`供货发"供 桂花 8公分 200株 150元 和盛镇",求购发"求购 香樟 12公分 100株"`,
	},
	CmdCancel:      {`撤销挂牌请发"取消 编号",如"取消1024",编号见登记回执`, `撤销请发"取消 编号"`},
	CmdQuery:       {`查行情发"查 品种",如"查 香樟"、"查 求购 银杏";发"我的"看自己的挂牌`, `查行情发"查 品种",如"查 香樟"`},
	CmdAccept:      {`同意成交请发"确认 编号",如"确认3002";不同意发"拒绝 编号"`, `成交请发"确认 编号"`},
	CmdDecline:     {`不同意请发"拒绝 编号",如"拒绝77";同意发"确认 编号"`, `不同意请发"拒绝 编号"`},
	CmdOrder:       {`订货请发"订 编号 数量",如"订 1024 100",不写数量即全要`, `订货请发"订 编号 数量"`},
	CmdJoin:        {`参加团购请发"参团 团号 数量",如"参团 12 50"`, `参团请发"参团 团号 数量"`},
	CmdRegister:    {`注册请发"注册 姓名 镇村",如"注册 李光明 和盛镇石牛村"`, `注册请发"注册 姓名 镇村"`},
	CmdUnsubscribe: {`不想再收短信请发"退订",想恢复请发"帮助"`, `退订请发"退订"`},
	SideSupply:     {`供货请发"供 品种 规格 数量 价格 地点",如"供 桂花 米径8公分 200株 150元 和盛镇"`, `供货如"供 桂花 8公分 200株 150元 和盛"`},
	SideDemand:     {`求购请发"求购 品种 规格 数量 地点",如"求购 香樟 胸径12公分 100株 双流"`, `求购如"求购 香樟 12公分 100株"`},
}

// HelpTexts explain how to write a text, in general or for one topic (a
// command name, "supply" or "demand").
func HelpTexts(topic string) []string {
	t, ok := helpTexts[topic]
	if !ok {
		t = helpTexts[""]
	}
	return t
}

var junkTexts = map[string][]string{
	ReasonEmpty:              {`短信是空的。供货请发"供 桂花 米径8公分 200株 150元 和盛镇"`, `短信是空的,发"帮助"看用法`},
	ReasonNoSide:             {`请写明卖还是买:卖发"供 桂花 8公分 200株 150元",买发"求购 桂花 8公分 200株"`, `请写明"供"(卖)还是"求购"(买)`},
	ReasonNoSpecies:          {`没认出苗木品种,请写明,如"供 桂花 米径8公分 200株 150元 和盛镇"`, `请写明品种,如"供 桂花 8公分 200株"`},
	ReasonConflictingSide:    {`一条只写供或求一种:卖发"供 桂花 8公分 200株",买发"求购 桂花 8公分 200株"`, `请只写"供"或"求购"一种`},
	ReasonConflictingCommand: {`一条短信只发一个指令,如"确认 3002"或"取消 1024"`, `一次只发一个指令`},
	ReasonGarbled:            {`短信是乱码,请重发,如"供 桂花 米径8公分 200株 150元 和盛镇"`, `短信乱码,请重发`},
	ReasonFragment:           {`短信不完整,请整条重发,如"供 桂花 米径8公分 200株 150元 和盛镇"`, `短信不完整,请重发`},
}

// JunkReplies answer a text that could not be used: what went wrong, and
// how to write an offer.
func JunkReplies(reason string) []string {
	t, ok := junkTexts[reason]
	if !ok {
		t = []string{`这里是花木通。供货发"供 桂花 米径8公分 200株 150元 和盛镇",发"帮助"看用法`, `花木通:发"帮助"看用法`}
	}
	return t
}

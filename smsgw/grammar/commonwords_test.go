package grammar

import "testing"

// TestCommonWordsAreNoValues: ordinary words that hold a numeral, a side or
// urgency character, a plant or a place name by sound must not add a value,
// a side, urgency, an item or a place to a listing. They were found by
// running a list of common Chinese words inside a listing through the parser.
func TestCommonWordsAreNoValues(t *testing.T) {
	t.Parallel()
	g := Default()
	for _, tail := range []string{
		"价格可以便宜一点", "欢迎来看一下", "周六可以来看苗", "星期天来看", "两边都有", "一半带土球",
		"零售也行", "四季常绿", "成活率百分之九十五", "成活率95%", "发货速度快", "陆续到货", "一级苗",
		"价格公平", "河以南都可以送", "种树的老把式", "我们是合作社", "大爷亲自管的", "朴素",
	} {
		for _, head := range []string{"出售 桂花 米径8公分 100棵 ", "求购 桂花 米径8公分 100棵 "} {
			text := head + tail
			r := g.Parse(text)
			switch {
			case r.Type != TypeListing:
				t.Errorf("%s: %s %s", text, r.Type, r.Reason)
			case len(r.Items) != 1 || r.Items[0].Price != nil || r.Items[0].Negotiable || r.Items[0].Qty == nil || *r.Items[0].Qty.Min != 100:
				t.Errorf("%s: items %+v", text, r.Items)
			case r.Location != nil || r.Urgent:
				t.Errorf("%s: location %+v urgent %v", text, r.Location, r.Urgent)
			}
		}
	}
	// the words hide no number that is one: 一点五米 is 1.5 m, 四季桂 a cultivar
	r := g.Parse("出售 红叶石楠 高一点五米 100棵 桂花 四季桂 高1米 50棵")
	if len(r.Items) != 2 || r.Items[0].Spec.get("height_cm") == nil || *r.Items[0].Spec["height_cm"].Min != 150 || r.Items[1].Variety == nil || *r.Items[1].Variety != "四季桂" {
		t.Errorf("numbers inside the words: %+v", r.Items)
	}
	// 有需求的联系 speaks to buyers; 请提供照片 does not offer
	if r := g.Parse("出售 桂花 米径8公分 100棵 有需求的联系13800001111"); r.Side != SideSupply {
		t.Errorf("有需求的联系: %s %s", r.Type, r.Side)
	}
	if r := g.Parse("求购 桂花 米径8公分 100棵 请提供照片"); r.Side != SideDemand {
		t.Errorf("请提供照片: %s %s", r.Type, r.Side)
	}
}

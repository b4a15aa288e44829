package grammar_test

import (
	"encoding/json"
	"fmt"

	"huamu/smsgw/grammar"
)

func show(text string) {
	b, _ := json.Marshal(grammar.Default().Parse(text))
	fmt.Println(string(b))
}

// A grower's offer: typos (紫微, 地经, 分支点) are read by sound, bare
// metres become centimetres, and the short town name becomes today's
// official one.
func Example_supply() {
	show("出售紫微 地经5公分 高杆 分支点1.5米 300株 150元 和盛")
	// Output:
	// {"type":"listing","side":"supply","items":[{"species":"紫薇","variety":null,"attrs":["高杆"],"spec":{"ground_cm":{"min":5,"max":5},"branch_cm":{"min":150,"max":150}},"qty":{"min":300,"max":300,"unit":"株"},"price":{"min":"150.00","max":"150.00","per":"株","total":null,"terms":null},"negotiable":false}],"location":{"city":"成都市","district":"温江区","town":"和盛镇","village":null,"raw":"和盛"},"contact":null,"validity_days":null,"validity_until":null,"urgent":false}
}

// A buyer typing pinyin.
func Example_pinyin() {
	show("qiugou xiangzhang 10cm 200 ke")
	// Output:
	// {"type":"listing","side":"demand","items":[{"species":"香樟","variety":null,"attrs":[],"spec":{"dia_cm":{"min":10,"max":10}},"qty":{"min":200,"max":200,"unit":"株"},"price":null,"negotiable":false}],"location":null,"contact":null,"validity_days":null,"validity_until":null,"urgent":false}
}

// Several sizes in one text: the basis (米径) carries over and the prices
// after 分别 pair with the sizes in order.
func Example_multiItem() {
	show("出售 银杏 米径8公分50株 10公分30株 单价分别400 650")
	// Output:
	// {"type":"listing","side":"supply","items":[{"species":"银杏","variety":null,"attrs":[],"spec":{"d1m_cm":{"min":8,"max":8}},"qty":{"min":50,"max":50,"unit":"株"},"price":{"min":"400.00","max":"400.00","per":"株","total":null,"terms":null},"negotiable":false},{"species":"银杏","variety":null,"attrs":[],"spec":{"d1m_cm":{"min":10,"max":10}},"qty":{"min":30,"max":30,"unit":"株"},"price":{"min":"650.00","max":"650.00","per":"株","total":null,"terms":null},"negotiable":false}],"location":null,"contact":null,"validity_days":null,"validity_until":null,"urgent":false}
}

// Chinese money: 8毛 is 0.80, 三毛五 is 0.35, 一百一个 is 100 a piece.
func Example_prices() {
	for _, s := range []string{"卖麦冬 8毛一丛 三万丛", "供栀子 袋苗 10万袋 三毛五一袋", "卖海桐球 冠幅80 200个 一百一个"} {
		r := grammar.Default().Parse(s)
		fmt.Println(grammar.ItemSummary(r.Items[0]))
	}
	// Output:
	// 麦冬 30000丛 0.8元/丛
	// 栀子 100000株 0.35元/株
	// 海桐球 冠幅80cm 200株 100元/株
}

// Commands, and the traps around them.
func Example_commands() {
	for _, s := range []string{"取消 2001", "订购1024号 100株", "参团 12 50", "取消订阅", "【XX商城】双11大促 全场5折 回TD退订"} {
		show(s)
	}
	// Output:
	// {"type":"command","command":"cancel","args":{"listing_id":"2001"}}
	// {"type":"command","command":"order","args":{"listing_id":"1024","qty":{"min":100,"max":100,"unit":"株"}}}
	// {"type":"command","command":"join","args":{"group_buy_id":"12","qty":{"min":50,"max":50,"unit":"株"}}}
	// {"type":"command","command":"unsubscribe","args":{}}
	// {"type":"unparseable","unparseable":true,"reason":"spam"}
}

// The receipt a grower gets back, most detailed first; the exchange sends
// the first that fits its SMS budget (internal/outbound).
func ExampleReceiptTexts() {
	r := grammar.Default().Parse("出售紫微 地经5公分 高杆 分支点1.5米 300株 150元 和盛")
	fmt.Println(grammar.ReceiptTexts([]int64{1024}, r)[0])
	// Output:
	// 已登记#1024 供 紫薇 地径5cm 分枝点1.5m 300株 150元/株 和盛镇 回"取消1024"撤销
}

// A grammar built from data: a clerk's new alias works at once.
func ExampleNew() {
	d := grammar.EmbeddedLexiconData()
	d.Merge(grammar.LexiconData{ExtraAliases: map[string][]string{"桂花": {"桂子树"}}})
	g, err := grammar.New(d)
	if err != nil {
		panic(err)
	}
	fmt.Println(g.Parse("出售桂子树 8公分 100棵").Items[0].Species)
	// Output:
	// 桂花
}

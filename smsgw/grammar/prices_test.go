package grammar

import (
	"encoding/json"
	"testing"
)

// The price commands (issue 14) as the schema writes them: 行情 and the
// ways of asking a price are a query with about:"price"; 订阅 is subscribe
// with the plants named and topic "prices"; 退订行情 is subscribe with
// stop:true (only the bulletin ends), while a bare 退订/TD/取消订阅 stays
// unsubscribe (everything ends).
func TestParse_PriceCommands(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, want string }{
		{"行情 桂花", `{"type":"command","command":"query","args":{"species":"桂花","about":"price"}}`},
		{"桂花好多钱", `{"type":"command","command":"query","args":{"species":"桂花","about":"price"}}`},
		{"桂花啥子价", `{"type":"command","command":"query","args":{"species":"桂花","about":"price"}}`},
		{"桂花什么价", `{"type":"command","command":"query","args":{"species":"桂花","about":"price"}}`},
		{"行情", `{"type":"command","command":"query","args":{"about":"price"}}`},
		{"桂花8公分好多钱", `{"type":"command","command":"query","args":{"species":"桂花","spec":{"dia_cm":{"min":8,"max":8}},"about":"price"}}`},
		{"查 桂花", `{"type":"command","command":"query","args":{"species":"桂花"}}`},
		{"订阅 桂花 紫薇", `{"type":"command","command":"subscribe","args":{"species":["桂花","紫薇"],"topic":"prices"}}`},
		{"订阅行情 桂花", `{"type":"command","command":"subscribe","args":{"species":["桂花"],"topic":"prices"}}`},
		{"订阅桂花", `{"type":"command","command":"subscribe","args":{"species":["桂花"],"topic":"prices"}}`},
		{"订阅 紫微 桂化", `{"type":"command","command":"subscribe","args":{"species":["紫薇","桂花"],"topic":"prices"}}`},
		{"订阅", `{"type":"command","command":"subscribe","args":{"topic":"prices"}}`},
		{"订阅 桂花 紫薇 香樟 银杏 樱花 栾树", `{"type":"command","command":"subscribe","args":{"species":["桂花","紫薇","香樟","银杏","樱花","栾树"],"topic":"prices"}}`},
		{"退订行情", `{"type":"command","command":"subscribe","args":{"topic":"prices","stop":true}}`},
		{"退订行情 桂花", `{"type":"command","command":"subscribe","args":{"species":["桂花"],"topic":"prices","stop":true}}`},
		{"退订", `{"type":"command","command":"unsubscribe","args":{}}`},
		{"TD", `{"type":"command","command":"unsubscribe","args":{}}`},
		{"取消订阅", `{"type":"command","command":"unsubscribe","args":{}}`},
	} {
		b, err := json.Marshal(Default().Parse(tc.text))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.text, b, tc.want)
		}
	}
}

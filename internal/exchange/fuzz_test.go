package exchange_test

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzCommands texts whatever the fuzzer makes up, after a book with an
// offer and a pending order, through the real store: every text ends in a
// visible state with at most two SMS per reply, nothing panics, and the
// stock and the ledger still add up.
func FuzzCommands(f *testing.F) {
	for _, s := range []string{"订 1 100", "订 1", "订 1 999999999999", "确认", "确认 1", "拒绝 1", "取消", "取消 1",
		"查 桂花", "我的", "退订", "注册 张三 万春镇", "参团 1 5", "订 -1 5", "确认 99999999999999999999", "查 ０１",
		"订\x00 1", "供 桂花 8公分 10株 1元", "求购 桂花 100株"} {
		f.Add(s)
	}
	b := newBench(f)
	id := b.offer(f, grower, "供 桂花 8公分 200株 600元")
	b.text(f, buyer, fmt.Sprintf("订 %d 10", id))
	var n int
	f.Fuzz(func(t *testing.T, body string) {
		// What reaches the exchange is a stored inbound row: valid UTF-8
		// without NUL, as PostgreSQL text holds it.
		body = strings.ReplaceAll(strings.ToValidUTF8(body, "\uFFFD"), "\x00", "")
		n++
		from := []string{grower, buyer, buyer2}[n%3]
		sent := b.text(t, from, body)
		checkLength(t, sent)
		in := b.inbound(t, from)
		if in.State != "done" && in.State != "needs_clerk" {
			t.Fatalf("%q ended %s", body, in.State)
		}
		if n%25 == 0 {
			b.checkBooks(t)
		}
	})
	b.checkBooks(f)
}

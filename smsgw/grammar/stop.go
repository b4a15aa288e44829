package grammar

import (
	"regexp"
	"strings"
)

// Requests to stop texting. The schema's unsubscribe words (退订, TD,
// 取消订阅) are command words (vocab.go); people also ask in their own
// words, which this file reads.

// reStop matches the ways people ask not to be texted again: 莫给我发这些了,
// 别再发了, 请停止发送, 不想再收到你们的短信, 不需要这些信息, 把我号码删了.
var reStop = regexp.MustCompile(`(别|不要|莫|停止|停|不想|不再|请勿|勿|不用)(再|在)?(给我们?|跟我|向我)?(发|推)|` +
	`(不想|不再|不要|别|莫)再?(收|接收)到?(这些|这种|这类|你们的?)?(短信|信息|消息)|不再接收|` +
	`不需要(这些|这种|这类|你们的?)(短信|信息|消息)?|不需要(短信|信息|消息)|` +
	`(删|删除)了?(我的?)?(号码|手机号)|(号码|手机号|名单).{0,10}(删|去掉)|拉黑|屏蔽|` +
	`(别|不要|莫)再?(来)?打扰|再发.{0,6}(投诉|举报|报警)|` +
	// 取消短信 with words around it (我要取消短信), 拒收 (I refuse these texts);
	// 取消信息 stays a cancel of a listing
	`取消(短信|推送)|拒收`)

// asksToStop reads a request to stop texting: it names no plant, no
// value and no id, and says not to send (发, 推送) or receive texts any
// more. 不要发货 is about goods, not texts.
func (p *parser) asksToStop() bool {
	if p.firstSpecies() != "" || p.valueCount > 0 {
		return false
	}
	if id, _ := p.idAfter(-1); id != "" {
		return false
	}
	s := string(p.rs)
	if !strings.ContainsAny(s, "发推收删拉需掉屏扰消") { // a word reStop needs
		return false
	}
	loc := reStop.FindStringIndex(s)
	if loc == nil {
		return false
	}
	rest := []rune(s[loc[1]:])
	return len(rest) == 0 || !strings.ContainsRune("货车错", rest[0])
}

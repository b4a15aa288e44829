package exchange

import (
	"context"

	"huamu/internal/store"
	"huamu/smsgw/grammar"
)

// unsubscribe carries out 退订 (or TD): the number goes on the stoplist and
// gets this one confirmation; no match, digest or bulletin is sent to it
// until it texts again (HandleInbound takes it off then). Texts about its
// own orders still go: it is a party to them.
func (s *Service) unsubscribe(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result) (string, error) {
	if err := tx.StopMember(ctx, m.Phone); err != nil {
		return "", err
	}
	text := s.fit("已退订，不再给您发货源通知。想恢复请随时发任意短信", "已退订")
	return "退订", s.reply(ctx, tx, in.ID, in.Sender, text, kindReply)
}

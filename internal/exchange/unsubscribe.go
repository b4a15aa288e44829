package exchange

import (
	"context"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/smsgw/grammar"
)

// unsubscribe carries out 退订 (or TD): the number goes on the stoplist and
// gets this one confirmation; no match, digest or bulletin is sent to it
// until it texts again (HandleInbound takes it off then). Its price
// subscriptions end for good: texting again does not bring the weekly
// bulletin back, only 订阅 does. Texts about its own orders still go: it
// is a party to them.
func (s *Service) unsubscribe(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result) (string, error) {
	if err := tx.StopMember(ctx, m.Phone); err != nil {
		return "", err
	}
	if _, err := tx.RemovePriceSubscriptions(ctx, m.ID, nil); err != nil {
		return "", err
	}
	text := s.Outbox.Fit(outbound.Unsubscribed...)
	return "退订", s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindReply)
}

package exchange

import (
	"context"
	"strings"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/smsgw/grammar"
)

// register carries out 注册 李光明 和盛镇石牛村: the member's name, town and
// village, as the grammar read them. A 注册 with nothing to record gets the
// command's usage.
func (s *Service) register(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result) (string, error) {
	a := r.Args
	name := outbound.Cut(strings.TrimSpace(a.Name), 20)
	if name == "" && a.Town == "" && a.Village == "" {
		return "回复注册用法", s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(grammar.HelpTexts(grammar.CmdRegister)...), outbound.KindHelp)
	}
	m, err := tx.RegisterMember(ctx, m.ID, name, a.Town, a.Village)
	if err != nil {
		return "", err
	}
	who := strings.TrimSpace(m.Name + " " + m.Town + m.Village)
	text := s.Outbox.Fit(outbound.Registered(who)...)
	return "注册: " + who, s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindReply)
}

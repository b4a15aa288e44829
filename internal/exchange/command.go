package exchange

import (
	"context"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// commandFunc carries out one command for member m in tx, writes its
// replies, and returns the outcome clerks read. A domain error (a
// *matching.Error that is not CodeInternal) is the sender's to fix: what the
// command wrote is undone, and the error's Chinese message is the reply.
type commandFunc func(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result) (string, error)

func (s *Service) command(ctx context.Context, tx *store.Tx, in store.Inbound, r grammar.Result) error {
	var run commandFunc
	switch r.Command {
	case grammar.CmdHelp:
		if err := s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(grammar.HelpTexts(r.Args.Topic)...), outbound.KindHelp); err != nil {
			return err
		}
		return tx.FinishInbound(ctx, in.ID, stateDone, "回复帮助", "", r)
	case grammar.CmdJoin:
		if s.GroupBuys == nil {
			text := s.Outbox.Fit(outbound.GroupBuyByClerk)
			if err := s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindReply); err != nil {
				return err
			}
			return tx.FinishInbound(ctx, in.ID, stateNeedsClerk, "团购指令转人工", "command_join", r)
		}
		run = s.join
	case grammar.CmdOrder:
		run = s.order
	case grammar.CmdAccept:
		run = s.confirm
	case grammar.CmdDecline:
		run = s.decline
	case grammar.CmdCancel:
		run = s.cancel
	case grammar.CmdQuery:
		run = s.query
	case grammar.CmdRegister:
		run = s.register
	case grammar.CmdUnsubscribe:
		run = s.unsubscribe
	case grammar.CmdSubscribe:
		run = s.subscribe
	default:
		if err := s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(outbound.ForAClerk), outbound.KindReply); err != nil {
			return err
		}
		return tx.FinishInbound(ctx, in.ID, stateNeedsClerk, "指令转人工: "+r.Command, "command_"+r.Command, r)
	}
	m, err := tx.EnsureMember(ctx, in.Sender)
	if err != nil {
		return err
	}
	var outcome string
	err = tx.Savepoint(ctx, func(tx *store.Tx) (err error) {
		outcome, err = run(ctx, tx, in, m, r)
		return err
	})
	if code := matching.ErrorCodeOf(err); code != "" && code != matching.CodeInternal {
		msg := matching.ChineseMessage(err)
		if err := s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(msg), outbound.KindReply); err != nil {
			return err
		}
		return tx.FinishInbound(ctx, in.ID, stateDone, "未办理: "+msg, "", r)
	}
	if err != nil {
		return err
	}
	return tx.FinishInbound(ctx, in.ID, stateDone, outcome, "", r)
}

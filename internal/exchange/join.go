package exchange

import (
	"context"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// join carries out 参团 ID QTY: a commitment to a group-buy, changed by
// texting again, withdrawn with 0. The reply says where the group stands.
func (s *Service) join(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result) (string, error) {
	id, err := parseID(r.Args.GroupBuyID, "参团 12 50")
	if err != nil {
		return "", err
	}
	var qty *int64
	if q := r.Args.Qty; q != nil {
		qty = q.Min
		if qty == nil {
			qty = q.Max
		}
	}
	if qty == nil || *qty < 0 {
		return "", matching.Errorf(matching.CodeInvalid, "请写明数量，如\"参团 %d 50\"，退出发\"参团 %d 0\"", id, id)
	}
	reply, err := s.GroupBuys.Join(ctx, tx, m.ID, id, *qty, &in.ID)
	if err != nil {
		return "", err
	}
	if err := s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(reply), outbound.KindReply); err != nil {
		return "", err
	}
	return reply, nil
}

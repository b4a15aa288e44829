package exchange

import (
	"context"
	"slices"
	"strings"

	"huamu/internal/outbound"
	"huamu/internal/prices"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// Price commands: 行情 桂花 (and 桂花好多钱, 桂花啥子价) answers from the
// price index; 订阅 桂花 紫薇 subscribes to the weekly bulletin, 退订行情 ends
// it. Without a price service (Service.Prices nil) 行情 answers from the
// open offers, as 查 does.

// queryPrice answers 行情 桂花 with this week's deal figures per band, the
// trend and the asks standing now, in one SMS where it fits and never more
// than two. 行情 alone gets the command's usage.
func (s *Service) queryPrice(ctx context.Context, tx *store.Tx, in store.Inbound, a grammar.Args) (string, error) {
	if a.Species == "" {
		text := s.Outbox.Fit(outbound.PricesUsage...)
		return "回复行情用法", s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindHelp)
	}
	if s.Prices == nil {
		return s.queryBook(ctx, tx, in, a)
	}
	var spec matching.Spec
	if a.Spec != nil {
		spec = a.Spec.Listing()
	}
	text, err := s.Prices.Answer(ctx, tx, a.Species, spec, s.Outbox.Room(2))
	if err != nil {
		return "", err
	}
	return "行情" + a.Species, s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(text), outbound.KindReply)
}

// subscribe carries out 订阅 桂花 紫薇 (at most prices.MaxSubscriptions
// species in all) and 退订行情 (all of them, or the species named).
func (s *Service) subscribe(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result) (string, error) {
	want := r.Args.SpeciesList
	have, err := tx.PriceSubscriptions(ctx, m.ID)
	if err != nil {
		return "", err
	}
	if r.Args.Stop {
		n, err := tx.RemovePriceSubscriptions(ctx, m.ID, want)
		if err != nil {
			return "", err
		}
		text := s.Outbox.Fit(outbound.PricesStopped(n, len(want) == 0 || int(n) == len(have), want, without(have, want))...)
		return "退订行情", s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindReply)
	}
	if len(want) == 0 {
		text := s.Outbox.Fit(outbound.Subscribing(have)...)
		return "回复订阅用法", s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindHelp)
	}
	var add, over []string
	for _, sp := range want {
		switch {
		case slices.Contains(have, sp) || slices.Contains(add, sp):
		case len(have)+len(add) < prices.MaxSubscriptions:
			add = append(add, sp)
		default:
			over = append(over, sp)
		}
	}
	if err := tx.AddPriceSubscriptions(ctx, m.ID, add); err != nil {
		return "", err
	}
	all := append(slices.Clone(have), add...)
	outcome := "订阅行情: " + strings.Join(add, "、")
	if len(add) == 0 {
		outcome = "订阅行情: 无新增"
	}
	return outcome, s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(outbound.Subscribed(all, over, prices.MaxSubscriptions)...), outbound.KindReply)
}

// without returns xs less the ones in drop, in order.
func without(xs, drop []string) []string {
	var out []string
	for _, x := range xs {
		if !slices.Contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}

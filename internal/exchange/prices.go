package exchange

import (
	"context"
	"slices"
	"strconv"
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
		text := s.Outbox.Fit(`查价格发"行情 品种",如"行情 桂花";每周一收行情发"订阅 桂花"`, `查价格发"行情 桂花"`)
		return "回复行情用法", s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindHelp)
	}
	if s.Prices == nil {
		return s.queryBook(ctx, tx, in, a)
	}
	var spec matching.Spec
	if a.Spec != nil {
		spec = specOf(*a.Spec)
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
		var text string
		switch {
		case n == 0:
			text = s.Outbox.Fit("您没有订阅这些行情", "未订阅")
		case len(want) == 0 || int(n) == len(have):
			text = s.Outbox.Fit(`已退订行情,不再发价格周报。想再订发"订阅 品种"`, "已退订行情")
		default:
			text = s.Outbox.Fit("已退订"+strings.Join(want, "、")+"行情,仍订"+strings.Join(without(have, want), "、"), "已退订"+strings.Join(want, "、")+"行情")
		}
		return "退订行情", s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindReply)
	}
	if len(want) == 0 {
		text := s.Outbox.Fit(`订阅价格周报请发"订阅 品种",如"订阅 桂花 紫薇",最多5种,每周一早8点发送`, `订阅行情发"订阅 桂花"`)
		if len(have) > 0 {
			text = s.Outbox.Fit("您已订阅"+strings.Join(have, "、")+"行情,每周一早8点发送。退订发\"退订行情\"", "您已订阅"+strings.Join(have, "、")+"行情")
		}
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
	text := "已订阅" + strings.Join(all, "、") + "行情,每周一早8点发送。退订发\"退订行情\""
	short := "已订阅" + strings.Join(all, "、") + "行情"
	if len(over) > 0 {
		limit := "最多订" + strconv.Itoa(prices.MaxSubscriptions) + "种,未订" + strings.Join(over, "、")
		text, short = short+";"+limit+"。改订先发\"退订行情\"", short+";"+limit
	}
	outcome := "订阅行情: " + strings.Join(add, "、")
	if len(add) == 0 {
		outcome = "订阅行情: 无新增"
	}
	return outcome, s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(text, short), outbound.KindReply)
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

// Package exchange is the transaction shell around the exchange's rules: it
// takes a parsed text (or a clerk's action), applies the matching rules to
// the book in one transaction, and writes the SMS the change causes (and a
// clerk's audit row) to that same transaction. A text's transaction is the
// intake worker's (HandleInbound runs in it); a clerk's action opens its
// own.
package exchange

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/groupbuy"
	"huamu/internal/outbound"
	"huamu/internal/prices"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw"
	"huamu/smsgw/grammar"
)

// Service applies inbound texts and clerks' actions to the book.
type Service struct {
	// Store is the book. Methods that take a *store.Tx run in the
	// caller's transaction; the others open their own on Store.
	Store *store.Store

	// Outbox writes every text, counting the carrier signature in its
	// length. New sets one that does not wake the senders; set one that
	// does before use.
	Outbox *outbound.Outbox

	grammar func() *grammar.Grammar // the current lexicon's grammar; clerks may change it
	policy  matching.NotifyPolicy
	log     *slog.Logger

	// OrderTTL is how long a proposal waits for the grower
	// (matching.DefaultOrderTTL when zero). Set before use.
	OrderTTL time.Duration
	// FeeRate is the association's fee on a confirmed order's total, in
	// [0, 1); zero (the default) charges none. Set before use.
	FeeRate decimal.Decimal
	// GroupBuys carries out 参团; without it 参团 goes to a clerk.
	GroupBuys *groupbuy.Service
	// Prices answers 行情 from the price index; without it 行情 answers
	// from the open offers, as 查 does.
	Prices *prices.Service
}

// New returns a Service on st. grammar returns the grammar to parse with
// at the time of each call; signature is the carrier signature counted in
// every reply's length.
func New(st *store.Store, g func() *grammar.Grammar, signature string, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{Store: st, grammar: g, policy: matching.DefaultNotifyPolicy(), log: log,
		Outbox: &outbound.Outbox{Budget: outbound.Budget{Signature: signature}}}
}

// Inbound states, as stored.
const (
	stateDone       = "done"
	stateNeedsClerk = "needs_clerk"
)

// reasonOutOfBounds marks a listing text whose quantity or price is beyond
// matching's bounds.
const reasonOutOfBounds = "out_of_bounds"

// HandleInbound parses one claimed text and applies it in tx: a listing is
// stored and matched, a command carried out, anything else answered with a
// short helpful reply and left for a clerk. Every path ends the row in a
// visible state.
func (s *Service) HandleInbound(ctx context.Context, tx *store.Tx, in store.Inbound) error {
	id := in.ID
	if in.Reason == grammar.ReasonFragment {
		// Parts of a long text that never all came: a clerk pieces it
		// together. The sender is told once in a while, not once per
		// fragment: parts sent with a fresh reference each time would
		// otherwise each buy a reply.
		told, err := tx.SentSince(ctx, in.Sender, string(outbound.KindFragment), tx.Now.Add(-fragmentReplyEvery))
		if err != nil {
			return err
		}
		if told {
			return tx.FinishInbound(ctx, id, stateNeedsClerk, "长短信不完整，转人工（近期已提示过，未再回复）", grammar.ReasonFragment, nil)
		}
		if err := s.reply(ctx, tx, id, in.Sender, s.Outbox.Fit(grammar.JunkReplies(grammar.ReasonFragment)...), outbound.KindFragment); err != nil {
			return err
		}
		return tx.FinishInbound(ctx, id, stateNeedsClerk, "长短信不完整，转人工", grammar.ReasonFragment, nil)
	}
	if !smsgw.IsMobile(in.Sender) {
		// A service number or an alphanumeric sender: nobody to answer.
		return tx.FinishInbound(ctx, id, stateNeedsClerk, "发信号码不是手机号，未回复", "not_a_mobile", nil)
	}
	r := s.grammar().Parse(in.Body)
	if !(r.Type == grammar.TypeCommand && r.Command == grammar.CmdUnsubscribe) {
		// Any text but 退订 from a stopped number takes it off the stoplist.
		if _, err := tx.UnstopMember(ctx, in.Sender); err != nil {
			return err
		}
	}
	switch r.Type {
	case grammar.TypeListing:
		return s.listing(ctx, tx, in, r)
	case grammar.TypeCommand:
		return s.command(ctx, tx, in, r)
	default:
		return s.junk(ctx, tx, in, r)
	}
}

func (s *Service) listing(ctx context.Context, tx *store.Tx, in store.Inbound, r grammar.Result) error {
	m, err := tx.EnsureMember(ctx, in.Sender)
	if err != nil {
		return err
	}
	ls := listingsOf(r, m.ID, m.Phone, tx.Now)
	for _, l := range ls {
		if err := l.CheckBounds(); err != nil {
			// Beyond what the exchange takes (a typo, or a hostile text):
			// say what the limit is and let a clerk see it.
			msg := matching.ChineseMessage(err)
			if err := s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(outbound.OutOfBounds(msg)), outbound.KindReply); err != nil {
				return err
			}
			return tx.FinishInbound(ctx, in.ID, stateNeedsClerk, "未登记: "+msg, reasonOutOfBounds, r)
		}
	}
	// The same text again within minutes (re-sent for want of a reply, or
	// delivered again and taken for new) is answered, but posts nothing
	// twice: the listings it made are still open.
	if same, err := tx.OpenListingsFromText(ctx, m.ID, in.ID, in.Body, tx.Now.Add(-store.DefaultRedelivery)); err != nil {
		return err
	} else if len(same) > 0 {
		if err := s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(grammar.ReceiptTexts(same, r)...), outbound.KindReceipt); err != nil {
			return err
		}
		return tx.FinishInbound(ctx, in.ID, stateDone, "与已登记"+idList(same)+"相同（短时间内重发），未重复登记", "", r)
	}
	ids := make([]int64, 0, len(ls))
	for i := range ls {
		if ls[i], err = tx.InsertListing(ctx, &in.ID, ls[i]); err != nil {
			return fmt.Errorf("store listing from inbound %d: %w", in.ID, err)
		}
		ids = append(ids, ls[i].ID)
	}
	if err := s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(grammar.ReceiptTexts(ids, r)...), outbound.KindReceipt); err != nil {
		return err
	}
	matched := 0
	var notes []string
	for _, l := range ls {
		n, note, err := s.match(ctx, tx, in.ID, l)
		if err != nil {
			return err
		}
		matched += n
		if note != "" {
			notes = append(notes, note)
		}
	}
	outcome := "登记" + idList(ids)
	if matched > 0 {
		outcome += fmt.Sprintf("，匹配%d条", matched)
	}
	if len(notes) > 0 {
		outcome += "，" + strings.Join(notes, "；")
	}
	return tx.FinishInbound(ctx, in.ID, stateDone, outcome, "", r)
}

// match finds the other side for a new listing and writes the texts: a new
// demand gets its best offers at once; a new offer is announced to each
// number whose open demand it fits, within the daily cap (notify.go). It
// returns how many matches it found and, for an offer, what the notices cost.
func (s *Service) match(ctx context.Context, tx *store.Tx, inboundID int64, l matching.Listing) (int, string, error) {
	others, err := tx.OpenListings(ctx, l.Side.Opposite(), l.Species)
	if err != nil {
		return 0, "", err
	}
	if l.Side == matching.Demand {
		best := s.policy.Best(matching.RankOffers(l, others, tx.Now))
		if len(best) == 0 {
			return 0, "", s.reply(ctx, tx, inboundID, l.Phone, outbound.NoOffer(l), outbound.KindMatchReply)
		}
		lines := make([]string, len(best))
		for i, m := range best {
			lines[i] = outbound.OfferLine(m.Offer)
		}
		return len(best), "", s.reply(ctx, tx, inboundID, l.Phone, outbound.BestOffers(lines, best[0].Offer, s.Outbox.Room(2)), outbound.KindMatchReply)
	}
	return s.announce(ctx, tx, inboundID, l, others)
}

// silentReasons get no reply: answering spam or a system broadcast only
// costs the association money and tells a spammer the number is live.
var silentReasons = map[string]bool{grammar.ReasonSpam: true, grammar.ReasonSystemMessage: true}

func (s *Service) junk(ctx context.Context, tx *store.Tx, in store.Inbound, r grammar.Result) error {
	outcome := "未能识别，已回复用法"
	if silentReasons[r.Reason] {
		outcome = "未能识别，未回复"
	} else if err := s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(grammar.JunkReplies(r.Reason)...), outbound.KindReply); err != nil {
		return err
	}
	return tx.FinishInbound(ctx, in.ID, stateNeedsClerk, outcome, r.Reason, r)
}

// reply writes text of kind to to; inboundID is the text it answers, 0
// (a clerk's or a program's action) for none.
func (s *Service) reply(ctx context.Context, tx *store.Tx, inboundID int64, to, text string, kind outbound.Kind) error {
	_, err := s.Outbox.Enqueue(ctx, tx, outbound.Msg{To: to, Body: text, Kind: kind, InboundID: inboundID})
	return err
}

func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "#" + strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, " ")
}

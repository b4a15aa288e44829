package exchange

import (
	"context"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// queryLines is how many listings a 查 answer shows at most.
const queryLines = 5

// query answers 查 from the book: 查 我的 lists the sender's open listings;
// 查 桂花 (with a spec or attributes, or 查 求购 桂花 for demands) gives the
// price range of the fitting open listings and the latest of them; 查 1024
// shows one listing. Answers fit two SMS at most.
func (s *Service) query(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member, r grammar.Result) (string, error) {
	a := r.Args
	switch {
	case a.About == "price" && a.Scope != "mine" && a.ListingID == nil:
		return s.queryPrice(ctx, tx, in, a)
	case a.Scope == "mine" && a.Species == "":
		return s.queryMine(ctx, tx, in, m)
	case a.Species != "":
		return s.queryBook(ctx, tx, in, a)
	case a.ListingID != nil:
		id, err := parseID(a.ListingID, "查 1024")
		if err != nil {
			return "", err
		}
		l, err := tx.ListingForUpdate(ctx, id)
		if matching.ErrorCodeOf(err) == matching.CodeNotFound {
			return "", matching.Errorf(matching.CodeNotFound, "没有%d号信息", id)
		}
		if err != nil {
			return "", err
		}
		text := outbound.ListingState(l, stateText(l, tx))
		return fmt.Sprintf("查%d号", id), s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(text), outbound.KindReply)
	}
	return "回复查询用法", s.reply(ctx, tx, in.ID, in.Sender, s.Outbox.Fit(grammar.HelpTexts(grammar.CmdQuery)...), outbound.KindHelp)
}

func (s *Service) queryMine(ctx context.Context, tx *store.Tx, in store.Inbound, m store.Member) (string, error) {
	open, err := tx.MemberListings(ctx, m.ID, matching.ListingOpen, 20)
	if err != nil {
		return "", err
	}
	if len(open) == 0 {
		text := s.Outbox.Fit(outbound.NoOwnListings...)
		return "查自己的信息: 无", s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindReply)
	}
	lines := make([]string, len(open))
	for i, l := range open {
		l.Phone, l.Contact = "", "" // their own number: no need to text it back
		lines[i] = outbound.ListingLine(l)
	}
	text, took := outbound.Digest(outbound.OwnListingHead, lines, s.Outbox.Room(2))
	return fmt.Sprintf("查自己的信息: %d条，回复%d条", len(open), took), s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindReply)
}

// queryBook answers 查 桂花 8公分: the open listings of that species on the
// asked side (offers unless 求购 was said) that fit the spec and attributes
// given, their price range, and the newest few.
func (s *Service) queryBook(ctx context.Context, tx *store.Tx, in store.Inbound, a grammar.Args) (string, error) {
	side := matching.Supply
	if a.Side == grammar.SideDemand {
		side = matching.Demand
	}
	book, err := tx.OpenListings(ctx, side, a.Species)
	if err != nil {
		return "", err
	}
	// The question as a listing of the other side, so that the matching
	// rules decide what fits it.
	q := matching.Listing{Side: side.Opposite(), Species: a.Species, Attrs: a.Attrs, State: matching.ListingOpen,
		CreatedAt: tx.Now, ExpiresAt: tx.Now.Add(matching.DefaultListingTTL)}
	if a.Spec != nil {
		q.Spec = a.Spec.Listing()
	}
	var fit []matching.Listing
	for _, l := range book {
		supply, demand := l, q
		if side == matching.Demand {
			supply, demand = q, l
		}
		if ok, _ := matching.Compatible(supply, demand); ok {
			fit = append(fit, l)
		}
	}
	if len(fit) == 0 {
		text := s.Outbox.Fit(outbound.NoneInBook(a.Species, side)...)
		return "查" + a.Species + ": 无", s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindReply)
	}
	lo, hi, priced := priceRange(fit, side)
	slices.SortFunc(fit, func(x, y matching.Listing) int { return -x.CreatedAt.Compare(y.CreatedAt) })
	head := outbound.BookHead(a.Species, side, len(fit), lo, hi, priced)
	lines := make([]string, 0, queryLines)
	for _, l := range fit[:min(queryLines, len(fit))] {
		lines = append(lines, outbound.ListingLine(l))
	}
	text, _ := outbound.Digest(head, lines, s.Outbox.Room(2))
	return fmt.Sprintf("查%s: %d条", a.Species, len(fit)), s.reply(ctx, tx, in.ID, in.Sender, text, outbound.KindReply)
}

// priceRange is the lowest and highest per-unit price among ls: asks for
// offers, bids for demands.
func priceRange(ls []matching.Listing, side matching.Side) (lo, hi decimal.Decimal, ok bool) {
	for _, l := range ls {
		p, has := l.Ask()
		if side == matching.Demand {
			p, has = l.Bid()
		}
		if !has {
			continue
		}
		if !ok || p.LessThan(lo) {
			lo = p
		}
		if !ok || p.GreaterThan(hi) {
			hi = p
		}
		ok = true
	}
	return lo, hi, ok
}

func stateText(l matching.Listing, tx *store.Tx) string {
	if l.State == matching.ListingOpen && !l.Open(tx.Now) {
		return matching.ListingExpired.Chinese()
	}
	return l.State.Chinese()
}

package exchange

import (
	"context"
	"fmt"
	"time"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw"
)

// capped are the kinds a number's daily cap counts.
var capped = outbound.Strings(outbound.DailyCapped)

// fragmentReplyEvery is how often at most a number is told that its long
// text came incomplete.
const fragmentReplyEvery = 30 * time.Minute

// Digest hours, China time: nobody gets a digest at night.
const (
	digestFrom  = 8  // from 08:00
	digestUntil = 21 // until 21:00
)

// announce tells each number with an open demand that new offer l fits
// about it, once per number: at once while the number is under its daily
// cap, else held for its next digest. It returns how many demands fit and a
// note of what the notices cost for the inbound row's outcome.
func (s *Service) announce(ctx context.Context, tx *store.Tx, inboundID int64, l matching.Listing, demands []matching.Listing) (int, string, error) {
	fits := matching.DemandsForOffer(l, demands, tx.Now)
	var others []matching.Listing
	var phones []string
	for _, d := range fits {
		if d.Phone != l.Phone {
			others = append(others, d)
			phones = append(phones, d.Phone)
		}
	}
	if len(others) == 0 {
		return len(fits), "", nil
	}
	if err := tx.LockNotify(ctx, phones); err != nil {
		return 0, "", err
	}
	sent, err := tx.TextsSince(ctx, phones, capped, matching.DayStart(tx.Now))
	if err != nil {
		return 0, "", err
	}
	text := s.Outbox.Fit(outbound.MatchNotice(l)...)
	var now, held, parts int
	for _, n := range s.policy.PlanOffer(others, sent) {
		if n.Delivery == matching.HoldForDigest {
			if err := tx.HoldNotice(ctx, n.Phone, l.ID); err != nil {
				return 0, "", err
			}
			held++
			continue
		}
		queued, err := s.Outbox.Enqueue(ctx, tx, outbound.Msg{To: n.Phone, Body: text, Kind: outbound.KindMatch, InboundID: inboundID})
		if err != nil {
			return 0, "", err
		}
		if queued { // not for a number on the stoplist
			now++
			parts += s.Outbox.Parts(text)
		}
	}
	note := fmt.Sprintf("通知%d人(%d条短信)", now, parts)
	if held > 0 {
		note += fmt.Sprintf("，%d人已达当日上限待汇总", held)
	}
	return len(fits), note, nil
}

// DigestReport is what one digest round did.
type DigestReport struct {
	Texts int // digests written
	Parts int // SMS parts they cost
	Items int // offers they carried
}

// SendDigests writes, for each number with held offers that is under its
// daily cap again (a new day), one digest of the offers still open, at most
// two SMS parts; what does not fit waits for the next one. Outside the
// digest hours it does nothing. Safe to run in several processes: notices
// are locked while a digest is written and each number's cap is locked.
func (s *Service) SendDigests(ctx context.Context) (DigestReport, error) {
	st := s.Store
	var rep DigestReport
	if h := st.Now().In(matching.ChinaTime).Hour(); h < digestFrom || h >= digestUntil {
		return rep, nil
	}
	phones, err := st.HeldPhones(ctx, 500)
	if err != nil {
		return rep, err
	}
	for _, phone := range phones {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.LockNotify(ctx, []string{phone}); err != nil {
				return err
			}
			sent, err := tx.TextsSince(ctx, []string{phone}, capped, matching.DayStart(tx.Now))
			if err != nil {
				return err
			}
			if s.policy.Decide(sent[phone]) == matching.HoldForDigest {
				return nil
			}
			held, err := tx.HeldNotices(ctx, phone)
			if err != nil {
				return err
			}
			var done []int64
			var lines []string
			var carried []int64
			for _, h := range held {
				if !h.Offer.Open(tx.Now) || h.Offer.Remaining <= 0 && h.Offer.QtyKnown() {
					done = append(done, h.ID) // sold or closed meanwhile: drop it
					continue
				}
				lines = append(lines, outbound.OfferLine(h.Offer))
				carried = append(carried, h.ID)
			}
			if len(lines) > 0 {
				text, took := outbound.Digest(outbound.HeldOffersHead, lines, s.Outbox.Room(2))
				queued, err := s.Outbox.Enqueue(ctx, tx, outbound.Msg{To: phone, Body: text, Kind: outbound.KindDigest})
				if err != nil {
					return err
				}
				if queued {
					rep.Texts++
					rep.Items += took
					rep.Parts += s.Outbox.Parts(text)
				}
				if !queued {
					took = len(carried) // a stopped number: drop them all
				}
				done = append(done, carried[:took]...)
			}
			if len(done) == 0 {
				return nil
			}
			return tx.SettleNotices(ctx, done)
		})
		if err != nil {
			return rep, fmt.Errorf("digest for %s: %w", smsgw.MaskNumber(phone), err)
		}
	}
	return rep, nil
}

// Package prices is the transaction shell of the price index (价格行情): it
// reads a species' deals, asks and bids from the store, builds the index
// with matching's rules, words the SMS answer to 行情 桂花, and sends the
// weekly bulletin to subscribers on Monday 08:00 China time, once across
// processes and restarts (as group-buy deadlines fire).
package prices

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"huamu/internal/outbound"
	"huamu/internal/startstop"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw"
)

// MaxSubscriptions is how many species one number may subscribe to.
const MaxSubscriptions = 5

// LateLimit is how late a weekly bulletin may still go out (the system was
// down over Monday 08:00); a later one is skipped, not sent stale.
const LateLimit = 48 * time.Hour

// Service builds price indexes and sends the weekly bulletin.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	// Every is how often the bulletin's time is checked; default 30 s.
	Every time.Duration
	// Settings returns how a species is banded (the lexicon's setting);
	// nil gives every species the defaults.
	Settings func(species string) matching.BandSettings
	// Outbox writes the bulletin's texts (its signature counts in their
	// length, and it wakes the senders after the commit); nil writes them
	// with no signature counted and leaves the senders to find them.
	Outbox *outbound.Outbox
	// Flooding reports, for each number, whether it is flagged as flooding
	// the exchange (redisx.Flood): the bulletin skips such numbers this
	// week, so that an auto-replying handset is not fed more texts. nil: none.
	Flooding func(ctx context.Context, phones []string) ([]bool, error)

	group startstop.Group
}

func (s *Service) outbox() *outbound.Outbox {
	if s.Outbox == nil {
		return &outbound.Outbox{}
	}
	return s.Outbox
}

func (s *Service) settings(species string) matching.BandSettings {
	if s.Settings == nil {
		return matching.BandSettings{}
	}
	return s.Settings(species)
}

// Index builds species' index for the weeks weeks ending with the week of
// at (tx.Now for the current week; a past week's index is as of its end).
func (s *Service) Index(ctx context.Context, tx *store.Tx, species string, weeks int, at time.Time) (matching.PriceIndex, error) {
	weeks = max(weeks, 1)
	cur := matching.WeekStart(at)
	if cur.Before(matching.WeekStart(tx.Now)) {
		at = cur.AddDate(0, 0, 7).Add(-time.Nanosecond) // the week as it ended
	} else {
		cur, at = matching.WeekStart(tx.Now), tx.Now
	}
	from := cur.AddDate(0, 0, -7*(weeks-1)-28) // the four weeks before, for the trend
	obs, err := tx.PriceObservations(ctx, species, from, cur.AddDate(0, 0, 7))
	if err != nil {
		return matching.PriceIndex{}, fmt.Errorf("price index of %s: %w", species, err)
	}
	return matching.BuildPriceIndex(species, s.settings(species), obs, at, weeks), nil
}

// Answer words the SMS answer to 行情 桂花 in at most room UTF-16 units.
// A spec asked with it (桂花8公分好多钱) narrows the answer to that band.
func (s *Service) Answer(ctx context.Context, tx *store.Tx, species string, spec matching.Spec, room int) (string, error) {
	ix, err := s.Index(ctx, tx, species, 2, tx.Now)
	if err != nil {
		return "", err
	}
	var keep func(matching.PriceSeries) bool
	if len(spec) > 0 {
		keep = func(ps matching.PriceSeries) bool { return ps.Band.Contains(spec) }
		if !hasSeries(ix, keep) {
			keep = nil // a size nobody prices: the whole species
		}
	}
	return outbound.PriceAnswer(ix, room, keep), nil
}

func hasSeries(ix matching.PriceIndex, keep func(matching.PriceSeries) bool) bool {
	for _, ps := range ix.Series {
		if keep(ps) {
			return true
		}
	}
	return false
}

// FireDue sends this week's bulletin when it is due and no process has
// sent it: in one transaction that holds the week's row (others skip it),
// one text per subscribed number with last week's figures of the species
// it subscribed to. A stopped number gets nothing (Enqueue's rule for an
// unsolicited kind), nor does one flooding the exchange. It returns the
// bulletin's id, 0 when none was sent.
func (s *Service) FireDue(ctx context.Context) (int64, error) {
	if now := s.Store.Now(); now.Before(matching.PriceBulletinDue(now)) || now.Sub(matching.PriceBulletinDue(now)) > LateLimit {
		return 0, nil // most of the week: no transaction to find that out
	}
	var id int64
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		monday, due := matching.WeekStart(tx.Now), matching.PriceBulletinDue(tx.Now)
		if tx.Now.Before(due) || tx.Now.Sub(due) > LateLimit {
			return nil // not yet, or too late to be news: this week has none
		}
		held, err := tx.ClaimPriceBulletin(ctx, monday, due)
		if err != nil || !held {
			return err
		}
		subs, err := tx.PriceSubscribers(ctx)
		if err != nil {
			return err
		}
		subs = s.notFlooding(ctx, subs)
		ixs := map[string]matching.PriceIndex{}
		var species []string
		for _, sub := range subs {
			for _, sp := range sub.Species {
				if _, ok := ixs[sp]; ok {
					continue
				}
				if ixs[sp], err = s.Index(ctx, tx, sp, 2, tx.Now); err != nil {
					return err
				}
				species = append(species, sp)
			}
		}
		last := monday.AddDate(0, 0, -7)
		o := s.outbox()
		sent := store.PriceBulletinSent{Body: outbound.PriceBulletinRecord(last, species), Kind: string(outbound.KindBulletin)}
		for _, sub := range subs {
			list := make([]matching.PriceIndex, len(sub.Species))
			for i, sp := range sub.Species {
				list[i] = ixs[sp]
			}
			text := outbound.WeeklyPriceBulletin(last, list, o.Room(2))
			queued, err := o.Enqueue(ctx, tx, outbound.Msg{To: sub.Phone, Body: text, Kind: outbound.KindBulletin})
			if err != nil {
				return err
			}
			if queued {
				sent.Recipients = append(sent.Recipients, sub.Phone)
				sent.Parts = max(sent.Parts, o.Parts(text))
			}
		}
		if id, err = tx.FinishPriceBulletin(ctx, monday, sent); err != nil {
			return err
		}
		s.log().Info("weekly price bulletin queued", slog.Int64("bulletin", id), slog.Int("recipients", len(sent.Recipients)))
		return nil
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// notFlooding drops the numbers flagged as flooding, asking for the flags
// floodBatch numbers at a time. When the flags cannot be read, nobody is
// dropped: a lost flag must not cost a subscriber the week's bulletin.
func (s *Service) notFlooding(ctx context.Context, subs []store.PriceSubscriber) []store.PriceSubscriber {
	if s.Flooding == nil || len(subs) == 0 {
		return subs
	}
	flags := make([]bool, 0, len(subs))
	for from := 0; from < len(subs); from += floodBatch {
		batch := subs[from:min(from+floodBatch, len(subs))]
		phones := make([]string, len(batch))
		for i, sub := range batch {
			phones[i] = sub.Phone
		}
		got, err := s.Flooding(ctx, phones)
		if err != nil || len(got) != len(batch) {
			s.log().Warn("flood flags unavailable for the price bulletin", slog.Any("err", err))
			return subs
		}
		flags = append(flags, got...)
	}
	out := subs[:0:0]
	for i, sub := range subs {
		if flags[i] {
			s.log().Info("price bulletin skips a flooding number", slog.String("to", smsgw.MaskNumber(sub.Phone)))
			continue
		}
		out = append(out, sub)
	}
	return out
}

// floodBatch is how many numbers one flood-flag call asks about.
const floodBatch = 1000

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Start checks at once whether the week's bulletin is due (one that fell
// due while the system was down goes out now, within LateLimit) and then
// every Every, until Stop.
func (s *Service) Start(ctx context.Context) {
	every := s.Every
	if every <= 0 {
		every = 30 * time.Second
	}
	s.group.Start(ctx, func(ctx context.Context) {
		startstop.Every(ctx, every, func(ctx context.Context) {
			if _, err := s.FireDue(ctx); err != nil {
				s.log().Error("weekly price bulletin", slog.Any("err", err))
			}
		})
	})
}

// Stop waits for the current check to finish. It is idempotent.
func (s *Service) Stop() { s.group.Stop() }

package intake

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"huamu/internal/startstop"
	"huamu/internal/store"
	"huamu/smsgw"
)

// Sessions keeps the life of this process's SMPP sessions in the store:
// when each began and ended, and every store.SessionBeat that the live ones
// still live. A text seen twice is told a redelivery from a person's
// repeat by them (see store.MO). It implements smsgw.SessionLog; its
// methods never block the gateway: what they report is written by its own
// goroutine.
type Sessions struct {
	Store *store.Store
	Log   *slog.Logger
	// Key is the process's lease key, held for its life: another process
	// learns from its lock, at once, that this one died. Nil: only the
	// beats tell.
	Key *store.LeaseKey

	write  sync.Mutex // held while events are written: in the order reported
	mu     sync.Mutex
	live   map[string]bool
	events []sessionEvent
	wake   chan struct{}
	group  startstop.Group
}

type sessionEvent struct {
	id, bind string
	up       bool
	clean    bool
}

var _ smsgw.SessionLog = (*Sessions)(nil)

// SessionUp records that a session began.
func (s *Sessions) SessionUp(id, bind string) { s.add(sessionEvent{id: id, bind: bind, up: true}) }

// SessionDown records that a session ended.
func (s *Sessions) SessionDown(id string, clean bool) { s.add(sessionEvent{id: id, clean: clean}) }

func (s *Sessions) add(e sessionEvent) {
	s.mu.Lock()
	if s.live == nil {
		s.live = map[string]bool{}
		s.wake = make(chan struct{}, 1)
	}
	s.events = append(s.events, e)
	if e.up {
		s.live[e.id] = true
	} else {
		delete(s.live, e.id)
	}
	wake := s.wake
	s.mu.Unlock()
	select {
	case wake <- struct{}{}:
	default:
	}
}

// Start writes the sessions' life until Stop; Stop writes what is left.
func (s *Sessions) Start(ctx context.Context) {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	s.mu.Lock()
	if s.live == nil {
		s.live = map[string]bool{}
		s.wake = make(chan struct{}, 1)
	}
	wake := s.wake
	s.mu.Unlock()
	s.group.Start(ctx, func(ctx context.Context) {
		beat := time.NewTicker(store.SessionBeat)
		defer beat.Stop()
		for {
			select {
			case <-ctx.Done():
				s.flush(context.WithoutCancel(ctx))
				return
			case <-wake:
				s.flush(ctx)
			case <-beat.C:
				s.mu.Lock()
				ids := slices.Collect(maps.Keys(s.live))
				s.mu.Unlock()
				if err := s.Store.SessionsAlive(ctx, ids); err != nil {
					s.Log.Warn("sessions alive", slog.Any("err", err))
				}
			}
		}
	})
}

// Stop writes what is left and stops. It is idempotent.
func (s *Sessions) Stop() { s.group.Stop() }

// Flush writes the events reported so far before it returns. The Inbox
// calls it before it stores a batch: a copy the SMSC delivers again the
// moment a session dropped comes on the next session, and its session's
// end must be known by then to tell it from a person's repeat.
func (s *Sessions) Flush(ctx context.Context) {
	s.mu.Lock()
	pending := len(s.events)
	s.mu.Unlock()
	if pending > 0 {
		s.flush(ctx)
	}
}

// flush writes the events reported so far, in order.
func (s *Sessions) flush(ctx context.Context) {
	s.write.Lock()
	defer s.write.Unlock()
	s.mu.Lock()
	events := s.events
	s.events = nil
	s.mu.Unlock()
	for _, e := range events {
		var err error
		if e.up {
			var key int64
			if s.Key != nil {
				key = s.Key.Key
			}
			err = s.Store.SessionStarted(ctx, e.id, e.bind, key)
		} else {
			err = s.Store.SessionEnded(ctx, e.id, e.clean)
		}
		if err != nil {
			s.Log.Warn("record SMPP session", slog.String("session", e.id), slog.Bool("up", e.up), slog.Any("err", err))
		}
	}
}

// Package lexicon keeps the grammar in step with the lexicon in PostgreSQL:
// it builds a grammar from the newest saved version at start, swaps in a new
// one atomically when a clerk saves a change (told by a Redis wake-up, and
// checked every few seconds in case a wake-up was lost), and offers the
// edits a clerk makes (species, alias, variety, town, village).
package lexicon

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"huamu/internal/startstop"
	"huamu/internal/store"
	"huamu/smsgw/grammar"
)

// Topic is the Redis wake-up topic a lexicon change is announced on.
const Topic = "lexicon"

// Provider holds the current grammar. Grammar is safe from any goroutine.
type Provider struct {
	Store *store.Store
	// Wakeups receives after another process saved a version; nil for none.
	Wakeups <-chan struct{}
	// Announce tells the other processes that a version was saved; nil for none.
	Announce func(ctx context.Context)
	Log      *slog.Logger
	// Interval is the fallback check; default 10 s.
	Interval time.Duration

	cur   atomic.Pointer[loaded]
	mu    sync.Mutex // one reload at a time
	group startstop.Group
}

type loaded struct {
	version int64
	g       *grammar.Grammar
	eff     grammar.LexiconData
}

// Build makes the grammar for saved lexicon data: the release's embedded
// lexicon with the saved data merged over it, so a release's new words and a
// clerk's additions both count.
func Build(data json.RawMessage) (*grammar.Grammar, error) {
	var d grammar.LexiconData
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("decode lexicon: %w", err)
	}
	return grammar.New(effective(d))
}

// effective is the embedded lexicon with saved data merged over it. Places
// are a list, not a set: saved places replace the embedded ones rather than
// doubling them.
func effective(d grammar.LexiconData) grammar.LexiconData {
	base := grammar.EmbeddedLexiconData()
	if len(d.Places) > 0 {
		base.Places = nil
	}
	base.Merge(d)
	return base
}

// Load reads the newest version and builds its grammar. It must succeed
// before Start; a broken saved lexicon fails start-up instead of parsing
// with the wrong words.
func (p *Provider) Load(ctx context.Context) error {
	if p.Log == nil {
		p.Log = slog.New(slog.DiscardHandler)
	}
	_, err := p.reload(ctx)
	return err
}

// Grammar returns the grammar of the newest loaded version (the embedded
// one before Load).
func (p *Provider) Grammar() *grammar.Grammar {
	if l := p.cur.Load(); l != nil {
		return l.g
	}
	return grammar.Default()
}

// Data is the effective lexicon of the loaded version (the embedded one
// before Load). Callers must not change it.
func (p *Provider) Data() grammar.LexiconData {
	if l := p.cur.Load(); l != nil {
		return l.eff
	}
	return grammar.EmbeddedLexiconData()
}

// Version is the id of the loaded lexicon version (0 before Load).
func (p *Provider) Version() int64 {
	if l := p.cur.Load(); l != nil {
		return l.version
	}
	return 0
}

func (p *Provider) reload(ctx context.Context) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id, err := p.Store.LatestLexiconID(ctx)
	if err != nil {
		return false, err
	}
	if cur := p.cur.Load(); cur != nil && cur.version >= id {
		return false, nil
	}
	v, err := p.Store.LatestLexicon(ctx)
	if err != nil {
		return false, err
	}
	eff, err := Effective(v.Data)
	if err != nil {
		return false, fmt.Errorf("lexicon version %d: %w", v.ID, err)
	}
	g, err := grammar.New(eff)
	if err != nil {
		return false, fmt.Errorf("lexicon version %d: %w", v.ID, err)
	}
	p.cur.Store(&loaded{version: v.ID, g: g, eff: eff})
	p.Log.Info("lexicon loaded", slog.Int64("version", v.ID))
	return true, nil
}

// Changed is called after this process saved a version: it reloads here at
// once and tells the other processes.
func (p *Provider) Changed(ctx context.Context) error {
	if _, err := p.reload(ctx); err != nil {
		return err
	}
	if p.Announce != nil {
		p.Announce(ctx)
	}
	return nil
}

// Start watches for new versions until Stop.
func (p *Provider) Start(ctx context.Context) {
	if p.Log == nil {
		p.Log = slog.New(slog.DiscardHandler)
	}
	every := p.Interval
	if every <= 0 {
		every = 10 * time.Second
	}
	p.group.Start(ctx, func(ctx context.Context) {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-p.Wakeups:
			case <-t.C:
			}
			if _, err := p.reload(ctx); err != nil && ctx.Err() == nil {
				p.Log.Error("lexicon reload", slog.Any("err", err))
			}
		}
	})
}

// Stop ends the watching and waits for it. It is idempotent.
func (p *Provider) Stop() { p.group.Stop() }

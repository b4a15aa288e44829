package lexicon_test

import (
	"context"
	"slices"
	"testing"

	"huamu/internal/lexicon"
	"huamu/internal/pgtest"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

func TestSetPriceBands_AClerksBandsReachTheIndexAndCanBeUndone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pgtest.Store(t, nil)
	p := newProvider(t, st, nil)
	u := clerk(t, st)
	if got := lexicon.BandSettings(p.Data(), "桂花"); got.Basis != "" || got.Edges != nil || got.ByVariety {
		t.Fatalf("before any setting: %+v", got)
	}
	set := func(basis, edges string, byVariety bool) error {
		e, err := lexicon.ParseEdges(edges)
		if err != nil {
			return err
		}
		_, err = p.Edit(ctx, u.ID, "行情分档 桂花", func(d *grammar.LexiconData, eff grammar.LexiconData) error {
			return lexicon.SetPriceBands(d, eff, "桂花", basis, e, byVariety)
		})
		return err
	}
	if err := set(matching.SpecD1M, "４，6、8 10 12.5", true); err != nil {
		t.Fatal(err)
	}
	got := lexicon.BandSettings(p.Data(), "桂花")
	if got.Basis != matching.SpecD1M || !slices.Equal(got.Edges, []float64{4, 6, 8, 10, 12.5}) || !got.ByVariety {
		t.Fatalf("after the setting: %+v", got)
	}
	// The grammar still parses with the new version.
	if r := p.Grammar().Parse("供 桂花 8公分 200株 600元"); r.Type != grammar.TypeListing {
		t.Fatalf("parse after a band setting: %+v", r)
	}
	for _, bad := range []struct{ basis, edges string }{
		{"", "4 6 8"},             // edges need a basis
		{"colour", ""},            // no such basis
		{matching.SpecD1M, "8 6"}, // not ascending
		{matching.SpecD1M, "8 x"}, // not a number
	} {
		if err := set(bad.basis, bad.edges, false); matching.ErrorCodeOf(err) != matching.CodeInvalid {
			t.Errorf("setting %q %q: %v, want invalid", bad.basis, bad.edges, err)
		}
	}
	if err := set("", "", false); err != nil {
		t.Fatal(err)
	}
	if got := lexicon.BandSettings(p.Data(), "桂花"); got.Basis != "" || got.Edges != nil || got.ByVariety {
		t.Fatalf("after restoring the defaults: %+v", got)
	}
	_, err := p.Edit(ctx, u.ID, "x", func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.SetPriceBands(d, eff, "火星花", matching.SpecD1M, nil, false)
	})
	if matching.ErrorCodeOf(err) != matching.CodeNotFound {
		t.Errorf("an unknown species: %v", err)
	}
}

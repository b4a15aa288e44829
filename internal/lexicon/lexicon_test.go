package lexicon_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"huamu/internal/exchange"
	"huamu/internal/lexicon"
	"huamu/internal/pgtest"
	"huamu/internal/redistest"
	"huamu/internal/redisx"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

func examples(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../../smsgw/grammar/testdata/examples.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ex struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &ex); err != nil {
			t.Fatal(err)
		}
		out = append(out, ex.Text)
	}
	if len(out) < 10 {
		t.Fatalf("only %d examples", len(out))
	}
	return out
}

func parseJSON(t *testing.T, g *grammar.Grammar, text string) string {
	t.Helper()
	b, err := json.Marshal(g.Parse(text))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMigratedLexicon_ParsesThePublicExamplesLikeTheEmbeddedGrammar(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	v, err := st.LatestLexicon(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var d grammar.LexiconData
	if err := json.Unmarshal(v.Data, &d); err != nil {
		t.Fatal(err)
	}
	alone, err := grammar.New(d) // the migrated data by itself, not merged with the embedded
	if err != nil {
		t.Fatal(err)
	}
	built, err := lexicon.Build(v.Data)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range examples(t) {
		want := parseJSON(t, grammar.Default(), text)
		if got := parseJSON(t, alone, text); got != want {
			t.Errorf("%q\nmigrated lexicon: %s\nembedded:         %s\n(the embedded lexicon changed after migrations/0002_lexicon.sql was generated: "+
				"regenerate 0002 before it ships, or once shipped add the new words in a later migration)", text, got, want)
		}
		if got := parseJSON(t, built, text); got != want {
			t.Errorf("%q\nprovider's grammar: %s\nembedded:           %s", text, got, want)
		}
	}
}

func newProvider(t *testing.T, st *store.Store, rc *redisx.Client) *lexicon.Provider {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	p := &lexicon.Provider{Store: st, Interval: time.Hour}
	if rc != nil {
		p.Wakeups = rc.Wakeups(ctx, lexicon.Topic)
		p.Announce = func(ctx context.Context) { rc.Wake(ctx, lexicon.Topic) }
	}
	if err := p.Load(ctx); err != nil {
		t.Fatal(err)
	}
	p.Start(ctx)
	t.Cleanup(p.Stop)
	return p
}

func clerk(t *testing.T, st *store.Store) store.User {
	u, err := st.UpsertUser(context.Background(), "li", "李", store.RoleClerk, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

const unknownText = "供 花木通树 8公分 200株 万春镇"

func TestAlias_AnUnknownWordTextedInParsesAfterAClerkAddsIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pgtest.Store(t, nil)
	p := newProvider(t, st, nil)
	ex := exchange.New(st, p.Grammar, "【花木通】", nil)
	handle := func(key string) store.Inbound {
		t.Helper()
		id, _, err := st.InsertInbound(ctx, store.MO{DedupKey: key, Bind: "b", Sender: "13800000001", Body: unknownText})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error { return ex.HandleInbound(ctx, tx, in) }); err != nil {
			t.Fatal(err)
		}
		rows, err := st.ListInbound(ctx, store.InboundFilter{Sender: "13800000001"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.ID == id {
				return r
			}
		}
		t.Fatalf("inbound %d not found", id)
		return store.Inbound{}
	}
	if in := handle("k1"); in.State != "needs_clerk" || in.Reason != grammar.ReasonNoSpecies {
		t.Fatalf("before the alias: state %s reason %s, want needs_clerk no_species", in.State, in.Reason)
	}
	u := clerk(t, st)
	if _, err := p.Edit(ctx, u.ID, "别名 花木通树→桂花", func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.AddAlias(d, eff, "桂花", "花木通树")
	}); err != nil {
		t.Fatal(err)
	}
	in := handle("k2")
	if in.State != "done" {
		t.Fatalf("after the alias: state %s reason %s outcome %s, want done", in.State, in.Reason, in.Outcome)
	}
	ls, err := st.ListListings(ctx, store.ListingFilter{Phone: "13800000001"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || ls[0].Species != "桂花" || ls[0].Remaining != 200 {
		t.Fatalf("listings after the alias: %+v", ls)
	}
}

func TestEdit_AnotherProcessPicksUpTheNewVersionWithoutARestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pgtest.Store(t, nil)
	prefix := redistest.Prefix(t)
	open := func() *redisx.Client {
		c, err := redisx.Open(ctx, redistest.URL(), prefix, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	a, b := newProvider(t, st, open()), newProvider(t, st, open())
	time.Sleep(200 * time.Millisecond) // let b's subscription register before a announces
	if b.Grammar().Parse("出售 蓝莓苗 200株").Type == grammar.TypeListing {
		t.Fatal("蓝莓 parses before it was added")
	}
	u := clerk(t, st)
	v, err := a.Edit(ctx, u.ID, "新品种 蓝莓", func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.AddSpecies(d, eff, "蓝莓", "果树", []string{"蓝莓苗"})
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for b.Version() < v {
		if time.Now().After(deadline) {
			t.Fatalf("the other process still has version %d, want %d", b.Version(), v)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r := b.Grammar().Parse("出售 蓝莓苗 200株")
	if r.Type != grammar.TypeListing || r.Items[0].Species != "蓝莓" {
		t.Fatalf("after the edit the other process parses %+v", r)
	}
}

// Stop ends the watching for good: a wake-up after it loads nothing, and
// Stop again, or on a provider never started, returns at once.
func TestProvider_StopEndsTheWatchingAndIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pgtest.Store(t, nil)
	never := &lexicon.Provider{Store: st}
	never.Stop()

	a := &lexicon.Provider{Store: st}
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	wake := make(chan struct{}, 1)
	b := &lexicon.Provider{Store: st, Wakeups: wake, Interval: time.Hour}
	if err := b.Load(ctx); err != nil {
		t.Fatal(err)
	}
	b.Start(ctx)
	b.Stop()
	b.Stop()
	before := b.Version()
	v, err := a.Edit(ctx, clerk(t, st).ID, "新品种 蓝莓", func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.AddSpecies(d, eff, "蓝莓", "果树", []string{"蓝莓苗"})
	})
	if err != nil || v <= before {
		t.Fatalf("edit = version %d, %v; want a version after %d", v, err, before)
	}
	wake <- struct{}{}
	time.Sleep(200 * time.Millisecond)
	if got := b.Version(); got != before {
		t.Fatalf("a stopped provider loaded version %d (had %d)", got, before)
	}
}

func TestEdit_RefusesAWordAnotherSpeciesOwnsAndSavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pgtest.Store(t, nil)
	p := newProvider(t, st, nil)
	u := clerk(t, st)
	before := p.Version()
	_, err := p.Edit(ctx, u.ID, "x", func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.AddAlias(d, eff, "桂花", "香樟")
	})
	if matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Fatalf("alias 香樟 for 桂花: %v, want a conflict", err)
	}
	for _, bad := range []string{"", "有 空格", "1234", "一二三四五六七八九十一二三"} {
		_, err := p.Edit(ctx, u.ID, "x", func(d *grammar.LexiconData, eff grammar.LexiconData) error {
			return lexicon.AddAlias(d, eff, "桂花", bad)
		})
		if matching.ErrorCodeOf(err) != matching.CodeInvalid {
			t.Errorf("alias %q: %v, want invalid", bad, err)
		}
	}
	_, err = p.Edit(ctx, u.ID, "x", func(d *grammar.LexiconData, eff grammar.LexiconData) error {
		return lexicon.AddVillage(d, eff, "火星镇", "一村")
	})
	if matching.ErrorCodeOf(err) != matching.CodeNotFound {
		t.Fatalf("village under an unknown town: %v", err)
	}
	if id, _ := st.LatestLexiconID(ctx); id != before || p.Version() != before {
		t.Fatalf("a refused edit saved version %d (was %d)", id, before)
	}
}

// An edit and its audit row are one change: with the audit log refusing
// rows, no version is saved; once it takes them, the edit is saved with
// its row.
func TestEdit_AnEditWhoseAuditFailsSavesNoVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := pgtest.Store(t, nil)
	p := newProvider(t, st, nil)
	u := clerk(t, st)
	before := p.Version()
	add := func() error {
		_, err := p.Edit(ctx, u.ID, "加别名 木犀", func(d *grammar.LexiconData, eff grammar.LexiconData) error {
			return lexicon.AddAlias(d, eff, "桂花", "木犀花")
		})
		return err
	}
	mend := pgtest.FailInserts(t, st, "audit_log")
	if err := add(); err == nil {
		t.Fatal("an edit was saved with the audit log down")
	}
	if id, _ := st.LatestLexiconID(ctx); id != before {
		t.Fatalf("an edit whose audit failed saved version %d (was %d)", id, before)
	}
	mend()
	if err := add(); err != nil {
		t.Fatal(err)
	}
	var audits int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'lexicon.edit'`).Scan(&audits); err != nil || audits != 1 {
		t.Fatalf("%d audit rows (%v), want 1", audits, err)
	}
	if id, _ := st.LatestLexiconID(ctx); id == before {
		t.Fatal("the edit was not saved once the audit log took rows")
	}
}

package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"huamu/internal/app"
	"huamu/internal/config"
	"huamu/internal/pgtest"
	"huamu/internal/redistest"
	"huamu/internal/smsc"
	"huamu/internal/store"
	"huamu/smsgw"
)

// chromiumPath installs (when root) and finds Debian's Chromium through
// internal/devenv/browser.sh. Without a browser the test fails and says
// what to install: a browser test that skips proves nothing.
func chromiumPath(t *testing.T) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("../devenv/browser.sh")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("no Chromium for the browser tests: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// artifacts is where the browser test leaves its screenshots and the
// downloaded sheet (git-ignored).
func artifacts(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "artifacts", "browser"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// wholeExchange starts a complete huamu process (intake, senders, back
// office) on :0 bound to its own SMSC simulator, as production runs.
func wholeExchange(t *testing.T) (*app.App, *smsc.Server) {
	t.Helper()
	sim, err := smsc.Start(smsc.Config{Addr: "127.0.0.1:0", ReceiptDelay: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	cfg := config.Config{DatabaseURL: pgtest.URL(t), RedisURL: redistest.URL(), HTTPAddr: "127.0.0.1:0",
		Signature: config.DefaultSignature, OrderTTL: config.DefaultOrderTTL, LogLevel: "warn"}
	for _, c := range []smsgw.Carrier{smsgw.Mobile, smsgw.Unicom, smsgw.Telecom} {
		cfg.Binds = append(cfg.Binds, config.Bind{Name: string(c) + "-1", SystemID: "huamu", Password: "pw",
			Addr: sim.Addr(), Carrier: c, Source: "10690000", Window: 10, TPS: 20})
	}
	a, err := app.Start(context.Background(), cfg, app.Options{Migrate: true, RedisPrefix: redistest.Prefix(t)},
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Gateway.WaitUp(ctx); err != nil {
		t.Fatal("no bind came up")
	}
	return a, sim
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestBrowser_AClerksDay(t *testing.T) {
	chrome := chromiumPath(t)
	dir := artifacts(t)
	a, sim := wholeExchange(t)
	ctx := context.Background()
	if _, err := a.Store.UpsertUser(ctx, "wang", "王晓梅", store.RoleAdmin, "correct horse"); err != nil {
		t.Fatal(err)
	}
	for i, town := range []string{"万春镇", "万春镇", "万春镇", "和盛镇"} {
		if _, err := a.Store.AddMember(ctx, 1, fmt.Sprintf("1390000000%d", i), "", town, ""); err != nil {
			t.Fatal(err)
		}
	}
	// A grower texts a word the grammar does not know: it waits for a clerk.
	sim.Inject("13800000001", "10690000", "供 花木通树 8公分 200株 万春镇")
	sim.Inject("13800000002", "10690000", "供 桂花 10公分 300株 80元 和盛镇")
	var waiting int64
	waitFor(t, "the text to reach the needs-a-person queue", func() bool {
		rows, _ := a.Store.ListInbound(ctx, store.InboundFilter{State: "needs_clerk"})
		if len(rows) == 1 {
			waiting = rows[0].ID
		}
		return waiting != 0
	})

	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	defer cancelAlloc()
	bctx, cancelB := chromedp.NewContext(alloc)
	defer cancelB()
	// Start the browser before the deadline: a timeout on the first run's
	// context would stop the whole browser.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", chrome, err)
	}
	bctx, cancelT := context.WithTimeout(bctx, 3*time.Minute)
	defer cancelT()
	base := "http://" + a.HTTPAddr()
	type css = chromedp.CSS
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
		})
	}
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	read := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}

	run("log in",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(css(`input[name=login]`)),
		shot("01-login"),
		chromedp.SendKeys(css(`input[name=login]`), "wang"),
		chromedp.SendKeys(css(`input[name=password]`), "correct horse"),
		chromedp.Click(css(`form.login button`)),
		chromedp.WaitVisible(css(`table.figs`)),
		shot("02-dashboard"),
	)
	if text := read(`main`); !strings.Contains(text, "有 1 条短信等待人工处理") {
		t.Fatalf("dashboard does not announce the waiting text:\n%s", text)
	}

	item := `a[href="/queue/` + itoa(waiting) + `"]`
	run("fix the text in the needs-a-person queue",
		chromedp.Click(css(`nav a[href="/queue"]`)),
		chromedp.WaitVisible(css(item)),
		shot("03-queue"),
		chromedp.Click(css(item)),
		chromedp.WaitVisible(css(`#resolve`)),
		chromedp.SetValue(css(`#resolve input[name=species]`), "桂花"),
		chromedp.SetValue(css(`#resolve select[name=spec_key]`), "dia_cm"),
		chromedp.SetValue(css(`#resolve input[name=spec_min]`), "8"),
		chromedp.SetValue(css(`#resolve input[name=qty]`), "200"),
		chromedp.SetValue(css(`#resolve input[name=town]`), "万春镇"),
		chromedp.SendKeys(css(`#resolve input[name=alias]`), "花木通树"),
		shot("04-queue-item"),
		chromedp.Click(css(`#resolve button`)),
		chromedp.WaitVisible(css(`p.flash`)),
	)
	if text := read(`p.flash`); !strings.Contains(text, "已登记为") {
		t.Fatalf("flash after fixing: %q", text)
	}
	if in, _ := a.Store.InboundByID(ctx, waiting); in.State != "resolved" {
		t.Fatalf("the fixed text is %s", in.State)
	}
	// The grammar learned the word: the same word now parses by itself.
	sim.Inject("13800000003", "10690000", "供 花木通树 9公分 100株")
	waitFor(t, "the learned word to parse as a listing", func() bool {
		rows, _ := a.Store.ListInbound(ctx, store.InboundFilter{Sender: "13800000003"})
		return len(rows) == 1 && rows[0].State == "done"
	})

	run("compose a bulletin to a town",
		chromedp.Navigate(base+"/bulletins/new"),
		chromedp.WaitVisible(css(`textarea[name=body]`)),
		chromedp.SendKeys(css(`textarea[name=body]`), "本周桂花8公分上车价600元一株，需要的请回复求购。"),
		chromedp.Click(css(`input[name=audience][value=town]`)),
		chromedp.SetValue(css(`select[name=town]`), "万春镇"),
		chromedp.Click(css(`form[action="/bulletins/new"] button`)),
		chromedp.WaitVisible(css(`#confirm`)),
		shot("05-bulletin-preview"),
	)
	// Members registered in 万春镇: the three the office entered.
	if n := read(`#recipients`); n != "3" {
		t.Fatalf("recipients in 万春镇: %s, want 3", n)
	}
	run("send it and watch its progress",
		chromedp.Click(css(`#confirm button`)),
		chromedp.WaitVisible(css(`#progress`)),
		chromedp.WaitVisible(css(`#progress.finished h2`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`document.getElementById("delivered").textContent === "3"`,
				chromedp.WithPollingTimeout(60*time.Second))(ctx, tg)
			return err
		}),
		shot("06-bulletin-progress"),
	)
	if n := read(`#delivered`); n != "3" {
		t.Fatalf("delivered: %s", n)
	}

	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(bctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	dctx, stopEvents := context.WithCancel(bctx)
	defer stopEvents()
	finished := make(chan string, 1)
	events := chromedp.BrowserEvents(dctx, browser.DownloadProgress)
	go func() {
		for e, err := range events {
			if err != nil {
				return
			}
			if e.State == browser.DownloadProgressStateCompleted {
				finished <- e.GUID
				return
			}
		}
	}()
	run("export a sheet",
		chromedp.Navigate(base+"/listings"),
		chromedp.WaitVisible(css(`a[href^="/export/listings.xlsx"]`)),
		shot("07-listings"),
		chromedp.Click(css(`a[href^="/export/listings.xlsx"]`)),
	)
	var guid string
	select {
	case guid = <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("the sheet never finished downloading")
	}
	f, err := excelize.OpenFile(filepath.Join(downloads, guid))
	if err != nil {
		t.Fatalf("the downloaded sheet: %v", err)
	}
	rows, err := f.GetRows("供求信息")
	if err != nil || len(rows) != 4 { // header + three open listings
		t.Fatalf("sheet rows: %v %v", rows, err)
	}
	_ = os.WriteFile(filepath.Join(dir, "listings.xlsx"), mustRead(t, filepath.Join(downloads, guid)), 0o644)

	// The other main pages, for the record.
	for _, p := range []struct{ path, name, wait string }{
		{"/members", "08-members", "table"},
		{"/members/1", "09-member", "h1"},
		{"/lexicon?q=桂花", "10-lexicon", "table"},
		{"/outbound", "11-outbound", "table"},
		{"/audit", "12-audit", "table"},
	} {
		run(p.path, chromedp.Navigate(base+p.path), chromedp.WaitVisible(css(p.wait)), shot(p.name))
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

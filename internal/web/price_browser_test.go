package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"huamu/internal/app"
	"huamu/internal/exchange"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw/grammar"
)

// pastClock is a clock the seeding moves back in time.
type pastClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *pastClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *pastClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// seedPriceHistory trades 桂花 by SMS over the last twelve weeks, on a's
// database with a clock set back to each week: 8 cm and 10 cm deals from
// several growers every week (prices drifting up), a 12 cm deal now and
// then (too few to publish), offers standing, and one deal typed at a tenth
// of its price.
func seedPriceHistory(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	c := &pastClock{}
	st := store.New(a.Pool, c.now)
	ex := exchange.New(st, grammar.Default, "【花木通】", nil)
	n := 0
	say := func(from, body string) {
		t.Helper()
		n++
		if _, _, err := st.InsertInbound(ctx, store.MO{DedupKey: fmt.Sprintf("seed%d", n), Bind: "seed", Sender: from, Body: body}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimInbound(ctx, func(tx *store.Tx, in store.Inbound) error { return ex.HandleInbound(ctx, tx, in) }); err != nil {
			t.Fatal(err)
		}
	}
	deal := func(grower string, size, price, qty int) {
		t.Helper()
		say(grower, fmt.Sprintf("供 桂花 %d公分 %d株 %d元 万春镇", size, qty*3, price))
		ls, err := st.ListListings(ctx, store.ListingFilter{Phone: grower, Limit: 1})
		if err != nil || len(ls) == 0 {
			t.Fatalf("no listing: %v", err)
		}
		say("13900000101", fmt.Sprintf("订 %d %d", ls[0].ID, qty))
		os, err := st.SearchOrders(ctx, store.OrderFilter{Limit: 1})
		if err != nil || len(os) == 0 {
			t.Fatalf("no order: %v", err)
		}
		say(grower, fmt.Sprintf("确认 %d", os[0].ID))
	}
	now := time.Now()
	this := matching.WeekStart(now)
	c.set(this.AddDate(0, 0, -80))
	say("13900000101", "注册 张建国 万春镇红旗村")
	say("13800000101", "注册 李光明 和盛镇石牛村")
	for w := 11; w >= 0; w-- {
		at := this.AddDate(0, 0, -7*w).Add(34 * time.Hour) // Tuesday 10:00
		if w == 0 {
			at = now.Add(-10 * time.Minute)
			if at.Before(this) {
				continue
			}
		}
		c.set(at)
		drift := 5 * (11 - w)
		for i, g := range []string{"13800000101", "13800000102", "13800000103", "13800000104"} {
			deal(g, 8, 580+drift+10*i, 40+10*i)
		}
		for i, g := range []string{"13800000105", "13800000106", "13800000105"} {
			deal(g, 10, 800+drift+15*i, 20+5*i)
		}
		if w%3 == 0 {
			deal("13800000107", 12, 980+drift, 10)
		}
		if w == 2 {
			deal("13800000108", 8, 62, 30) // 62 for 620: a clerk should look
		}
	}
	say("13800000109", "供 桂花 15公分 50株 1600元 和盛镇")
}

func TestBrowser_PricesPageDrawsTheChart(t *testing.T) {
	chrome := chromiumPath(t)
	dir := artifacts(t)
	a, _ := wholeExchange(t)
	ctx := context.Background()
	if _, err := a.Store.UpsertUser(ctx, "wang", "王晓梅", store.RoleClerk, "correct horse"); err != nil {
		t.Fatal(err)
	}
	seedPriceHistory(t, a)

	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	defer cancelAlloc()
	bctx, cancelB := chromedp.NewContext(alloc)
	defer cancelB()
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
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+sel+"`"+`).length`))
		if err != nil {
			t.Fatalf("count %s: %v", sel, err)
		}
		return n
	}
	read := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}

	run("log in and open 行情",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css(`input[name=login]`)),
		chromedp.SendKeys(css(`input[name=login]`), "wang"),
		chromedp.SendKeys(css(`input[name=password]`), "correct horse"),
		chromedp.Click(css(`form.login button`)),
		chromedp.WaitVisible(css(`table.figs`)),
		chromedp.Click(css(`nav a[href="/prices"]`)),
		chromedp.WaitVisible(css(`#price-chart svg`)),
		shot("13-prices"),
	)
	// 8 cm and 10 cm weekly medians as lines, asks as bars, a dot per week.
	if n := count(`#price-chart polyline`); n < 2 {
		t.Errorf("%d median lines, want the 8 cm and the 10 cm at least", n)
	}
	if n := count(`#price-chart circle`); n < 20 {
		t.Errorf("%d weekly points", n)
	}
	if n := count(`#price-chart rect.ask`); n < 20 {
		t.Errorf("%d ask bars", n)
	}
	legend := read(`#price-chart figcaption`)
	for _, want := range []string{"8cm", "10cm", "报价范围"} {
		if !strings.Contains(legend, want) {
			t.Errorf("legend %q lacks %q", legend, want)
		}
	}
	table := read(`table.prices`)
	for _, want := range []string{"8cm", "10cm", "15cm"} {
		if !strings.Contains(table, want) {
			t.Errorf("the week's table lacks %q:\n%s", want, table)
		}
	}
	if main := read(`main`); !strings.Contains(main, "请核对的异常成交") || !strings.Contains(main, "62.00") {
		t.Errorf("the 62-yuan deal is not flagged for a clerk")
	}

	run("go back a week, then print the paper sheet",
		chromedp.Click(css(`#week a[href*="week="]`)),
		chromedp.WaitVisible(css(`table.prices`)),
		shot("14-prices-last-week"),
		chromedp.Navigate(base+"/prices/sheet"),
		chromedp.WaitVisible(css(`section.price-sheet`)),
		shot("15-price-sheet"),
	)
	if sheet := read(`section.price-sheet`); !strings.Contains(sheet, "桂花") || !strings.Contains(sheet, "8cm") {
		t.Errorf("the paper sheet:\n%s", sheet)
	}
	run("set 桂花's bands in the lexicon",
		chromedp.Navigate(base+"/lexicon#bands"),
		chromedp.WaitVisible(css(`#bands form`)),
		chromedp.SendKeys(css(`#bands input[name=species]`), "桂花"),
		chromedp.SetValue(css(`#bands select[name=basis]`), "d1m_cm"),
		chromedp.SendKeys(css(`#bands input[name=edges]`), "6 8 10 12 15 20"),
		chromedp.Click(css(`#bands button`)),
		chromedp.WaitVisible(css(`p.flash`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			buf, err := chromedp.Screenshot(css(`#bands`))(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "16-lexicon-bands.png"), buf, 0o644)
		}),
	)
	if bands := read(`#bands table`); !strings.Contains(bands, "6 8 10 12 15 20") {
		t.Errorf("the lexicon's bands table:\n%s", bands)
	}
	for _, p := range []struct{ path, name, wait string }{
		{"/groupbuys/new", "17-groupbuy-new", "form"},
	} {
		run(p.path, chromedp.Navigate(base+p.path), chromedp.WaitVisible(css(p.wait)), shot(p.name))
	}
	// The order book is long by now: its first screen is what a clerk sees.
	run("/orders", chromedp.Navigate(base+"/orders"), chromedp.WaitVisible(css("table")),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			buf, err := chromedp.CaptureScreenshot()(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "18-orders.png"), buf, 0o644)
		}))
}

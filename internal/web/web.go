// Package web is the back office the association's clerks use: server-
// rendered Chinese pages on chi, templates embedded and parsed once at
// start-up, sessions and CSRF tokens in PostgreSQL.
package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/exchange"
	"huamu/internal/groupbuy"
	"huamu/internal/lexicon"
	"huamu/internal/outbound"
	"huamu/internal/prices"
	"huamu/internal/redisx"
	"huamu/internal/store"
	"huamu/matching"
	"huamu/smsgw"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Server holds what the handlers need.
type Server struct {
	store   *store.Store
	gateway *smsgw.Gateway // nil when the process holds no binds
	log     *slog.Logger
	pages   map[string]*template.Template
	secure  bool // cookies over HTTPS only

	lexicon   *lexicon.Provider
	redis     *redisx.Client
	outbox    *outbound.Outbox // writes the texts clerks send, with the signature; wakes the senders
	guard     *redisx.LoginGuard
	proxies   []netip.Prefix // whose forwarded headers name the client
	groupbuys *groupbuy.Service
	exchange  *exchange.Service
	prices    *prices.Service
}

// Options configure the back office.
type Options struct {
	Store   *store.Store
	Gateway *smsgw.Gateway
	Log     *slog.Logger
	// Lexicon is the grammar provider clerks edit; required.
	Lexicon *lexicon.Provider
	// Redis throttles logins and wakes workers; required.
	Redis *redisx.Client
	// Signature is the carrier signature counted in every text's length.
	Signature string
	// Secure marks cookies HTTPS-only: the back office is served over
	// HTTPS (HUAMU_PUBLIC_URL=https://…).
	Secure bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Real-IP headers are believed (HUAMU_TRUSTED_PROXIES); none by default.
	TrustedProxies []netip.Prefix
	// GroupBuys runs group-buys for the 团购 pages; required.
	GroupBuys *groupbuy.Service
	// Exchange carries out clerks' order and listing actions; nil builds
	// one on Store with the default order rules.
	Exchange *exchange.Service
	// Prices builds the price index for the 行情 pages and the API; nil
	// builds one banded by the lexicon's settings.
	Prices *prices.Service
}

// New parses every template (a broken or missing page fails here, at
// start-up, not when a clerk opens it) and returns the server.
func New(o Options) (*Server, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Store == nil || o.Lexicon == nil || o.Redis == nil {
		return nil, fmt.Errorf("web: Store, Lexicon and Redis are required")
	}
	s := &Server{store: o.Store, gateway: o.Gateway, log: o.Log, pages: map[string]*template.Template{},
		lexicon: o.Lexicon, redis: o.Redis, secure: o.Secure, groupbuys: o.GroupBuys,
		guard: o.Redis.LoginGuard(), proxies: o.TrustedProxies,
		outbox: &outbound.Outbox{Budget: outbound.Budget{Signature: o.Signature},
			Wake: func(ctx context.Context) { o.Redis.Wake(ctx, "outbox") }}}
	if s.exchange = o.Exchange; s.exchange == nil {
		s.exchange = exchange.New(o.Store, o.Lexicon.Grammar, o.Signature, o.Log)
		s.exchange.Outbox = s.outbox
	}
	if s.prices = o.Prices; s.prices == nil {
		s.prices = &prices.Service{Store: o.Store, Log: o.Log, Outbox: s.outbox,
			Settings: func(species string) matching.BandSettings { return lexicon.BandSettings(o.Lexicon.Data(), species) }}
	}
	layout, err := fs.ReadFile(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Files named _*.html hold partials (a form several pages share); every
	// page gets them.
	var partials []string
	for _, n := range names {
		if strings.HasPrefix(n, "templates/_") {
			b, err := fs.ReadFile(templateFS, n)
			if err != nil {
				return nil, err
			}
			partials = append(partials, string(b))
		}
	}
	for _, n := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if page == "layout" || strings.HasPrefix(page, "_") {
			continue
		}
		body, err := fs.ReadFile(templateFS, n)
		if err != nil {
			return nil, err
		}
		t, err := template.New("layout").Funcs(funcs).Parse(string(layout))
		for _, p := range partials {
			if err == nil {
				_, err = t.Parse(p)
			}
		}
		if err == nil {
			_, err = t.Parse(string(body))
		}
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		s.pages[page] = t
	}
	for _, want := range []string{"login", "inbound", "listings", "outbound", "dashboard", "queue", "queue_item",
		"listing", "listing_new", "members", "member", "lexicon", "bulletins", "bulletin_new", "bulletin",
		"audit", "users", "api_clients", "outbound_item", "orders", "statement", "prices", "price_sheet"} {
		if s.pages[want] == nil {
			return nil, fmt.Errorf("template %s.html is missing", want)
		}
	}
	return s, nil
}

var funcs = template.FuncMap{
	"when": func(t time.Time) string { return t.In(matching.ChinaTime).Format("01-02 15:04:05") },
	"whenp": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(matching.ChinaTime).Format("01-02 15:04:05")
	},
	"offer": outbound.OfferLine,
	"money": func(d *decimal.Decimal) string {
		if d == nil {
			return ""
		}
		return d.StringFixed(2)
	},
	"yuan": func(d decimal.Decimal) string { return d.StringFixed(2) },
	// span is a price range, one amount when both ends are equal.
	"span": func(lo, hi decimal.Decimal) string {
		if lo.Equal(hi) {
			return lo.StringFixed(2)
		}
		return lo.StringFixed(2) + "–" + hi.StringFixed(2)
	},
	"pct":       func(f float64) string { return fmt.Sprintf("%.1f%%", f) },
	"roleName":  roleName,
	"specDims":  func() []matching.Dimension { return matching.Dimensions },
	"audName":   audienceName,
	"day":       func(t time.Time) string { return t.In(matching.ChinaTime).Format("01-02") },
	"date":      func(t time.Time) string { return t.In(matching.ChinaTime).Format("2006-01-02") },
	"rangeText": rangeText,
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	"carrierName": func(c string) string { return smsgw.Carrier(c).Chinese() },
	"bindState": func(st fmt.Stringer) string {
		switch st.String() {
		case "up":
			return "已连接"
		case "connecting":
			return "连接中"
		case "down":
			return "断开"
		case "closed":
			return "已关闭"
		}
		return st.String()
	},
	"kindName":     kindName,
	"list":         func(xs ...string) []string { return xs },
	"stateName":    stateName,
	"reasonName":   reasonName,
	"gbState":      func(s string) string { return matching.GroupBuyState(s).Chinese() },
	"listingState": func(s string) string { return matching.ListingState(s).Chinese() },
	"seq":          func(i int) int { return i + 1 },
	"onceToken":    onceToken,
	"sideName": func(s matching.Side) string {
		if s == matching.Supply {
			return "供"
		}
		return "求"
	},
}

// page is what every template gets.
type page struct {
	Title   string
	Nav     string
	Session *store.Session
	Flash   string
	Error   string
	Secret  *secret // shown once, in this response's body only
	Data    any
}

// secret is a generated password or API token, with what it is for.
type secret struct {
	Note  string
	Value string
}

// Can reports whether the signed-in account holds role or a higher one, so
// a page shows only the buttons its reader may press.
func (p page) Can(role string) bool {
	return p.Session != nil && roleRank[p.Session.User.Role] >= roleRank[role]
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Session = sessionFrom(r.Context())
	if p.Flash == "" {
		p.Flash = s.takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", slog.String("page", name), slog.Any("err", err))
		http.Error(w, "页面出错，请联系管理员", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// stateName names the state of a text in or out. Listings, orders and
// group-buys are named by their matching state's Chinese method.
func stateName(s string) string {
	switch s {
	case "new":
		return "待处理"
	case "done":
		return "已处理"
	case "needs_clerk":
		return "需人工"
	case "resolved":
		return "人工已处理"
	case "duplicate":
		return "重复(短信中心重发)"
	case "queued":
		return "待发送"
	case "submitted":
		return "已提交"
	case "delivered":
		return "已送达"
	case "failed":
		return "失败"
	}
	return s
}

// kindName names an outbound text's kind (outbound.Kind) for clerks.
func kindName(k string) string { return outbound.Kind(k).Chinese() }

func reasonName(r string) string {
	switch r {
	case "":
		return ""
	case "empty":
		return "空短信"
	case "chitchat":
		return "闲聊"
	case "spam":
		return "广告"
	case "wrong_number":
		return "发错号码"
	case "redelivery":
		return "短信中心重发"
	case "garbled":
		return "乱码"
	case "fragment":
		return "长短信不完整"
	case "no_side":
		return "没说供还是求"
	case "no_species":
		return "没有品种"
	case "conflicting_side":
		return "供求不明"
	case "conflicting_command":
		return "指令矛盾"
	case "system_message":
		return "系统短信"
	case "internal_error":
		return "系统出错"
	case "not_a_mobile":
		return "非手机号"
	case "out_of_bounds":
		return "数量或价格超限"
	}
	if strings.HasPrefix(r, "command_") {
		return "指令待办"
	}
	return r
}

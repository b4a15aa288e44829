package web

import (
	"io/fs"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"huamu/internal/store"
)

// Handler is the back office's one route table. Who may open what is
// decided here, by group: every signed-in account reads; clerks change;
// admins manage accounts and API clients. A read-only account can never
// change anything (checkCSRF refuses its unsafe requests whatever the
// route), and a test walks every route below for every role.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.realIP, middleware.Recoverer, middleware.Timeout(30*time.Second))
	r.Use(securityHeaders)
	r.Use(http.NewCrossOriginProtection().Handler)

	static, _ := fs.Sub(staticFS, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", http.FileServerFS(static)))
	r.Get("/login", s.loginShow)
	r.Post("/login", s.loginSubmit)

	// The JSON API: its own tokens, no cookies, so no CSRF token either.
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(s.requireAPIClient)
		r.Get("/listings", s.apiListingList)
		r.Get("/orders", s.apiOrderList)
		r.Get("/groupbuys", s.apiGroupBuyList)
		r.Get("/prices", s.apiPriceList)
		r.With(s.requireAPIWrite).Post("/listings", s.apiListingCreate)
	})

	r.Group(func(r chi.Router) {
		r.Use(s.requireSession, s.checkCSRF)
		r.Post("/logout", s.logout)

		// Read: every role.
		r.Get("/", s.dashboardShow)
		r.Get("/queue", s.queueList)
		r.Get("/queue/{id}", s.queueShow)
		r.Get("/inbound", s.inboundList)
		r.Get("/outbound", s.outboundList)
		r.Get("/outbound/{id}", s.outboundShow)
		r.Get("/listings", s.listingList)
		r.Get("/listings/{id}", s.listingShow)
		r.Get("/members", s.memberList)
		r.Get("/members/{id}", s.memberShow)
		r.Get("/members/{id}/statement", s.memberStatement)
		r.Get("/orders", s.orderList)
		r.Get("/lexicon", s.lexiconShow)
		r.Get("/bulletins", s.bulletinList)
		r.Get("/bulletins/{id}", s.bulletinShow)
		r.Get("/bulletins/{id}/progress", s.bulletinProgress)
		r.Get("/audit", s.auditList)
		r.Get("/groupbuys", s.groupBuyList)
		r.Get("/groupbuys/{id}", s.groupBuyShow)
		r.Get("/groupbuys/{id}/sheets", s.groupBuySheets)
		r.Get("/groupbuys/{id}/export.xlsx", s.groupBuyExport)
		r.Get("/export/listings.xlsx", s.exportListings)
		r.Get("/export/sms.xlsx", s.exportSMS)
		r.Get("/export/orders.xlsx", s.exportOrders)
		r.Get("/prices", s.priceShow)
		r.Get("/prices/export.xlsx", s.priceExport)
		r.Get("/prices/sheet", s.priceSheet)

		// Change: clerks and admins.
		r.Group(func(r chi.Router) {
			r.Use(s.require(store.RoleClerk))
			r.Post("/queue/{id}/listing", s.queueResolve)
			r.Post("/queue/{id}/handled", s.queueHandled)
			r.Post("/queue/{id}/reparse", s.queueReparse)
			r.Get("/listings/new", s.listingNew)
			r.Post("/listings", s.listingCreate)
			r.Post("/listings/{id}/edit", s.listingEdit)
			r.Post("/listings/{id}/cancel", s.listingCancel)
			r.Post("/members", s.memberCreate)
			r.Post("/members/{id}", s.memberUpdate)
			r.Post("/orders/{id}/payment", s.orderPayment)
			r.Post("/orders/{id}/{action}", s.orderAct)
			r.Post("/lexicon/species", s.lexiconAddSpecies)
			r.Post("/lexicon/alias", s.lexiconAddAlias)
			r.Post("/lexicon/variety", s.lexiconAddVariety)
			r.Post("/lexicon/village", s.lexiconAddVillage)
			r.Post("/lexicon/bands", s.lexiconSetBands)
			r.Get("/bulletins/new", s.bulletinNew)
			r.Post("/bulletins", s.bulletinSend)
			r.Get("/groupbuys/new", s.groupBuyNew)
			r.Post("/groupbuys", s.groupBuyCreate)
			r.Post("/groupbuys/{id}/purchase", s.groupBuyPurchase)
			r.Post("/groupbuys/{id}/allocate", s.groupBuyAllocate)
			r.Post("/groupbuys/{id}/extend", s.groupBuyExtend)
			r.Post("/groupbuys/{id}/cancel", s.groupBuyCancel)
			r.Post("/groupbuys/{id}/invite", s.groupBuyInvite)
			r.Post("/groupbuys/{id}/delivered", s.groupBuyDelivered)
			r.Post("/groupbuys/{id}/payment", s.groupBuyPayment)
		})

		// Accounts and API clients: admins only.
		r.Group(func(r chi.Router) {
			r.Use(s.require(store.RoleAdmin))
			r.Get("/users", s.userList)
			r.Post("/users", s.userSave)
			r.Get("/api-clients", s.apiClientList)
			r.Post("/api-clients", s.apiClientCreate)
			r.Post("/api-clients/{id}/revoke", s.apiClientRevoke)
		})
	})
	return r
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'")
		next.ServeHTTP(w, r)
	})
}

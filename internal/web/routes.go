package web

import (
	"io/fs"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// Handler is the back office's one route table.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RealIP, middleware.Recoverer, middleware.Timeout(30*time.Second))
	r.Use(securityHeaders)
	r.Use(http.NewCrossOriginProtection().Handler)

	static, _ := fs.Sub(staticFS, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", http.FileServerFS(static)))
	r.Get("/healthz", s.healthz)
	if s.metrics != nil {
		r.Handle("/metrics", s.metrics)
	}
	r.Get("/login", s.loginShow)
	r.Post("/login", s.loginSubmit)

	r.Group(func(r chi.Router) {
		r.Use(s.requireSession, s.checkCSRF)
		r.Post("/logout", s.logout)
		r.Get("/", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/inbound", http.StatusSeeOther) })
		r.Get("/inbound", s.inboundList)
		r.Get("/outbound", s.outboundList)
		r.Get("/listings", s.listingList)
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

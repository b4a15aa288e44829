package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"huamu/internal/store"
	"huamu/matching"
)

type apiKey struct{}

// requireAPIClient admits requests carrying a live client token:
// "Authorization: Bearer hm_…".
func (s *Server) requireAPIClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" || len(tok) > 200 {
			apiError(w, http.StatusUnauthorized, "缺少接口令牌（Authorization: Bearer …）")
			return
		}
		c, err := s.store.APIClientByToken(r.Context(), tok)
		if err != nil {
			if matching.ErrorCodeOf(err) == matching.CodeForbidden {
				apiError(w, http.StatusUnauthorized, matching.ChineseMessage(err))
				return
			}
			s.log.Error("api auth", "err", err)
			apiError(w, http.StatusInternalServerError, "系统出错")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), apiKey{}, &c)))
	})
}

// requireAPIWrite admits clients allowed to post listings.
func (s *Server) requireAPIWrite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, _ := r.Context().Value(apiKey{}).(*store.APIClient); c == nil || !c.CanWrite {
			apiError(w, http.StatusForbidden, "这个令牌只能读取，不能发布")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func apiJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, msg string) {
	apiJSON(w, status, map[string]string{"error": msg})
}

// apiFail answers a domain error with its status and Chinese message.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.log.Error("api", "path", r.URL.Path, "err", err)
	}
	apiError(w, status, matching.ChineseMessage(err))
}

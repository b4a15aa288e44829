package web

import (
	"net/http"
	"net/netip"
	"strings"
)

// setCookie sets a back-office cookie: always HttpOnly and SameSite=Lax on
// path /, Secure when the back office is served over HTTPS
// (HUAMU_PUBLIC_URL=https://…). maxAge < 0 deletes it.
func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure})
}

// realIP puts the client's address in r.RemoteAddr. X-Forwarded-For and
// X-Real-IP are believed only from a configured proxy
// (HUAMU_TRUSTED_PROXIES); from anyone else they are the client's own
// words, and a client that could choose its address would dodge the login
// throttle or lock out someone else's.
func (s *Server) realIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(s.proxies) > 0 {
			r.RemoteAddr = clientAddr(r.RemoteAddr, r.Header, s.proxies)
		}
		next.ServeHTTP(w, r)
	})
}

// clientAddr is the client's address for a request from remote (host:port)
// with header: remote itself unless it is a trusted proxy; then the
// right-most address of X-Forwarded-For that is not a trusted proxy (each
// proxy appends who it heard from, so what is left of that was written by
// the client and proves nothing), else X-Real-IP. A malformed entry ends
// the walk at the last proxy reached.
func clientAddr(remote string, header http.Header, trusted []netip.Prefix) string {
	addr, err := netip.ParseAddrPort(remote)
	var ip netip.Addr
	if err == nil {
		ip = addr.Addr().Unmap()
	} else if ip, err = netip.ParseAddr(remote); err != nil {
		return remote
	}
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if !isTrusted(ip) {
		return remote
	}
	var hops []string
	for _, v := range header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	if len(hops) == 0 {
		if a, err := netip.ParseAddr(strings.TrimSpace(header.Get("X-Real-IP"))); err == nil {
			return a.Unmap().String()
		}
		return ip.String()
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return ip.String()
		}
		ip = a.Unmap()
		if !isTrusted(ip) {
			return ip.String()
		}
	}
	return ip.String()
}

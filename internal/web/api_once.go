package web

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"huamu/internal/store"
	"huamu/matching"
)

// idempotencyHeader names the key a program sends with a POST so that its
// retry — of a request whose answer it did not get — takes effect once and
// gets the first answer (draft-ietf-httpapi-idempotency-key-header).
const idempotencyHeader = "Idempotency-Key"

// parseIdempotencyKey reads the Idempotency-Key header: absent (ok false),
// or one value of 1 to 255 printable ASCII characters, either bare
// (`Idempotency-Key: 8e03978e-40d5`) or a quoted string as the IETF draft
// writes it (`Idempotency-Key: "8e03978e-40d5"`, with \" and \\ escapes).
// Anything else is CodeInvalid with a Chinese message.
func parseIdempotencyKey(h http.Header) (key string, ok bool, err error) {
	vs := h.Values(idempotencyHeader)
	if len(vs) == 0 {
		return "", false, nil
	}
	if len(vs) > 1 {
		return "", false, matching.Errorf(matching.CodeInvalid, "Idempotency-Key只能有一个")
	}
	v := strings.Trim(vs[0], " \t")
	if strings.HasPrefix(v, `"`) {
		var b strings.Builder
		closed := false
		for i := 1; i < len(v); i++ {
			c := v[i]
			switch {
			case closed:
				return "", false, matching.Errorf(matching.CodeInvalid, "Idempotency-Key的引号后面不能再有内容")
			case c == '\\':
				if i+1 >= len(v) || (v[i+1] != '"' && v[i+1] != '\\') {
					return "", false, matching.Errorf(matching.CodeInvalid, `Idempotency-Key里的\只能用来写\"或\\`)
				}
				i++
				b.WriteByte(v[i])
			case c == '"':
				closed = true
			case c < 0x20 || c > 0x7e:
				return "", false, matching.Errorf(matching.CodeInvalid, "Idempotency-Key只能用英文字母、数字和符号")
			default:
				b.WriteByte(c)
			}
		}
		if !closed {
			return "", false, matching.Errorf(matching.CodeInvalid, "Idempotency-Key少了后引号")
		}
		v = b.String()
	} else {
		for i := 0; i < len(v); i++ {
			if c := v[i]; c <= 0x20 || c > 0x7e || c == '"' || c == '\\' {
				return "", false, matching.Errorf(matching.CodeInvalid, "Idempotency-Key只能用英文字母、数字和符号，不能有空格（或者整个加上引号）")
			}
		}
	}
	if v == "" {
		return "", false, matching.Errorf(matching.CodeInvalid, "Idempotency-Key不能为空")
	}
	if len(v) > store.MaxKeyLen {
		return "", false, matching.Errorf(matching.CodeInvalid, "Idempotency-Key最长%d个字符", store.MaxKeyLen)
	}
	return v, true, nil
}

// readAPIBody reads a request's body, at most maxAPIBody bytes (errTooBig
// beyond).
func readAPIBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, errTooBig
	}
	if err != nil {
		return nil, matching.Errorf(matching.CodeInvalid, "请求内容没有读完")
	}
	return raw, nil
}

// onceKeyOf is the idempotency key of an API request with body raw: nil
// when the request has none; the client's key with a hash of the route and
// the exact body otherwise.
func onceKeyOf(r *http.Request, c *store.APIClient, raw []byte) (*store.OnceKey, error) {
	key, ok, err := parseIdempotencyKey(r.Header)
	if !ok || err != nil {
		return nil, err
	}
	h := sha256.New()
	_, _ = io.WriteString(h, r.Method+" "+r.URL.Path+"\n")
	_, _ = h.Write(raw)
	return &store.OnceKey{APIClientID: c.ID, Key: key, Hash: h.Sum(nil)}, nil
}

// apiAnswered answers a request whose key already took effect with the
// first answer, and reports whether it did; a key sent before with another
// body is refused (422).
func (s *Server) apiAnswered(w http.ResponseWriter, r *http.Request, k *store.OnceKey) bool {
	if k == nil {
		return false
	}
	a, ok, err := s.store.Answered(r.Context(), *k)
	if err != nil {
		s.apiOnceFail(w, r, err)
		return true
	}
	if ok {
		apiAnswer(w, a, true)
	}
	return ok
}

// apiPost runs fn, which makes what a POST asks for and gives the status
// and the value of the answer, in one transaction: under the request's
// idempotency key when it has one, so that a retry gets the first answer
// (the same status and body, with Idempotent-Replayed: true) and fn does
// not run again. It answers, and reports whether fn ran (false on a replay
// or an error).
func (s *Server) apiPost(w http.ResponseWriter, r *http.Request, k *store.OnceKey, fn func(*store.Tx) (int, any, error)) bool {
	run := func(tx *store.Tx) (store.Answer, error) {
		status, v, err := fn(tx)
		if err != nil {
			return store.Answer{}, err
		}
		body, err := json.Marshal(v)
		if err != nil {
			return store.Answer{}, err
		}
		return store.Answer{Status: status, Body: append(body, '\n')}, nil
	}
	var a store.Answer
	var replayed bool
	var err error
	if k == nil {
		err = s.store.InTx(r.Context(), func(tx *store.Tx) (err error) {
			a, err = run(tx)
			return err
		})
	} else {
		a, replayed, err = s.store.Once(r.Context(), *k, run)
	}
	if err != nil {
		s.apiOnceFail(w, r, err)
		return false
	}
	apiAnswer(w, a, replayed)
	return !replayed
}

// apiAnswer writes a kept answer; a replayed one says so in a header.
func apiAnswer(w http.ResponseWriter, a store.Answer, replayed bool) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
}

// apiOnceFail is apiFail, with a key reused for another body a 422.
func (s *Server) apiOnceFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrKeyReused) {
		apiError(w, http.StatusUnprocessableEntity,
			"这个Idempotency-Key已用于内容不同的另一个请求：重试时请原样重发，新的请求请换一个新的Idempotency-Key")
		return
	}
	s.apiFail(w, r, err)
}

package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"huamu/internal/store"
)

// apiPost posts body with an Idempotency-Key (none when key is "").
func apiPost(t *testing.T, s *site, token, key, body string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/api/v1/listings", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

const apiGood = `{"phone":"13900000002","side":"supply","species":"桂花","spec_key":"dbh_cm","spec_min":8,"qty":100,"price":"55.5"}`

func TestAPI_ARetryWithTheSameIdempotencyKeyCreatesOneListing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	boss := s.as(t, "boss", store.RoleAdmin)
	token, _, err := s.store.CreateAPIClient(ctx, boss.id(t), "合作社系统", true)
	if err != nil {
		t.Fatal(err)
	}
	code, first, h := apiPost(t, s, token, "8e03978e-40d5-43e8-bc93-6894a57f9324", apiGood)
	if code != http.StatusCreated || !strings.Contains(first, `"listing"`) || h.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d %s", code, first)
	}
	// The answer was lost on the way; the program retries, quoted as the
	// IETF draft writes the header.
	code, again, h := apiPost(t, s, token, `"8e03978e-40d5-43e8-bc93-6894a57f9324"`, apiGood)
	if code != http.StatusCreated || again != first || h.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d %s (replayed %q), want the first answer %s", code, again, h.Get("Idempotent-Replayed"), first)
	}
	ls, _ := s.store.SearchListings(ctx, store.ListingSearch{Phone: "13900000002"})
	if len(ls) != 1 {
		t.Fatalf("%d listings, want 1", len(ls))
	}
	if n := count(t, s.store, `SELECT count(*) FROM outbox WHERE recipient = '13900000002' AND kind = 'receipt'`); n != 1 {
		t.Fatalf("%d receipts texted, want 1", n)
	}
	// Keys belong to their client: another client's same key is its own.
	other, _, err := s.store.CreateAPIClient(ctx, boss.id(t), "另一个系统", true)
	if err != nil {
		t.Fatal(err)
	}
	if code, body, _ := apiPost(t, s, other, "8e03978e-40d5-43e8-bc93-6894a57f9324", apiGood); code != http.StatusCreated || body == first {
		t.Fatalf("another client's key: %d %s", code, body)
	}
	// Without a key the API does what it did before: each POST posts.
	for range 2 {
		if code, _, _ := apiPost(t, s, token, "", apiGood); code != http.StatusCreated {
			t.Fatalf("without a key: %d", code)
		}
	}
	if ls, _ := s.store.SearchListings(ctx, store.ListingSearch{Phone: "13900000002"}); len(ls) != 4 {
		t.Fatalf("%d listings after two more without a key and one by another client, want 4", len(ls))
	}
}

func TestAPI_TheSameIdempotencyKeyWithAnotherBodyIsRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	boss := s.as(t, "boss", store.RoleAdmin)
	token, _, err := s.store.CreateAPIClient(ctx, boss.id(t), "合作社系统", true)
	if err != nil {
		t.Fatal(err)
	}
	if code, body, _ := apiPost(t, s, token, "order-2026-11-28-1", apiGood); code != http.StatusCreated {
		t.Fatalf("first: %d %s", code, body)
	}
	code, body, _ := apiPost(t, s, token, "order-2026-11-28-1", strings.Replace(apiGood, `"qty":100`, `"qty":300`, 1))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `"error"`) || !strings.Contains(body, "Idempotency-Key") {
		t.Fatalf("the same key, another body: %d %s", code, body)
	}
	if ls, _ := s.store.SearchListings(ctx, store.ListingSearch{Phone: "13900000002"}); len(ls) != 1 || ls[0].Remaining != 100 {
		t.Fatalf("listings: %+v", ls)
	}
	for name, key := range map[string]string{
		"Empty":        `""`,
		"Unterminated": `"abc`,
		"Space":        "a b",
		"NotASCII":     "键",
		"TooLong":      strings.Repeat("k", 256),
		"BadEscape":    `"a\b"`,
	} {
		if code, body, _ := apiPost(t, s, token, key, apiGood); code != http.StatusBadRequest || !strings.Contains(body, "Idempotency-Key") {
			t.Errorf("%s: %d %s", name, code, body)
		}
	}
	if ls, _ := s.store.SearchListings(ctx, store.ListingSearch{Phone: "13900000002"}); len(ls) != 1 {
		t.Fatalf("%d listings after refused keys", len(ls))
	}
}

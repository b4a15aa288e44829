package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"huamu/internal/store"
)

func apiCall(t *testing.T, s *site, method, path, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAPI_TokensScopesAndBadBodies(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	boss := s.as(t, "boss", store.RoleAdmin)
	reader, _, err := s.store.CreateAPIClient(ctx, boss.id(t), "看板", false)
	if err != nil {
		t.Fatal(err)
	}
	writer, wc, err := s.store.CreateAPIClient(ctx, boss.id(t), "合作社系统", true)
	if err != nil {
		t.Fatal(err)
	}
	openListing(t, s.store, "13800000001")
	good := `{"phone":"13900000002","side":"demand","species":"桂花","spec_key":"dbh_cm","spec_min":8,"qty":100,"price":"55.5"}`

	if code, _ := apiCall(t, s, "GET", "/api/v1/listings", "", ""); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}
	if code, _ := apiCall(t, s, "GET", "/api/v1/listings", "hm_forged", ""); code != http.StatusUnauthorized {
		t.Fatalf("forged token: %d", code)
	}
	code, body := apiCall(t, s, "GET", "/api/v1/listings?side=supply", reader, "")
	var got struct{ Listings []map[string]any }
	if code != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil || len(got.Listings) != 1 || got.Listings[0]["species"] != "桂花" {
		t.Fatalf("list: %d %s", code, body)
	}
	if code, _ := apiCall(t, s, "GET", "/api/v1/orders", reader, ""); code != http.StatusOK {
		t.Fatalf("orders: %d", code)
	}
	if code, _ := apiCall(t, s, "POST", "/api/v1/listings", reader, good); code != http.StatusForbidden {
		t.Fatalf("a read-only token posting: %d", code)
	}
	for name, bad := range map[string]string{
		"NotJSON":          `供 桂花`,
		"UnknownField":     `{"phone":"13900000002","evil":1}`,
		"TwoObjects":       good + good,
		"NegativeQuantity": strings.Replace(good, `"qty":100`, `"qty":-100`, 1),
		"MissingSpecies":   strings.Replace(good, `"species":"桂花",`, ``, 1),
		"FloatPriceDigits": strings.Replace(good, `"55.5"`, `"55.555"`, 1),
		"BadPhone":         strings.Replace(good, `13900000002`, `139`, 1),
	} {
		if code, body := apiCall(t, s, "POST", "/api/v1/listings", writer, bad); code != http.StatusBadRequest || !strings.Contains(body, `"error"`) {
			t.Errorf("%s: %d %s", name, code, body)
		}
	}
	if code, _ := apiCall(t, s, "POST", "/api/v1/listings", writer, `{"phone":"`+strings.Repeat("1", 20<<10)+`"}`); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized: %d", code)
	}
	code, body = apiCall(t, s, "POST", "/api/v1/listings", writer, good)
	if code != http.StatusCreated || !strings.Contains(body, `"price_min":"55.50"`) {
		t.Fatalf("post: %d %s", code, body)
	}
	// The member gets the receipt, and the demand is matched like a texted one.
	out, _ := s.store.ListOutbox(ctx, store.OutboxFilter{Recipient: "13900000002"})
	kinds := map[string]bool{}
	for _, m := range out {
		kinds[m.Kind] = true
	}
	if len(out) != 2 || !kinds["receipt"] || !kinds["match_reply"] {
		t.Fatalf("the member was not told, or the demand not matched: %+v", out)
	}
	if r := boss.post(t, "/api-clients/"+itoa(wc.ID)+"/revoke", url.Values{}); r.code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.code)
	}
	if code, _ := apiCall(t, s, "GET", "/api/v1/listings", writer, ""); code != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", code)
	}
}

func TestAPI_GroupBuysWithTheirProgress(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	boss := s.as(t, "boss", store.RoleAdmin)
	reader, _, err := s.store.CreateAPIClient(ctx, boss.id(t), "看板", false)
	if err != nil {
		t.Fatal(err)
	}
	clerk := s.as(t, "zhang", store.RoleClerk)
	if r := clerk.post(t, "/groupbuys", groupBuyForm(nil)); r.code != 303 {
		t.Fatalf("create: %d", r.code)
	}
	if code, _ := apiCall(t, s, "GET", "/api/v1/groupbuys", "", ""); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}
	code, body := apiCall(t, s, "GET", "/api/v1/groupbuys?state=open", reader, "")
	var got struct {
		GroupBuys []struct {
			Species   string `json:"species"`
			Price     string `json:"price"`
			MinTotal  int64  `json:"min_total"`
			Committed int64  `json:"committed"`
			State     string `json:"state"`
		} `json:"groupbuys"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil || len(got.GroupBuys) != 1 {
		t.Fatalf("groupbuys: %d %s", code, body)
	}
	g := got.GroupBuys[0]
	if g.Species != "桂花" || g.Price != "650.00" || g.MinTotal != 300 || g.Committed != 0 || g.State != "open" {
		t.Fatalf("group-buy %+v", g)
	}
	if code, body := apiCall(t, s, "GET", "/api/v1/groupbuys?state=failed", reader, ""); code != http.StatusOK || strings.Contains(body, "桂花") {
		t.Fatalf("filtered by state: %d %s", code, body)
	}
}

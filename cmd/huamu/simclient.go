package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"huamu/internal/smsc"
)

// The simulator's control API, as `sms send` and `load` use it.

// mtCursor returns the index after the last MT the simulator has logged, so
// that a caller polling /mt?after= sees only what comes next.
func mtCursor(ctx context.Context, c *http.Client, base string) (int, error) {
	var before []smsc.Message
	if err := getJSON(ctx, c, base+"/mt", &before); err != nil {
		return 0, err
	}
	if n := len(before); n > 0 {
		return before[n-1].Index + 1, nil
	}
	return 0, nil
}

// postMO injects a text from a handset; a refusal carries the simulator's
// own words.
func postMO(ctx context.Context, c *http.Client, base, from, to, text string) error {
	body, _ := json.Marshal(map[string]string{"from": from, "to": to, "text": text})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/mo", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("simulator refused the text: %s", strings.TrimSpace(string(msg)))
	}
	return nil
}

func getJSON(ctx context.Context, c *http.Client, url string, v any) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

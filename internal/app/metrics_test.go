package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// /metrics shows what an operator watches at night: binds up, MOs and MT
// parts by carrier, the queue depths, submit latency and receipt states.
func TestMetrics_ShowBindsTrafficQueuesLatencyAndReceipts(t *testing.T) {
	x := start(t)
	x.text(t, "13800000031", "帮助")
	waitUntil(t, "the help reply delivered", 10*time.Second, func() bool {
		rows, err := x.app.Store.ListOutbox(context.Background(), outboxFilter("13800000031"))
		return err == nil && len(rows) == 1 && rows[0].State == "delivered"
	})
	resp, err := http.Get("http://" + x.app.MetricsAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	body := string(b)
	for _, want := range []string{
		`huamu_smpp_bind_up{bind="mobile-1",carrier="mobile"} 1`,
		`huamu_smpp_bind_up{bind="telecom-1",carrier="telecom"} 1`,
		`huamu_sms_mo_total{carrier="mobile"} 1`,
		`huamu_sms_mt_parts_total{carrier="mobile",result="ok"} 1`,
		`huamu_smpp_submit_seconds_count{bind="mobile-1"} 1`,
		`huamu_outbox_queued 0`,
		`huamu_inbound_waiting 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// The simulator sends a receipt on whichever bind is free.
	receipts := 0
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "huamu_sms_receipts_total{") && strings.Contains(line, `state="delivered"} 1`) {
			receipts++
		}
	}
	if receipts != 1 {
		t.Errorf("/metrics shows %d delivered receipts, want 1:\n%s", receipts, body)
	}
}

// The review's case: /metrics and /healthz were public on the back office's
// address, and /healthz printed the database's error text.
func TestOps_MetricsAndHealthAreServedOnlyOnTheirOwnAddress(t *testing.T) {
	x := start(t)
	for _, path := range []string{"/metrics", "/healthz"} {
		resp, err := http.Get("http://" + x.app.HTTPAddr() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("the back office answers %s with %d, want 404", path, resp.StatusCode)
		}
	}
	resp, err := http.Get("http://" + x.app.MetricsAddr() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(b) != "up\n" {
		t.Fatalf("/healthz: %d %q, want 200 up", resp.StatusCode, b)
	}
	if host, _, _ := strings.Cut(x.app.MetricsAddr(), ":"); host != "127.0.0.1" {
		t.Errorf("metrics listen on %s, want loopback", x.app.MetricsAddr())
	}
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"huamu/internal/smsc"
)

// smsSend texts the exchange as a handset would, through a running
// simulator, and prints every reply that follows.
func smsSend(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sms send", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "13800000001", "the handset's number")
	to := fs.String("to", "10690000", "the exchange's service number")
	sim := fs.String("smsc", "http://127.0.0.1:2776", "the simulator's control address")
	wait := fs.Duration("wait", 8*time.Second, "how long to wait for replies")
	if err := fs.Parse(args); err != nil {
		return err
	}
	text := strings.Join(fs.Args(), " ")
	if text == "" {
		return fmt.Errorf(`usage: huamu sms send --from 13800000001 "供 桂花 8公分 200株 600元 万春镇"`)
	}
	base := strings.TrimSuffix(*sim, "/")
	client := &http.Client{Timeout: 5 * time.Second}
	after, err := mtCursor(ctx, client, base)
	if err != nil {
		return fmt.Errorf("simulator at %s: %w (is `make run` running?)", base, err)
	}
	if err := postMO(ctx, client, base, *from, *to, text); err != nil {
		return fmt.Errorf("simulator at %s: %w", base, err)
	}
	fmt.Fprintf(stdout, "%s → %s: %s\n", *from, *to, text)
	deadline := time.Now().Add(*wait)
	var lastReply time.Time
	for time.Now().Before(deadline) {
		if !lastReply.IsZero() && time.Since(lastReply) > 1500*time.Millisecond {
			return nil // replies have come and gone quiet
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(200 * time.Millisecond):
		}
		var got []smsc.Message
		if err := getJSON(ctx, client, fmt.Sprintf("%s/mt?after=%d", base, after), &got); err != nil {
			return err
		}
		for _, m := range got {
			fmt.Fprintf(stdout, "%s → %s (%d条): %s\n", m.From, m.To, m.Parts, m.Text)
			after = m.Index + 1
			lastReply = time.Now()
		}
	}
	if lastReply.IsZero() {
		fmt.Fprintln(stdout, "(no reply yet: see the back office or the simulator page)")
	}
	return nil
}

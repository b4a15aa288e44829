package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"huamu/internal/smsc"
)

// load drives MOs at a steady rate through a running simulator's control
// API into the exchange bound to it (as `huamu demo` runs), each from a
// number of its own, and reports how fast the replies came back: MO→reply
// throughput and latency percentiles.
func load(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sim := fs.String("smsc", "http://127.0.0.1:2776", "the simulator's control address")
	rate := fs.Float64("rate", 20, "MOs per second")
	dur := fs.Duration("duration", 20*time.Second, "how long to send")
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for the last replies")
	text := fs.String("text", "求购 桂花 8公分 100株", "the text each handset sends")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rate <= 0 || *dur <= 0 {
		return fmt.Errorf("--rate and --duration must be positive")
	}
	base := strings.TrimSuffix(*sim, "/")
	client := &http.Client{Timeout: 10 * time.Second}
	after, err := mtCursor(ctx, client, base)
	if err != nil {
		return fmt.Errorf("simulator at %s: %w (is `huamu demo` running?)", base, err)
	}

	var (
		mu      sync.Mutex
		sentAt  = map[string]time.Time{}
		latency []time.Duration
		errs    int
	)
	prefix := fmt.Sprintf("136%04d", rand.N(10000)) // numbers of this run: 136XXXX0000…
	n := int(*rate * dur.Seconds())
	interval := time.Duration(float64(time.Second) / *rate)
	fmt.Fprintf(stdout, "sending %d MOs at %.0f/s for %v to %s\n", n, *rate, *dur, base)

	// Replies: poll the simulator's MT log.
	pollCtx, stopPoll := context.WithCancel(ctx)
	defer stopPoll()
	var pollWG sync.WaitGroup
	pollWG.Add(1)
	go func() {
		defer pollWG.Done()
		for pollCtx.Err() == nil {
			var got []smsc.Message
			if err := getJSON(pollCtx, client, fmt.Sprintf("%s/mt?after=%d", base, after), &got); err == nil {
				now := time.Now()
				mu.Lock()
				for _, m := range got {
					after = max(after, m.Index+1)
					if t0, ok := sentAt[m.To]; ok {
						latency = append(latency, now.Sub(t0))
						delete(sentAt, m.To) // the first reply counts
					}
				}
				mu.Unlock()
			}
			select {
			case <-pollCtx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()

	start := time.Now()
	var sendWG sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := 0; i < n && ctx.Err() == nil; i++ {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		from := fmt.Sprintf("%s%04d", prefix, i)
		sem <- struct{}{}
		sendWG.Add(1)
		go func() {
			defer sendWG.Done()
			defer func() { <-sem }()
			mu.Lock()
			sentAt[from] = time.Now()
			mu.Unlock()
			if err := postMO(ctx, client, base, from, "10690000", *text); err != nil {
				mu.Lock()
				delete(sentAt, from)
				errs++
				mu.Unlock()
			}
		}()
	}
	sendWG.Wait()
	sendTime := time.Since(start)
	deadline := time.Now().Add(*wait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		mu.Lock()
		left := len(sentAt)
		mu.Unlock()
		if left == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	total := time.Since(start)
	stopPoll()
	pollWG.Wait()

	mu.Lock()
	defer mu.Unlock()
	slices.Sort(latency)
	pct := func(p float64) time.Duration {
		if len(latency) == 0 {
			return 0
		}
		return latency[min(len(latency)-1, int(p*float64(len(latency))))]
	}
	fmt.Fprintf(stdout, "sent %d MOs in %v (%.1f/s), %d refused by the simulator\n", n-errs, sendTime.Round(time.Millisecond),
		float64(n-errs)/sendTime.Seconds(), errs)
	fmt.Fprintf(stdout, "replied %d, unanswered %d; MO→reply throughput %.1f/s over %v\n", len(latency), len(sentAt),
		float64(len(latency))/total.Seconds(), total.Round(time.Millisecond))
	fmt.Fprintf(stdout, "latency p50 %v  p90 %v  p99 %v  max %v\n", pct(0.50).Round(time.Millisecond),
		pct(0.90).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), pct(1).Round(time.Millisecond))
	if len(sentAt) > 0 {
		return fmt.Errorf("%d MOs got no reply within %v", len(sentAt), *wait)
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"huamu/internal/procstat"
	"huamu/internal/smsc"
)

// load has a running simulator (`huamu smsc`, or the one inside `huamu
// demo`) play many handsets texting the exchange bound to it, and reports
// MO→reply throughput, latency percentiles, and where the CPU went: huamu,
// PostgreSQL, Redis and the simulator, per 1,000 texts. The simulator
// generates the texts itself over SMPP, so that neither it nor this tool
// is what limits the rate.
func load(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sim := fs.String("smsc", "http://127.0.0.1:2776", "the simulator's control address")
	rate := fs.Float64("rate", 20, "texts per second; 0 sends as fast as the window allows (saturation)")
	dur := fs.Duration("duration", 20*time.Second, "how long to send at --rate")
	count := fs.Int("count", 0, "how many texts (instead of rate × duration; needed with --rate 0)")
	window := fs.Int("window", 64, "texts delivered and not yet acknowledged at once, as an SMSC's window")
	text := fs.String("text", "帮助", "the text each handset sends once, from a number of its own")
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for replies once nothing moves")
	if err := fs.Parse(args); err != nil {
		return err
	}
	n := *count
	if n == 0 {
		n = int(*rate * dur.Seconds())
	}
	if *rate < 0 || n <= 0 {
		return fmt.Errorf("give --rate and --duration, or --count (with --rate 0 for saturation)")
	}
	base := strings.TrimSuffix(*sim, "/")
	client := &http.Client{Timeout: 10 * time.Second}

	var before cpuUse
	before.take(nil)
	spec := smsc.LoadSpec{Count: n, Rate: *rate, Window: *window, Text: *text}
	if err := postLoad(ctx, client, base, spec); err != nil {
		return fmt.Errorf("simulator at %s: %w (is `huamu demo` or `huamu smsc` running?)", base, err)
	}
	pace := "as fast as the window allows"
	if *rate > 0 {
		pace = fmt.Sprintf("at %.0f/s", *rate)
	}
	fmt.Fprintf(stdout, "load: %d texts %q from %d handsets, window %d, %s, through %s\n", n, *text, n, *window, pace, base)

	var rep smsc.LoadReport
	last, lastMove := -1, time.Now()
	for {
		select {
		case <-ctx.Done():
			_ = deleteLoad(client, base)
			return ctx.Err()
		case <-time.After(time.Second):
		}
		if err := getJSON(ctx, client, base+"/load", &rep); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %5.1fs  sent %d  acked %d  replied %d\n", rep.Elapsed, rep.Sent, rep.Acked, rep.Replied)
		if progress := rep.Sent + rep.Acked + rep.Replied; progress != last {
			last, lastMove = progress, time.Now()
		}
		if rep.Replied >= n || !rep.Running || time.Since(lastMove) > *wait {
			break
		}
	}
	_ = deleteLoad(client, base)
	var after cpuUse
	after.take(rep.ESMEs)

	fmt.Fprintf(stdout, "replied %d of %d: %.0f MO→reply/s", rep.Replied, n, rep.Throughput)
	if rep.Segment > 1 {
		fmt.Fprintf(stdout, " (first %d: %.0f/s, last %d: %.0f/s)", rep.Segment, rep.FirstRate, rep.Segment, rep.LastRate)
	}
	fmt.Fprintf(stdout, "; %d deliveries refused and redelivered\n", rep.Refused)
	fmt.Fprintf(stdout, "MO ack    %s\nMO→reply  %s\n", latency(rep.Ack), latency(rep.Reply))
	if rep.Replied > 0 {
		per := func(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()*1000/float64(rep.Replied)) }
		fmt.Fprintf(stdout, "CPU seconds per 1,000 texts:")
		if len(after.huamu) == 0 {
			fmt.Fprintf(stdout, " huamu n/a (no bound process visible here)")
		}
		for _, p := range after.huamuPIDs() {
			note := ""
			if p == rep.PID {
				note = ", with the simulator"
			}
			fmt.Fprintf(stdout, " huamu %s (pid %d%s)", per(after.huamu[p]-before.all[p]), p, note)
		}
		fmt.Fprintf(stdout, "; PostgreSQL %s; Redis %s", per(after.postgres.Since(before.postgres)), per(after.redis.Since(before.redis)))
		if _, shared := after.huamu[rep.PID]; !shared {
			fmt.Fprintf(stdout, "; simulator %s", per(time.Duration(rep.CPU*float64(time.Second))))
		}
		fmt.Fprintln(stdout)
	}
	if rep.Replied < n {
		return fmt.Errorf("%d texts got no reply", n-rep.Replied)
	}
	return nil
}

// cpuUse is the CPU time of the processes a load run exercises.
type cpuUse struct {
	all      procstat.Snapshot // every huamu process, keyed by pid
	huamu    map[int]time.Duration
	postgres procstat.Snapshot
	redis    procstat.Snapshot
}

// take reads the CPU time of every process named huamu, PostgreSQL and
// Redis; with esmes, it also picks out the huamu processes bound to the
// simulator by those connections.
func (c *cpuUse) take(esmes []string) {
	c.all = procstat.Take(procstat.ByName("huamu"))
	c.postgres = procstat.Take(procstat.ByName("postgres"))
	c.redis = procstat.Take(procstat.ByName("redis-server"))
	c.huamu = map[int]time.Duration{}
	for _, pid := range procstat.SocketOwners(esmes) {
		if d, ok := c.all[pid]; ok {
			c.huamu[pid] = d
		} else if s := procstat.Take([]int{pid}); len(s) == 1 {
			c.huamu[pid] = s[pid]
		}
	}
}

func (c *cpuUse) huamuPIDs() []int {
	return slices.Collect(maps.Keys(c.huamu))
}

func latency(l smsc.Latency) string {
	return fmt.Sprintf("p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms", l.P50, l.P90, l.P99, l.Max)
}

func postLoad(ctx context.Context, c *http.Client, base string, spec smsc.LoadSpec) error {
	body, _ := json.Marshal(spec)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/load", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("load refused: %s", strings.TrimSpace(string(msg)))
	}
	return nil
}

func deleteLoad(c *http.Client, base string) error {
	req, _ := http.NewRequest(http.MethodDelete, base+"/load", nil)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

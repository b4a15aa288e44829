package app_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"huamu/internal/pgtest"
	"huamu/internal/redistest"
	"huamu/internal/smsc"
	"huamu/internal/store"
)

// serveProc is `huamu serve` running as a child process.
type serveProc struct {
	cmd *exec.Cmd
	log *os.File
}

func buildHuamu(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "huamu")
	out, err := exec.Command("go", "build", "-o", bin, "huamu/cmd/huamu").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func startServe(t *testing.T, bin string, env []string, n int) *serveProc {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), fmt.Sprintf("serve-%d.log", n)))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, log: f}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			b, _ := os.ReadFile(f.Name())
			t.Logf("serve %d log:\n%s", n, tail(string(b), 4000))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// kill -9 of `huamu serve` while texts stream in and out, then a restart:
// every MO the SMSC saw acknowledged is stored exactly once, every MO gets
// its reply within seconds of the restart (the dead process's row locks go
// with its connections, so its work is taken over at once), and no MT part
// the SMSC accepted is submitted again — except parts the dead process had
// sent without hearing back, which are counted as ambiguous on their row.
func TestServe_KillNineWhileTextsStreamLosesAndRepeatsNothing(t *testing.T) {
	bin := buildHuamu(t)
	sim, err := smsc.Start(smsc.Config{Addr: "127.0.0.1:0", ReceiptDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Stop)
	dbURL := pgtest.URL(t)
	_ = redistest.Prefix(t) // checks Redis answers; serve uses its own keys
	env := []string{"DATABASE_URL=" + dbURL, "REDIS_URL=" + redistest.URL(), "HUAMU_HTTP_ADDR=127.0.0.1:0",
		"HUAMU_METRICS_ADDR=127.0.0.1:0", "HUAMU_LOG_LEVEL=info",
		"HUAMU_SMPP_BINDS=smpp://huamu:pw@" + sim.Addr() + "?carrier=mobile&source=10690000&window=10&tps=500"}
	first := startServe(t, bin, env, 1)
	waitUntil(t, "the first process to bind", 30*time.Second, func() bool { return sim.Bound() > 0 })

	// A stream of texts, each from its own number so that each reply is
	// known by its recipient.
	var (
		mu   sync.Mutex
		sent []string
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(25 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			from := fmt.Sprintf("1370%07d", i)
			text := "帮助"
			if i%3 == 0 { // a long text now and then: several parts to ack
				text = strings.Repeat("供 桂花 8公分 200株 600元 万春镇 ", 5)
			}
			sim.Inject(from, "10690000", text)
			mu.Lock()
			sent = append(sent, from)
			mu.Unlock()
		}
	}()
	waitUntil(t, "replies flowing", 30*time.Second, func() bool { return len(sim.Submits()) >= 20 })
	time.Sleep(300 * time.Millisecond)
	if err := first.cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = first.cmd.Wait()
	killedAt := time.Now()
	time.Sleep(500 * time.Millisecond) // texts keep coming while it is down
	second := startServe(t, bin, env, 2)
	restarted := time.Now()
	time.Sleep(time.Second)
	close(stop)
	<-done
	t.Logf("killed after %d submits; restarted %v later", len(sim.Submits()), restarted.Sub(killedAt))

	mu.Lock()
	senders := append([]string(nil), sent...)
	mu.Unlock()
	replied := func() map[string]int {
		got := map[string]int{}
		for _, m := range sim.Messages() {
			got[m.To]++
		}
		return got
	}
	waitUntil(t, "every MO acked and answered", 30*time.Second, func() bool {
		for _, m := range sim.MOs() {
			if m.Acked < m.Parts {
				return false
			}
		}
		r := replied()
		for _, s := range senders {
			if r[s] == 0 {
				return false
			}
		}
		return true
	})
	t.Logf("%d MOs, all answered %v after the restart", len(senders), time.Since(restarted))

	ctx := context.Background()
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// A part the second process resent is counted as ambiguous when its
	// outcome is recorded, a moment after the SMSC saw it: wait for that.
	waitUntil(t, "every MT's outcome recorded", 30*time.Second, func() bool {
		var queued int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE state = 'queued'`).Scan(&queued)
		return err == nil && queued == 0
	})
	// Stored exactly once.
	rows, err := pool.Query(ctx, `SELECT sender, count(*) FROM inbound WHERE duplicate_of IS NULL GROUP BY sender`)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		stored[s] = n
	}
	for _, s := range senders {
		if stored[s] != 1 {
			t.Errorf("MO from %s stored %d times, want once", s, stored[s])
		}
	}
	// No accepted part submitted again, beyond the ambiguous ones.
	type part struct {
		to, text string
		ref, seq int
	}
	seen := map[part]int{}
	dups := map[string]int{}
	for _, s := range sim.Submits() {
		p := part{s.To, s.Text, s.Ref, s.Seq}
		seen[p]++
		if seen[p] > 1 {
			dups[s.To]++
		}
	}
	ambiguous := map[string]int{}
	arows, err := pool.Query(ctx, `SELECT recipient, sum(ambiguous_parts) FROM outbox GROUP BY recipient`)
	if err != nil {
		t.Fatal(err)
	}
	for arows.Next() {
		var r string
		var n int
		if err := arows.Scan(&r, &n); err != nil {
			t.Fatal(err)
		}
		ambiguous[r] = n
	}
	total := 0
	for to, n := range dups {
		total += n
		if n > ambiguous[to] {
			t.Errorf("%d parts to %s submitted again, %d of them known to be ambiguous", n, to, ambiguous[to])
		}
	}
	t.Logf("parts resent after the kill because their fate was unknown: %d", total)
	// Answered once: a text the SMSC delivered again after the kill is a
	// duplicate, not a second text (only a resent part of unknown fate may
	// show twice).
	final := replied()
	for _, s := range senders {
		if final[s] > 1+ambiguous[s] {
			t.Errorf("%s answered %d times, want once (%d parts of unknown fate)", s, final[s], ambiguous[s])
		}
	}
	var redelivered int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM inbound WHERE state = 'duplicate'`).Scan(&redelivered)
	t.Logf("texts the SMSC delivered again, stored as duplicates: %d", redelivered)
	second.cmd.Process.Signal(os.Interrupt)
	_ = second.cmd.Wait()
}

func waitUntil(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

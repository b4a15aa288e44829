package outbox_test

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"huamu/internal/intake"
	"huamu/internal/outbox"
	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/smsgw"
)

// nodeSMSC is testdata/node-smsc/smsc.js running on node-smpp 0.5.1.
type nodeSMSC struct {
	stdin io.Writer
	mu    sync.Mutex
	port  int
	subs  []nodeSubmit
	acks  map[int]int // MO id → parts acknowledged with status 0
	parts map[int]int // MO id → parts sent
	ready chan struct{}
	bound chan struct{}
}

type nodeSubmit struct {
	MessageID  string `json:"message_id"`
	To         string `json:"to"`
	DataCoding int    `json:"data_coding"`
	UDH        string `json:"udh"`
	Text       string `json:"text"`
}

// startNodeSMSC installs smpp@0.5.1 from the npm registry into the
// git-ignored testdata/node-smsc/node_modules when it is not there yet, and
// starts the script.
func startNodeSMSC(t *testing.T) *nodeSMSC {
	t.Helper()
	dir, err := filepath.Abs("../../testdata/node-smsc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "smpp", "package.json")); err != nil {
		install := exec.Command("npm", "install", "--no-audit", "--no-fund", "--prefix", dir)
		install.Dir = dir
		if out, err := install.CombinedOutput(); err != nil {
			t.Fatalf("npm install smpp@0.5.1 (Node.js and npm are needed): %v\n%s", err, out)
		}
	}
	cmd := exec.Command("node", "smsc.js")
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = testLog{t}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	n := &nodeSMSC{stdin: stdin, acks: map[int]int{}, parts: map[int]int{}, ready: make(chan struct{}), bound: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stdout)
		var once, bonce sync.Once
		for sc.Scan() {
			var ev struct {
				Event  string `json:"event"`
				Port   int    `json:"port"`
				ID     int    `json:"id"`
				Status int    `json:"status"`
				Parts  int    `json:"parts"`
				nodeSubmit
			}
			if json.Unmarshal(sc.Bytes(), &ev) != nil {
				continue
			}
			n.mu.Lock()
			switch ev.Event {
			case "listening":
				n.port = ev.Port
				once.Do(func() { close(n.ready) })
			case "bound":
				bonce.Do(func() { close(n.bound) })
			case "submit":
				n.subs = append(n.subs, ev.nodeSubmit)
			case "mo_sent":
				n.parts[ev.ID] = ev.Parts
			case "mo_ack":
				if ev.Status == 0 {
					n.acks[ev.ID]++
				}
			}
			n.mu.Unlock()
		}
	}()
	select {
	case <-n.ready:
	case <-time.After(20 * time.Second):
		t.Fatal("node SMSC did not start")
	}
	return n
}

type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (n *nodeSMSC) mo(t *testing.T, id int, from, text, form string) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"cmd": "mo", "id": id, "from": from, "to": "10690000", "text": text, "form": form})
	if _, err := n.stdin.Write(append(b, '\n')); err != nil {
		t.Fatal(err)
	}
}

// complete reports whether every part of MO id was acknowledged, and how
// many parts it had.
func (n *nodeSMSC) complete(id int) (bool, int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.parts[id] > 0 && n.acks[id] == n.parts[id], n.parts[id]
}

func (n *nodeSMSC) submits() []nodeSubmit {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]nodeSubmit(nil), n.subs...)
}

// The gateway against an SMSC nobody on the project wrote: long MOs in
// every form with emoji come in whole, a long MT goes out in parts that
// node-smpp reads as one concatenated message, and node's receipts for
// every part make it delivered.
func TestNodeSMPP_LongTextsBothWaysAndReceipts(t *testing.T) {
	t.Parallel()
	node := startNodeSMSC(t)
	st := pgtest.Store(t, nil)
	rec := &outbox.Receipts{Store: st}
	gw := smsgw.New(smsgw.Options{Inbox: &intake.Inbox{Store: st}, Receipts: rec, Signature: signature,
		Binds: []smsgw.BindConfig{{Name: "mobile-1", SystemID: "huamu", Password: "pw",
			Addr: fmt.Sprintf("127.0.0.1:%d", node.port), Carrier: smsgw.Mobile, Window: 4}}})
	gw.Start(context.Background())
	sender := &outbox.Sender{Store: st, Gateway: gw}
	sender.Start(context.Background())
	rec.Start(context.Background())
	t.Cleanup(func() { sender.Stop(); rec.Stop(); gw.Stop() })
	select {
	case <-node.bound:
	case <-time.After(20 * time.Second):
		t.Fatal("gateway never bound to node-smpp")
	}
	ctx := context.Background()

	text := strings.Repeat("求购红叶石楠球🌳冠幅1.2米𠮷500棵", 10)
	forms := []string{"udh8", "udh16", "sar", "payload"}
	for i, f := range forms {
		node.mo(t, i+1, fmt.Sprintf("1380000010%d", i), text, f)
	}
	for i, f := range forms {
		waitFor(t, f+" MO acked", 20*time.Second, func() bool { ok, _ := node.complete(i + 1); return ok })
		if _, n := node.complete(i + 1); (f == "payload") != (n == 1) {
			t.Fatalf("%s MO went in %d parts", f, n)
		}
		rows, err := st.ListInbound(ctx, store.InboundFilter{Sender: fmt.Sprintf("1380000010%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Body != text {
			var got string
			if len(rows) > 0 {
				got = rows[0].Body
			}
			t.Errorf("%s: %d rows, first %q; want the text whole once", f, len(rows), got)
		}
	}

	body := strings.Repeat("您求购的桂花有新货源🌸8公分200株600元万春镇", 5)
	err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Enqueue(ctx, store.NewMT{Recipient: "13900000002", Body: body, Kind: "reply"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the MT delivered per node's receipts", 20*time.Second, func() bool {
		rows, _ := st.ListOutbox(ctx, store.OutboxFilter{Recipient: "13900000002"})
		return len(rows) == 1 && rows[0].State == "delivered"
	})
	// node-smpp reads each part's UDH into its information elements: the
	// concatenation IE is 00 03 ref total seq.
	subs := node.submits()
	ie := func(s nodeSubmit) []byte { b, _ := hex.DecodeString(s.UDH); return b }
	sort.Slice(subs, func(a, b int) bool { return string(ie(subs[a])) < string(ie(subs[b])) })
	var joined strings.Builder
	for i, s := range subs {
		u := ie(s)
		if s.DataCoding != 8 || len(u) != 5 || u[0] != 0 || u[2] != ie(subs[0])[2] || int(u[3]) != len(subs) || int(u[4]) != i+1 {
			t.Fatalf("node read part %+v: want UCS2 part %d of %d under one 8-bit reference", s, i+1, len(subs))
		}
		joined.WriteString(s.Text)
	}
	if joined.String() != signature+body {
		t.Fatalf("node joined %q, want %q", joined.String(), signature+body)
	}
}

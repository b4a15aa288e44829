package grammar

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

type example struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Expect obj    `json:"expect"`
}

func loadExamples(t testing.TB) []example { return loadJSONL(t, "testdata/examples.jsonl") }

func loadJSONL(t testing.TB, path string) []example {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e example
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// TestParse_PublicExamples requires every public example to parse exactly
// as expected under the scorer's rules; junk must also give the right reason.
func TestParse_PublicExamples(t *testing.T) {
	t.Parallel()
	g := Default()
	for _, e := range loadExamples(t) {
		t.Run(e.ID, func(t *testing.T) {
			got := toObj(g.Parse(e.Text))
			if d := recordDiff(e.Expect, got); d != "" {
				t.Errorf("%s\n  text: %s\n  diff: %s", e.ID, e.Text, d)
			}
			if e.Expect["type"] == TypeUnparseable && got["reason"] != e.Expect["reason"] {
				t.Errorf("%s reason %v, want %v", e.ID, got["reason"], e.Expect["reason"])
			}
		})
	}
}

// TestWritePredictions writes predictions for score.py when PRED_OUT is set
// (for the public examples, or for PRED_GOLD, e.g. testdata/cases.jsonl):
//
//	PRED_OUT=/tmp/pred.jsonl go test -run TestWritePredictions ./smsgw/grammar/
//	python3 smsgw/grammar/testdata/score.py smsgw/grammar/testdata/examples.jsonl /tmp/pred.jsonl
func TestWritePredictions(t *testing.T) {
	t.Parallel()
	path := os.Getenv("PRED_OUT")
	if path == "" {
		t.Skip("PRED_OUT not set")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	gold := os.Getenv("PRED_GOLD")
	if gold == "" {
		gold = "testdata/examples.jsonl"
	}
	for _, e := range loadJSONL(t, gold) {
		if err := enc.Encode(map[string]any{"id": e.ID, "parse": Default().Parse(e.Text)}); err != nil {
			t.Fatal(err)
		}
	}
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"

	"huamu/smsgw/grammar"
)

// TestParseJSONL_KeepsOrderAcrossBatches checks that lines parsed in
// parallel come out in input order, one for each, across several batches.
func TestParseJSONL_KeepsOrderAcrossBatches(t *testing.T) {
	var in, out bytes.Buffer
	n := batchLines*2 + 7
	for i := 0; i < n; i++ {
		fmt.Fprintf(&in, "{\"id\":%d,\"text\":\"供 桂花 %d公分 100棵\"}\n", i, i%20+1)
	}
	if err := parseLines(grammar.Default(), &in, &out); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&out)
	i := 0
	for ; sc.Scan(); i++ {
		var rec struct {
			ID    int            `json:"id"`
			Parse grammar.Result `json:"parse"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.ID != i || rec.Parse.Type != grammar.TypeListing {
			t.Fatalf("line %d: %s (%v)", i, sc.Text(), err)
		}
		if d, ok := rec.Parse.Items[0].Spec["dia_cm"]; !ok || d.Min == nil || *d.Min != float64(i%20+1) {
			t.Fatalf("line %d answered another text: %s", i, sc.Text())
		}
	}
	if i != n {
		t.Errorf("%d lines out, want %d", i, n)
	}
}

// BenchmarkParseLines measures `huamu parse --jsonl` without process start:
// every text of the grammar's tables, one JSON line each; texts/s is the rate.
func BenchmarkParseLines(b *testing.B) {
	var in bytes.Buffer
	n := 0
	for _, path := range []string{"../../smsgw/grammar/testdata/cases.jsonl", "../../smsgw/grammar/testdata/round2.jsonl"} {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var rec struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				b.Fatal(err)
			}
			line, _ := json.Marshal(rec)
			in.Write(append(line, '\n'))
			n++
		}
		f.Close()
	}
	g := grammar.Default()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := parseLines(g, bytes.NewReader(in.Bytes()), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "texts/s")
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"testing"

	"huamu/smsgw/grammar"
)

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

package grammar

import "testing"

// BenchmarkParse parses the 40 public examples per iteration; texts/s is
// the throughput on one core.
func BenchmarkParse(b *testing.B) {
	g := Default()
	ex := loadExamples(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, e := range ex {
			g.Parse(e.Text)
		}
	}
	b.ReportMetric(float64(b.N*len(ex))/b.Elapsed().Seconds(), "texts/s")
}

// BenchmarkNew measures compiling a grammar from lexicon data.
func BenchmarkNew(b *testing.B) {
	d := EmbeddedLexiconData()
	Default()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := New(d); err != nil {
			b.Fatal(err)
		}
	}
}

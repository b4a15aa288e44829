package grammar

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestScanNumber_ChineseAndArabic(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in     string
		lo, hi float64
		used   int // runes consumed; 0 means all
	}{
		{"三百", 300, 300, 0}, {"两千", 2000, 2000, 0}, {"一万二", 12000, 12000, 0}, {"两万五千", 25000, 25000, 0},
		{"一千零五十", 1050, 1050, 0}, {"十五", 15, 15, 0}, {"二十", 20, 20, 0}, {"壹佰", 100, 100, 0}, {"叁佰", 300, 300, 0},
		{"一百二", 120, 120, 0}, {"一百一", 110, 110, 0}, {"一百一个", 100, 100, 2}, {"十一棵", 11, 11, 2},
		{"五六", 5, 6, 0}, {"三四百", 300, 400, 0}, {"十一二", 11, 12, 0}, {"七八十", 70, 80, 0}, {"一两百", 100, 200, 0},
		{"1.5万", 15000, 15000, 0}, {"3万", 30000, 30000, 0}, {"2万5", 25000, 25000, 0}, {"1千2", 1200, 1200, 0},
		{"3w", 30000, 30000, 0}, {"8-10", 8, 10, 0}, {"8到10", 8, 10, 0}, {"12~15", 12, 15, 0}, {"1-2万", 10000, 20000, 0},
		{"一点五", 1.5, 1.5, 0}, {"1万5千", 15000, 15000, 0}, {"2万3千5百", 23500, 23500, 0}, {"一万五", 15000, 15000, 0}, {"0.35", 0.35, 0.35, 0}, {"1百8一棵", 180, 180, 3}, {"2万5一起走", 25000, 25000, 3},
	}
	for _, c := range cases {
		rs := []rune(c.in)
		n, k := scanNumber(rs, 0)
		want := c.used
		if want == 0 {
			want = len(rs)
		}
		if n.lo != c.lo || n.hi != c.hi || k != want {
			t.Errorf("%s: got %v-%v using %d, want %v-%v using %d", c.in, n.lo, n.hi, k, c.lo, c.hi, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	g := Default()
	cases := map[string]string{
		"８公分，Ｐ１００":    "8公分,p100",
		"求購香樟 胸徑１２公分": "求购香樟 胸径12公分",
		"🌸樱花🌸  100棵":  "樱花 100棵",
		"重慶江北\u200b":  "重庆江北",
		"3000㎡":       "3000平方米",
		"Φ12 ①桂花②香樟":  "φ12 ,桂花,香樟",
	}
	for in, want := range cases {
		if got := normalize(in, g.t2s); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTransliterate_PinyinInput(t *testing.T) {
	t.Parallel()
	g := Default()
	cases := map[string]string{
		"qiugou xiangzhang 10cm 200 ke": "求购香樟 10cm 200 棵",
		"chushou ziwei 5gongfen 300ke":  "出售紫薇 5公分 300ke",
		"p100 h1.2m td":                 "p100 h1.2m td",
	}
	for in, want := range cases {
		if got := string(g.transliterate([]rune(in))); got != want {
			t.Errorf("transliterate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNew_RejectsBadData(t *testing.T) {
	t.Parallel()
	d := EmbeddedLexiconData()
	bad := []func(*LexiconData){
		func(d *LexiconData) { d.Species = nil },
		func(d *LexiconData) { d.SpecWords = map[string][]string{"no_such_cm": {"围径"}} },
		func(d *LexiconData) { d.QtyUnits = map[string][]string{"箱": {"箱"}} },
		func(d *LexiconData) { d.Villages = map[string][]string{"花园镇": {"花园村"}} },
		func(d *LexiconData) { d.ExtraAliases = map[string][]string{"不存在": {"x"}} },
		func(d *LexiconData) { d.AttrAliases = map[string][]string{"好看": {"漂亮"}} },
	}
	for i, f := range bad {
		c := d
		f(&c)
		if _, err := New(c); err == nil {
			t.Errorf("case %d: New accepted bad data", i)
		}
	}
}

func TestNew_ClerkAddsVillageAndSpecies(t *testing.T) {
	t.Parallel()
	d := EmbeddedLexiconData()
	d.Merge(LexiconData{
		Species:  map[string]SpeciesData{"北美海棠": {Aliases: []string{"海棠"}, Varieties: []string{"王族"}}},
		Villages: map[string][]string{"和盛镇": {"新民村"}},
	})
	g, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	r := g.Parse("出售北美海棠 王族 地径5公分 100棵 新民村")
	if r.Type != TypeListing || r.Items[0].Species != "北美海棠" || r.Location == nil || r.Location.Town == nil || *r.Location.Town != "和盛镇" {
		t.Fatalf("got %+v", r)
	}
	if v := r.Items[0].Variety; v == nil || *v != "王族" {
		t.Errorf("variety %v", v)
	}
	if Default().Parse("出售北美海棠 8公分 100棵").Reason != ReasonNoSpecies {
		t.Error("the default grammar changed")
	}
}

// TestParse_HostileInputs checks that long, binary and adversarial texts
// give one quick answer.
func TestParse_HostileInputs(t *testing.T) {
	// Not parallel: it times each parse against a wall-clock bound.
	inputs := []string{
		strings.Repeat("供桂花8公分200株", 2000),
		strings.Repeat("一", 5000),
		strings.Repeat("8-", 3000),
		strings.Repeat("qiu", 3000),
		strings.Repeat("\xff\xfe", 1000),
		strings.Repeat("分别", 1000) + strings.Repeat(" 1", 1000),
		strings.Repeat("138 ", 2000),
		strings.Repeat("(", 5000),
	}
	g := Default()
	for _, in := range inputs {
		start := time.Now()
		r := g.Parse(in)
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Errorf("%.20q… took %v", in, d)
		}
		if r.Type == "" {
			t.Errorf("%.20q…: no type", in)
		}
	}
}

func TestParse_Concurrent(t *testing.T) {
	t.Parallel()
	g := Default()
	ex := loadExamples(t)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, e := range ex {
				want := toObj(g.Parse(e.Text))
				if d := recordDiff(want, toObj(g.Parse(e.Text))); d != "" {
					t.Errorf("%s not stable: %s", e.ID, d)
				}
			}
		}()
	}
	wg.Wait()
}

func TestResult_SubscribeJSON(t *testing.T) {
	t.Parallel()
	r := Default().Parse("订阅 桂花 紫薇")
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"command","command":"subscribe","args":{"species":["桂花","紫薇"],"topic":"prices"}}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil || back.Command != CmdSubscribe || len(back.Args.SpeciesList) != 2 {
		t.Errorf("round trip: %+v %v", back, err)
	}
}

func TestResult_JSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, e := range loadExamples(t) {
		r := Default().Parse(e.Text)
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back Result
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", e.ID, err)
		}
		b2, _ := json.Marshal(back)
		if string(b) != string(b2) {
			t.Errorf("%s round trip\n%s\n%s", e.ID, b, b2)
		}
	}
}

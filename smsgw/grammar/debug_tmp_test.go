package grammar

import (
	"fmt"
	"os"
	"testing"
)

func TestDebugTokens(t *testing.T) {
	s := os.Getenv("DBG")
	if s == "" {
		t.Skip()
	}
	g := Default()
	rs := []rune(normalize(s, g.t2s))
	rs = g.transliterate(rs)
	toks := g.lex(rs, &scratch{})
	for _, tk := range toks {
		fmt.Printf("%d:%q ", tk.kind, tk.text)
		for _, r := range tk.roles {
			fmt.Printf("[%d %s %d]", r.kind, r.val, r.n)
		}
		fmt.Println()
	}
	r := g.Parse(s)
	fmt.Printf("%+v\n", r)
}

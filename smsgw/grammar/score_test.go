package grammar

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
)

// The scorer's rules (testdata/score.py), in Go: informational fields
// (raw, note, tags, approx, contact.name, needs_context) are ignored,
// villages are compared without a trailing group number and 村/社区, junk compares type only.

type obj = map[string]any

func asObj(v any) obj {
	o, _ := v.(obj)
	return o
}

func toObj(r Result) obj {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	var o obj
	if err := json.Unmarshal(b, &o); err != nil {
		panic(err)
	}
	return o
}

func rngEq(a, b obj) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	for _, k := range []string{"min", "max"} {
		x, y := a[k], b[k]
		if x == nil || y == nil {
			if x != nil || y != nil {
				return false
			}
			continue
		}
		if math.Abs(x.(float64)-y.(float64)) >= 1e-6 {
			return false
		}
	}
	return true
}

func specEq(a, b obj) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !rngEq(asObj(v), asObj(w)) {
			return false
		}
	}
	return true
}

func qtyEq(a, b obj) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return rngEq(a, b) && a["unit"] == b["unit"]
}

func priceEq(a, b obj) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	for _, k := range []string{"min", "max", "per", "total", "terms"} {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func stripVillage(v any) any {
	s, _ := v.(string)
	if s == "" {
		return nil
	}
	s = reGroup.ReplaceAllString(s, "") // 土桥村5组 → 土桥村
	for _, suf := range []string{"社区", "村"} {
		if t, ok := strings.CutSuffix(s, suf); ok {
			s = t
			break
		}
	}
	return s
}

var reGroup = regexp.MustCompile(`[0-9一二三四五六七八九十]*(组|社)$`)

func locEq(a, b obj) bool {
	if a == nil || b == nil {
		return (a == nil) == (b == nil)
	}
	for _, k := range []string{"city", "district", "town"} {
		if a[k] != b[k] {
			return false
		}
	}
	return stripVillage(a["village"]) == stripVillage(b["village"])
}

func argsEq(a, b obj) bool {
	a2, b2 := obj{}, obj{}
	for k, v := range a {
		a2[k] = v
	}
	for k, v := range b {
		b2[k] = v
	}
	sa, sb := asObj(a2["spec"]), asObj(b2["spec"])
	delete(a2, "spec")
	delete(b2, "spec")
	if (len(sa) > 0 || len(sb) > 0) && !specEq(sa, sb) {
		return false
	}
	if _, ok := a2["village"]; ok || b2["village"] != nil {
		if stripVillage(a2["village"]) != stripVillage(b2["village"]) {
			return false
		}
		delete(a2, "village")
		delete(b2, "village")
	}
	for _, m := range []obj{a2, b2} {
		for k, v := range m {
			if v == nil {
				delete(m, k)
			}
		}
	}
	return reflect.DeepEqual(a2, b2)
}

// recordDiff compares a gold parse with a predicted one; "" means the
// record is exact.
func recordDiff(g, p obj) string {
	if g["type"] != p["type"] {
		return fmt.Sprintf("type %v, want %v (reason %v)", p["type"], g["type"], p["reason"])
	}
	switch g["type"] {
	case TypeListing:
		var d []string
		if g["side"] != p["side"] {
			d = append(d, fmt.Sprintf("side %v want %v", p["side"], g["side"]))
		}
		gi, _ := g["items"].([]any)
		pi, _ := p["items"].([]any)
		if len(gi) != len(pi) {
			d = append(d, fmt.Sprintf("%d items, want %d", len(pi), len(gi)))
		}
		for k := 0; k < len(gi) && k < len(pi); k++ {
			a, b := asObj(gi[k]), asObj(pi[k])
			for _, f := range []string{"species", "variety", "negotiable"} {
				if a[f] != b[f] {
					d = append(d, fmt.Sprintf("item%d %s %v want %v", k, f, b[f], a[f]))
				}
			}
			if !specEq(asObj(a["spec"]), asObj(b["spec"])) {
				d = append(d, fmt.Sprintf("item%d spec %v want %v", k, b["spec"], a["spec"]))
			}
			if !qtyEq(asObj(a["qty"]), asObj(b["qty"])) {
				d = append(d, fmt.Sprintf("item%d qty %v want %v", k, b["qty"], a["qty"]))
			}
			if !priceEq(asObj(a["price"]), asObj(b["price"])) {
				d = append(d, fmt.Sprintf("item%d price %v want %v", k, b["price"], a["price"]))
			}
			if !sameSet(a["attrs"], b["attrs"]) {
				d = append(d, fmt.Sprintf("item%d attrs %v want %v", k, b["attrs"], a["attrs"]))
			}
		}
		if !locEq(asObj(g["location"]), asObj(p["location"])) {
			d = append(d, fmt.Sprintf("location %v want %v", p["location"], g["location"]))
		}
		if asObj(g["contact"])["phone"] != asObj(p["contact"])["phone"] {
			d = append(d, fmt.Sprintf("phone %v want %v", p["contact"], g["contact"]))
		}
		for _, f := range []string{"validity_days", "validity_until", "urgent"} {
			if g[f] != p[f] {
				d = append(d, fmt.Sprintf("%s %v want %v", f, p[f], g[f]))
			}
		}
		return strings.Join(d, "; ")
	case TypeCommand:
		if g["command"] != p["command"] {
			return fmt.Sprintf("command %v want %v", p["command"], g["command"])
		}
		if !argsEq(asObj(g["args"]), asObj(p["args"])) {
			return fmt.Sprintf("args %v want %v", p["args"], g["args"])
		}
	}
	return ""
}

// sameSet compares attrs as sets; the scorer grades them by F1, the tests
// want them exact.
func sameSet(a, b any) bool {
	x, _ := a.([]any)
	y, _ := b.([]any)
	if len(x) != len(y) {
		return false
	}
	seen := map[any]bool{}
	for _, v := range x {
		seen[v] = true
	}
	for _, v := range y {
		if !seen[v] {
			return false
		}
	}
	return true
}

package matching

import (
	"fmt"
	"slices"
	"testing"
)

func TestDimensions_EveryKeyHasANameAUnitAndAPlace(t *testing.T) {
	seen := map[string]bool{}
	names := map[string]bool{}
	for i, d := range Dimensions {
		if d.Key == "" || d.Name == "" || d.Unit == "" {
			t.Errorf("row %d %+v: key, name and unit are required", i, d)
		}
		if seen[d.Key] {
			t.Errorf("key %s twice", d.Key)
		}
		if names[d.Name] {
			t.Errorf("name %s twice: a clerk could not tell them apart", d.Name)
		}
		seen[d.Key], names[d.Name] = true, true
		switch d.Kind {
		case Diameter, Length:
			if d.Unit != "公分" || d.After != "" {
				t.Errorf("%s: a length is in 公分 and written with cm or m, got unit %q after %q", d.Key, d.Unit, d.After)
			}
		case Count:
			if d.After == "" {
				t.Errorf("%s: a count needs the word an SMS writes after it", d.Key)
			}
		default:
			t.Errorf("%s: no kind", d.Key)
		}
		if got, ok := DimensionOf(d.Key); !ok || got != d || !IsSpecKey(d.Key) {
			t.Errorf("DimensionOf(%s) = %+v, %v", d.Key, got, ok)
		}
		if SpecKeys()[i] != d.Key {
			t.Errorf("SpecKeys()[%d] = %s, want %s", i, SpecKeys()[i], d.Key)
		}
	}
	if IsSpecKey("") || IsSpecKey("no_such_cm") {
		t.Error("a key outside the table is accepted")
	}
}

func TestDimensions_KindsDecideDiametersAndLengths(t *testing.T) {
	for _, k := range []string{SpecDBH, SpecD1M, SpecGround, SpecDia, SpecHead} {
		if !IsDiameter(k) || !IsLength(k) {
			t.Errorf("%s is a diameter and a length", k)
		}
	}
	for _, k := range []string{SpecHeight, SpecCrown, SpecBall, SpecPot} {
		if IsDiameter(k) || !IsLength(k) {
			t.Errorf("%s is a length, no diameter", k)
		}
	}
	for _, k := range []string{SpecGallon, SpecStems, SpecAge, SpecDensity, "", "no_such_cm"} {
		if IsDiameter(k) || IsLength(k) {
			t.Errorf("%s is no length", k)
		}
	}
}

func TestDimension_Title(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{SpecDBH, "胸径(公分)"}, {SpecDia, "粗度(公分)"}, {SpecHeight, "高度(公分)"},
		{SpecGallon, "加仑"}, {SpecDensity, "密度(株/平方米)"},
	} {
		d, _ := DimensionOf(tc.key)
		if got := d.Title(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.key, got, tc.want)
		}
	}
}

func TestSpec_ValuesInDisplayOrder(t *testing.T) {
	sp := Spec{SpecBall: Exactly(60), "no_such_cm": Exactly(30), SpecHeight: Exactly(300), SpecDBH: Between(8, 10), "aa_no_such": Exactly(1)}
	var keys []string
	for _, v := range sp.Values() {
		keys = append(keys, v.Key)
		if v.Range != sp[v.Key] {
			t.Errorf("%s: range %+v, want %+v", v.Key, v.Range, sp[v.Key])
		}
	}
	if want := []string{SpecDBH, SpecHeight, SpecBall, "aa_no_such", "no_such_cm"}; !slices.Equal(keys, want) {
		t.Errorf("order %v, want %v", keys, want)
	}
	if len(Spec(nil).Values()) != 0 {
		t.Error("a nil spec states something")
	}
}

// A spec lists the dimensions it states in display order, each with the
// title a form gives it.
func ExampleSpec_Values() {
	sp := Spec{SpecHeight: Exactly(300), SpecGallon: Exactly(3), SpecDBH: Between(8, 10)}
	for _, v := range sp.Values() {
		fmt.Println(v.Title(), *v.Range.Min, *v.Range.Max)
	}
	// Output:
	// 胸径(公分) 8 10
	// 高度(公分) 300 300
	// 加仑 3 3
}

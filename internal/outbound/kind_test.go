package outbound_test

import (
	"testing"

	"huamu/internal/outbound"
)

func TestKind_EveryKindHasAChineseName(t *testing.T) {
	t.Parallel()
	seen := map[string]outbound.Kind{}
	for _, k := range outbound.Kinds() {
		name := k.Chinese()
		if name == "" || name == string(k) {
			t.Errorf("kind %q has no Chinese name", k)
		}
		if other, dup := seen[name]; dup {
			t.Errorf("kinds %q and %q are both called %s", k, other, name)
		}
		seen[name] = k
	}
	if got := outbound.Kind("later").Chinese(); got != "later" {
		t.Errorf("an unknown kind is shown as %q, want it as stored", got)
	}
}

func TestKind_OnlyTextsNobodyAskedForAreUnsolicited(t *testing.T) {
	t.Parallel()
	want := map[outbound.Kind]bool{outbound.KindMatch: true, outbound.KindDigest: true, outbound.KindBulletin: true, outbound.KindInvite: true}
	for _, k := range outbound.Kinds() {
		if k.Unsolicited() != want[k] {
			t.Errorf("%s unsolicited = %v, want %v", k, k.Unsolicited(), want[k])
		}
	}
	for _, k := range outbound.DailyCapped {
		if !k.Unsolicited() {
			t.Errorf("%s counts against the daily cap of match texts but is not unsolicited", k)
		}
	}
}

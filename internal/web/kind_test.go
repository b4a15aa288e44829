package web

import (
	"testing"

	"huamu/internal/outbound"
)

// Every kind of text the exchange writes is named in Chinese on the SMS
// pages: the names come from outbound.Kind, so a new kind cannot be missed.
func TestKindName_EveryKindIsNamedInChinese(t *testing.T) {
	for _, k := range outbound.Kinds() {
		if got := kindName(string(k)); got == string(k) || got == "" {
			t.Errorf("kind %q is shown as %q", k, got)
		}
	}
	for k, want := range map[string]string{"groupbuy": "团购", "help": "帮助", "invite": "团购邀请"} {
		if got := kindName(k); got != want {
			t.Errorf("kindName(%q) = %q, want %q", k, got, want)
		}
	}
}

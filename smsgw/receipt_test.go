package smsgw

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestParseReceiptText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Receipt
	}{
		{"Standard", "id:0A1B2C sub:001 dlvrd:001 submit date:2511281530 done date:2511281531 stat:DELIVRD err:000 text:苗木 到货",
			Receipt{ID: "0A1B2C", State: StateDelivered, Stat: "DELIVRD", Err: "000", Sub: "001", Dlvrd: "001",
				SubmitDate: "2511281530", DoneDate: "2511281531", Text: "苗木 到货"}},
		{"MixedCaseKeys", "ID:77 Sub:1 DLVRD:1 Submit Date:2511281530 DONE DATE:2511281531 Stat:undeliv Err:012 Text:x",
			Receipt{ID: "77", State: StateUndeliverable, Stat: "undeliv", Err: "012", Sub: "1", Dlvrd: "1",
				SubmitDate: "2511281530", DoneDate: "2511281531", Text: "x"}},
		{"AnyOrder", "stat:EXPIRED err:000 id:9",
			Receipt{ID: "9", State: StateExpired, Stat: "EXPIRED", Err: "000"}},
		{"TextInTheMiddleStopsAtUnseenKey", "id:5 text:hello stat:REJECTD",
			Receipt{ID: "5", State: StateRejected, Stat: "REJECTD", Text: "hello"}},
		{"TextKeepsSeenKeys", "id:5 stat:DELIVRD text:my id:3 stat:ok",
			Receipt{ID: "5", State: StateDelivered, Stat: "DELIVRD", Text: "my id:3 stat:ok"}},
		{"UnderscoreDateKeys", "id:1 submit_date:2511281530 done_date:251128153107 stat:ACCEPTD",
			Receipt{ID: "1", State: StateAccepted, Stat: "ACCEPTD", SubmitDate: "2511281530", DoneDate: "251128153107"}},
		{"MissingFieldsTolerated", "id:abc",
			Receipt{ID: "abc"}},
		{"SpaceBeforeColon", "id :42 stat :DELETED",
			Receipt{ID: "42", State: StateDeleted, Stat: "DELETED"}},
		{"SpaceAfterColon", "id: 42 err: stat:DELIVRD",
			Receipt{ID: "42", State: StateDelivered, Stat: "DELIVRD"}},
		{"UnknownStatKeptRaw", "id:42 stat:MK:0012",
			Receipt{ID: "42", State: StateUnknown, Stat: "MK:0012"}},
		{"EnrouteIsNotFinal", "id:1 stat:ENROUTE",
			Receipt{ID: "1", State: StateEnroute, Stat: "ENROUTE"}},
		{"UnknownStat", "id:1 stat:UNKNOWN",
			Receipt{ID: "1", State: StateUnknown, Stat: "UNKNOWN"}},
		{"LeadingJunkSkipped", "RPT  id:8 stat:DELIVRD",
			Receipt{ID: "8", State: StateDelivered, Stat: "DELIVRD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReceiptText(tt.in)
			if err != nil {
				t.Fatalf("ParseReceiptText: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseReceiptText_RequiresID(t *testing.T) {
	for _, in := range []string{"", "stat:DELIVRD", "id: ", "id: stat:DELIVRD", "hello world"} {
		if _, err := ParseReceiptText(in); !errors.Is(err, ErrNoReceiptID) {
			t.Errorf("ParseReceiptText(%q) err = %v; want ErrNoReceiptID", in, err)
		}
	}
}

func TestParseReceipt_TLVsWin(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		tlvs      map[uint16][]byte
		wantID    string
		wantState ReceiptState
		wantErr   string
	}{
		{"TLVOnly", "", map[uint16][]byte{TagReceiptedMessageID: []byte("1234\x00"), TagMessageState: {2}}, "1234", StateDelivered, ""},
		{"TLVOverridesText", "id:4D2 stat:DELIVRD err:000", map[uint16][]byte{
			TagReceiptedMessageID: []byte("1234\x00"), TagMessageState: {5}}, "1234", StateUndeliverable, "000"},
		{"TextFillsMissingTLVState", "id:4D2 stat:EXPIRED", map[uint16][]byte{TagReceiptedMessageID: []byte("1234")}, "1234", StateExpired, ""},
		{"TextFillsMissingTLVID", "id:4D2 stat:EXPIRED", map[uint16][]byte{TagMessageState: {8}}, "4D2", StateRejected, ""},
		{"ScheduledIsEnroute", "", map[uint16][]byte{TagReceiptedMessageID: []byte("1"), TagMessageState: {0}}, "1", StateEnroute, ""},
		{"OutOfRangeStateUnknown", "", map[uint16][]byte{TagReceiptedMessageID: []byte("1"), TagMessageState: {42}}, "1", StateUnknown, ""},
		{"SkippedState", "", map[uint16][]byte{TagReceiptedMessageID: []byte("1"), TagMessageState: {9}}, "1", StateSkipped, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReceipt([]byte(tt.text), tt.tlvs)
			if err != nil {
				t.Fatalf("ParseReceipt: %v", err)
			}
			if got.ID != tt.wantID || got.State != tt.wantState || got.Err != tt.wantErr {
				t.Fatalf("got %+v; want id %q state %v err %q", got, tt.wantID, tt.wantState, tt.wantErr)
			}
		})
	}
}

func TestParseReceipt_Errors(t *testing.T) {
	tests := []struct {
		name string
		text string
		tlvs map[uint16][]byte
		want error
	}{
		{"NothingAtAll", "", nil, ErrNoReceiptID},
		{"EmptyTLVID", "", map[uint16][]byte{TagReceiptedMessageID: {0}}, ErrNoReceiptID},
		{"LongMessageState", "id:1", map[uint16][]byte{TagMessageState: {0, 2}}, ErrMalformedReceiptTLV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseReceipt([]byte(tt.text), tt.tlvs); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestReceiptState(t *testing.T) {
	tests := []struct {
		s     ReceiptState
		name  string
		final bool
	}{
		{StateNone, "none", false},
		{StateEnroute, "enroute", false},
		{StateDelivered, "delivered", true},
		{StateExpired, "expired", true},
		{StateDeleted, "deleted", true},
		{StateUndeliverable, "undeliverable", true},
		{StateAccepted, "accepted", true},
		{StateUnknown, "unknown", false},
		{StateRejected, "rejected", true},
		{StateSkipped, "skipped", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.s.String() != tt.name || tt.s.Final() != tt.final {
				t.Fatalf("%d: String %q Final %v; want %q %v", tt.s, tt.s, tt.s.Final(), tt.name, tt.final)
			}
		})
	}
}

func TestReceiptIDCandidates_MatchHexAndDecimal(t *testing.T) {
	tests := []struct {
		name      string
		submit    string
		receipt   string
		wantMatch bool
	}{
		{"Same", "abc-123", "abc-123", true},
		{"CaseInsensitive", "0A1B", "0a1b", true},
		{"DecimalVsHex", "1234", "4D2", true},
		{"HexVsDecimal", "4d2", "1234", true},
		{"LeadingZeros", "00001234", "000004D2", true},
		{"CMPP20DigitDecimalVsHex", "18446744073709551615", "FFFFFFFFFFFFFFFF", true},
		{"DifferentNumbers", "1234", "4D3", false},
		{"NonNumericDiffer", "msg-1", "msg-2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := intersects(ReceiptIDCandidates(tt.submit), ReceiptIDCandidates(tt.receipt)); got != tt.wantMatch {
				t.Fatalf("match(%q, %q) = %v; candidates %q / %q", tt.submit, tt.receipt, got,
					ReceiptIDCandidates(tt.submit), ReceiptIDCandidates(tt.receipt))
			}
		})
	}
	if c := ReceiptIDCandidates("  "); c != nil {
		t.Fatalf("blank id candidates = %q; want none", c)
	}
	if c := ReceiptIDCandidates(" 0A1B "); c[0] != "0A1B" || c[1] != "0a1b" {
		t.Fatalf("candidates %q, want the id exactly as written first, then lower-cased", c)
	}
}

func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func TestIsReceipt(t *testing.T) {
	for esm, want := range map[byte]bool{0x00: false, 0x40: false, 0x04: true, 0x08: true, 0x20: true, 0x44: true} {
		if IsReceipt(esm) != want {
			t.Errorf("IsReceipt(0x%02X) = %v; want %v", esm, !want, want)
		}
	}
}

func ExampleParseReceiptText() {
	r, _ := ParseReceiptText("id:4D2 sub:001 dlvrd:001 submit date:2511281530 done date:2511281531 stat:DELIVRD err:000 text:桂花")
	fmt.Println(r.ID, r.State, r.State.Final(), ReceiptIDCandidates(r.ID))
	// Output: 4D2 delivered true [4D2 4d2 1234]
}

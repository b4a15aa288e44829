package smsgw

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// TLV tags carrying a delivery receipt.
const (
	TagReceiptedMessageID uint16 = 0x001E // receipted_message_id, C-octet string
	TagMessageState       uint16 = 0x0427 // message_state, 1 octet
)

// EsmReceiptMask selects the esm_class message-type bits; any non-zero
// value there (SMSC delivery receipt, SME acknowledgement, intermediate
// notification) means the deliver_sm is a report, not a mobile-originated text.
const EsmReceiptMask byte = 0x3C

// IsReceipt reports whether a deliver_sm's esm_class marks it as a receipt
// or acknowledgement rather than an incoming text.
func IsReceipt(esmClass byte) bool { return esmClass&EsmReceiptMask != 0 }

// ReceiptState is the delivery state a receipt reports. Its values are the
// SMPP message_state codes; the zero value means no state was given.
type ReceiptState uint8

// The SMPP message_state values.
const (
	StateNone          ReceiptState = 0 // no state in the receipt
	StateEnroute       ReceiptState = 1 // still being delivered
	StateDelivered     ReceiptState = 2 // delivered to the handset
	StateExpired       ReceiptState = 3 // validity period passed
	StateDeleted       ReceiptState = 4 // deleted by the SMSC or a cancel
	StateUndeliverable ReceiptState = 5 // the network gave up
	StateAccepted      ReceiptState = 6 // read by customer service on the subscriber's behalf
	StateUnknown       ReceiptState = 7 // the SMSC does not know; may change later
	StateRejected      ReceiptState = 8 // refused, e.g. by a blacklist
	StateSkipped       ReceiptState = 9 // skipped by the SMSC (SMPP 5.0)
)

// Final reports whether the state can no longer change. ENROUTE and
// UNKNOWN are intermediate per SMPP; a sender should still time out
// messages that never get a final receipt.
func (s ReceiptState) Final() bool {
	switch s {
	case StateDelivered, StateExpired, StateDeleted, StateUndeliverable,
		StateAccepted, StateRejected, StateSkipped:
		return true
	}
	return false
}

// String is the lower-case name stored and logged for the state.
func (s ReceiptState) String() string {
	switch s {
	case StateNone:
		return "none"
	case StateEnroute:
		return "enroute"
	case StateDelivered:
		return "delivered"
	case StateExpired:
		return "expired"
	case StateDeleted:
		return "deleted"
	case StateUndeliverable:
		return "undeliverable"
	case StateAccepted:
		return "accepted"
	case StateUnknown:
		return "unknown"
	case StateRejected:
		return "rejected"
	case StateSkipped:
		return "skipped"
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// statWords maps the text receipt's stat: values (and the spelled-out
// forms some SMSCs use) to states.
var statWords = map[string]ReceiptState{
	"ENROUTE": StateEnroute,
	"DELIVRD": StateDelivered, "DELIVERED": StateDelivered,
	"EXPIRED": StateExpired,
	"DELETED": StateDeleted,
	"UNDELIV": StateUndeliverable, "UNDELIVERABLE": StateUndeliverable,
	"ACCEPTD": StateAccepted, "ACCEPTED": StateAccepted,
	"UNKNOWN": StateUnknown,
	"REJECTD": StateRejected, "REJECTED": StateRejected,
	"SKIPPED": StateSkipped,
}

// Receipt is a parsed delivery receipt.
type Receipt struct {
	// ID is the message id the receipt is about, as the SMSC wrote it.
	ID string
	// Binds are the binds to the SMSC account the receipt came from (the
	// bind it came on and any other to the same address and system_id):
	// its message id names a part sent on one of them, and only there —
	// another SMSC may well use the same id.
	Binds []string
	// State is the delivery state; StateUnknown if stat: held a word we do
	// not know (Stat then keeps it, e.g. a carrier's "MK:0012").
	State ReceiptState
	// Stat and Err are the raw stat: and err: values of the text form.
	Stat, Err string
	// Sub and Dlvrd are the raw sub: and dlvrd: counts.
	Sub, Dlvrd string
	// SubmitDate and DoneDate are raw YYMMDDhhmm[ss] stamps, in the SMSC's time.
	SubmitDate, DoneDate string
	// Text is the text: field, the start of the original message.
	Text string
}

// ErrNoReceiptID is returned when neither the TLVs nor the text carry a message id.
var ErrNoReceiptID = errors.New("receipt has no message id")

// ErrMalformedReceiptTLV is wrapped for a message_state TLV that is not one octet.
var ErrMalformedReceiptTLV = errors.New("malformed receipt TLV")

// ParseReceipt reads a delivery receipt from a deliver_sm: the
// receipted_message_id and message_state TLVs when present, otherwise the
// text form in shortMessage (which also fills the remaining fields).
func ParseReceipt(shortMessage []byte, tlvs map[uint16][]byte) (Receipt, error) {
	r, textErr := ParseReceiptText(string(shortMessage))
	if v, ok := tlvs[TagReceiptedMessageID]; ok {
		if i := strings.IndexByte(string(v), 0); i >= 0 {
			v = v[:i]
		}
		if id := strings.TrimSpace(string(v)); id != "" {
			r.ID = id
		}
	}
	if v, ok := tlvs[TagMessageState]; ok {
		if len(v) != 1 {
			return Receipt{}, fmt.Errorf("%w: message_state of %d octets", ErrMalformedReceiptTLV, len(v))
		}
		r.State = stateFromCode(v[0])
	}
	if r.ID == "" {
		if textErr != nil {
			return Receipt{}, textErr
		}
		return Receipt{}, ErrNoReceiptID
	}
	return r, nil
}

func stateFromCode(c byte) ReceiptState {
	switch {
	case c == 0: // SCHEDULED in SMPP 5.0: not yet sent, so still on its way.
		return StateEnroute
	case c <= 9:
		return ReceiptState(c)
	}
	return StateUnknown
}

// receiptKeys are the text-form keys. "submit date" and "done date" come
// before "sub" and "id" only for clarity: a key must be followed by ':', so
// "sub" cannot match "submit date:".
var receiptKeys = []string{"submit date", "submit_date", "done date", "done_date", "dlvrd", "stat", "text", "sub", "err", "id"}

// ParseReceiptText parses the text form of a receipt:
//
//	id:XXXX sub:001 dlvrd:001 submit date:2511281530 done date:2511281531 stat:DELIVRD err:000 text:...
//
// Keys are case-insensitive, fields may come in any order and any may be
// missing; only a missing id is an error. Values are single tokens, except
// text:, which runs until a key not yet seen (usually to the end).
func ParseReceiptText(s string) (Receipt, error) {
	var r Receipt
	seen := map[string]bool{}
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' {
			i++
			continue
		}
		key, vstart := matchKey(s, i)
		if key == "" {
			i = tokenEnd(s, i) // skip a word we do not know
			continue
		}
		if key == "text" {
			vend := len(s)
			for j := vstart; j < len(s); j++ {
				if j > vstart && s[j-1] == ' ' {
					if k, _ := matchKey(s, j); k != "" && !seen[k] && k != "text" {
						vend = j - 1
						break
					}
				}
			}
			seen[key] = true
			r.Text = s[vstart:vend]
			i = vend
			continue
		}
		if j := skipSpaces(s, vstart); j > vstart && j < len(s) {
			if k, _ := matchKey(s, j); k == "" {
				vstart = j // "id: 42": tolerate a space after the colon
			}
		}
		vend := tokenEnd(s, vstart)
		seen[key] = true
		setReceiptField(&r, key, s[vstart:vend])
		i = vend
	}
	r.ID = strings.TrimSpace(r.ID)
	if r.Stat != "" {
		st, ok := statWords[strings.ToUpper(r.Stat)]
		if !ok {
			st = StateUnknown
		}
		r.State = st
	}
	if r.ID == "" {
		return r, ErrNoReceiptID
	}
	return r, nil
}

// matchKey reports the receipt key starting at s[i] and followed by ':'
// (spaces allowed before the colon), and where its value starts.
func matchKey(s string, i int) (key string, valueStart int) {
	for _, k := range receiptKeys {
		if len(s)-i < len(k) || !strings.EqualFold(s[i:i+len(k)], k) {
			continue
		}
		j := i + len(k)
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j < len(s) && s[j] == ':' {
			return canonicalKey(k), j + 1
		}
	}
	return "", 0
}

func canonicalKey(k string) string {
	return strings.ReplaceAll(k, "_", " ")
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

func tokenEnd(s string, i int) int {
	for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' {
		i++
	}
	return i
}

func setReceiptField(r *Receipt, key, v string) {
	switch key {
	case "id":
		r.ID = v
	case "sub":
		r.Sub = v
	case "dlvrd":
		r.Dlvrd = v
	case "submit date":
		r.SubmitDate = v
	case "done date":
		r.DoneDate = v
	case "stat":
		r.Stat = v
	case "err":
		r.Err = v
	}
}

// maxIDDigits bounds the numeric reinterpretation of ids; longer ids only
// match as written.
const maxIDDigits = 40

// ReceiptIDCandidates returns the forms under which a message id may be
// matched, because some SMSCs give the id in hex in one place and in
// decimal in the other. The forms are the id lower-cased, its decimal value
// when it is all decimal digits, and the decimal value of its hex reading
// when it is all hex digits (leading zeros dropped). Index a sent message
// under every candidate of its submit_sm_resp id and look a receipt up by
// every candidate of its id; prefer an exact match when several hit.
//
// The first candidate is the id exactly as written, so that a match in that
// form can be preferred over one in another.
func ReceiptIDCandidates(id string) []string {
	exact := strings.TrimSpace(id)
	id = strings.ToLower(exact)
	if id == "" {
		return nil
	}
	out := []string{exact}
	add := func(s string) {
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	add(id)
	if len(id) > maxIDDigits {
		return out
	}
	if isDigits(id, 10) {
		if v, err := strconv.ParseUint(id, 10, 64); err == nil {
			add(strconv.FormatUint(v, 10))
		} else if b, ok := new(big.Int).SetString(id, 10); ok {
			add(b.String())
		}
	}
	if isDigits(id, 16) {
		if b, ok := new(big.Int).SetString(id, 16); ok {
			add(b.String())
		}
	}
	return out
}

func isDigits(s string, base int) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case base == 16 && c >= 'a' && c <= 'f':
		default:
			return false
		}
	}
	return s != ""
}

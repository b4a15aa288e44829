package matching

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrorCode classifies a domain error so that each edge can map it: an HTTP
// status and a flash in the web, a short SMS reply in the gateway.
type ErrorCode string

// The domain's error codes. Anything that is not an *Error is CodeInternal.
const (
	CodeInvalid           ErrorCode = "invalid"            // malformed or unacceptable input
	CodeNotFound          ErrorCode = "not_found"          // no such listing, order, member…
	CodeConflict          ErrorCode = "conflict"           // the thing is not in a state that allows this
	CodeForbidden         ErrorCode = "forbidden"          // the actor may not do this
	CodeInsufficientStock ErrorCode = "insufficient_stock" // asked for more than remains
	CodeAmbiguous         ErrorCode = "ambiguous"          // a command without an id fits several items
	CodeExpired           ErrorCode = "expired"            // a listing or proposal ran out of time
	CodeInternal          ErrorCode = "internal"           // a bug or an infrastructure failure
)

// Error is the one domain error type of the project. Msg is Chinese and
// user-facing (it may go out by SMS as it is); Err is the cause, for logs and
// errors.Is/As, and may carry details such as a *Shortage.
type Error struct {
	Code ErrorCode
	Msg  string
	Err  error
}

// Error renders code, message and cause for logs.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a Chinese message formatted like
// fmt.Sprintf. It wraps nothing; use Wrapf to keep a cause.
func Errorf(code ErrorCode, zhFormat string, args ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(zhFormat, args...)}
}

// Wrapf is Errorf that keeps cause for errors.Is/As and logs.
func Wrapf(cause error, code ErrorCode, zhFormat string, args ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(zhFormat, args...), Err: cause}
}

// ErrorCodeOf returns the code of the first *Error in err's chain, "" for
// nil, and CodeInternal for any other error.
func ErrorCodeOf(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	return CodeInternal
}

// ChineseMessage is what to tell the user about err: the message of the
// first *Error in its chain, or a generic line for its code. It never
// exposes the text of a non-domain error.
func ChineseMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Msg != "" {
		return e.Msg
	}
	switch ErrorCodeOf(err) {
	case CodeInvalid:
		return "信息有误，请检查后重发"
	case CodeNotFound:
		return "找不到该信息"
	case CodeConflict:
		return "当前状态不能这样操作"
	case CodeForbidden:
		return "您无权进行此操作"
	case CodeInsufficientStock:
		return "库存不足"
	case CodeAmbiguous:
		return "有多项待处理，请在指令后加编号"
	case CodeExpired:
		return "已过期"
	}
	return "系统繁忙，请稍后再试"
}

// Sentinel causes, for errors.Is. The *Error around them carries the code and
// the Chinese message.
var (
	ErrInsufficientStock = errors.New("insufficient stock")
	ErrAmbiguous         = errors.New("ambiguous: several items pending")
	ErrNothingPending    = errors.New("nothing pending")
	ErrIllegalTransition = errors.New("illegal transition")
	ErrNotParty          = errors.New("actor is not a party to this")
	ErrExpired           = errors.New("expired")
	ErrNotOpen           = errors.New("listing is not open")
)

// Shortage is the cause of a CodeInsufficientStock error: how much was asked
// for and how much remains, so the reply can say 仅剩50株.
type Shortage struct {
	Want      int64
	Remaining int64
}

// Error implements error.
func (s *Shortage) Error() string {
	return "want " + strconv.FormatInt(s.Want, 10) + ", only " + strconv.FormatInt(s.Remaining, 10) + " remain"
}

// Unwrap makes errors.Is(err, ErrInsufficientStock) true.
func (s *Shortage) Unwrap() error { return ErrInsufficientStock }

// RemainingOf returns the remaining amount carried by a shortage error.
func RemainingOf(err error) (int64, bool) {
	var s *Shortage
	if errors.As(err, &s) {
		return s.Remaining, true
	}
	return 0, false
}

// Ambiguity is the cause of a CodeAmbiguous error: the ids of the items a
// command without an id could mean, in the order given.
type Ambiguity struct {
	IDs []int64
}

// Error implements error.
func (a *Ambiguity) Error() string { return "ambiguous between " + joinIDs(a.IDs, ", ") }

// Unwrap makes errors.Is(err, ErrAmbiguous) true.
func (a *Ambiguity) Unwrap() error { return ErrAmbiguous }

// CandidatesOf returns the ids carried by an ambiguity error.
func CandidatesOf(err error) ([]int64, bool) {
	var a *Ambiguity
	if errors.As(err, &a) {
		return a.IDs, true
	}
	return nil, false
}

func joinIDs(ids []int64, sep string) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

package matching

import (
	"errors"
	"fmt"
	"testing"
)

func TestError_CodeAndMessageSurviveWrapping(t *testing.T) {
	t.Parallel()
	base := Wrapf(&Shortage{Want: 100, Remaining: 50}, CodeInsufficientStock, "仅剩%d株", 50)
	wrapped := fmt.Errorf("order listing 1024: %w", base)
	if ErrorCodeOf(wrapped) != CodeInsufficientStock || ChineseMessage(wrapped) != "仅剩50株" {
		t.Fatalf("code %s, message %q", ErrorCodeOf(wrapped), ChineseMessage(wrapped))
	}
	if !errors.Is(wrapped, ErrInsufficientStock) {
		t.Fatal("the sentinel is lost")
	}
	if n, ok := RemainingOf(wrapped); !ok || n != 50 {
		t.Fatalf("RemainingOf = %d, %v", n, ok)
	}
	if got := base.Error(); got != "insufficient_stock: 仅剩50株: want 100, only 50 remain" {
		t.Fatalf("Error() = %q", got)
	}
}

func TestErrorCodeOf_NonDomainIsInternal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		code ErrorCode
		msg  string
	}{
		{nil, "", ""},
		{errors.New("connection reset"), CodeInternal, "系统繁忙，请稍后再试"},
		{&Error{Code: CodeNotFound}, CodeNotFound, "找不到该信息"},
		{&Error{Code: CodeForbidden}, CodeForbidden, "您无权进行此操作"},
		{Errorf(CodeConflict, "订单%d已确认", 7), CodeConflict, "订单7已确认"},
		{&Error{Msg: "无代码"}, CodeInternal, "无代码"},
	}
	for _, tc := range tests {
		if ErrorCodeOf(tc.err) != tc.code || ChineseMessage(tc.err) != tc.msg {
			t.Errorf("%v: code %s msg %q; want %s %q", tc.err, ErrorCodeOf(tc.err), ChineseMessage(tc.err), tc.code, tc.msg)
		}
	}
}

func TestError_AmbiguityCarriesCandidates(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("confirm: %w", Wrapf(&Ambiguity{IDs: []int64{3, 4}}, CodeAmbiguous, "请加编号"))
	ids, ok := CandidatesOf(err)
	if !ok || len(ids) != 2 || !errors.Is(err, ErrAmbiguous) || ErrorCodeOf(err) != CodeAmbiguous {
		t.Fatalf("ids %v ok %v code %s", ids, ok, ErrorCodeOf(err))
	}
	if _, ok := CandidatesOf(errors.New("x")); ok {
		t.Fatal("a plain error has candidates")
	}
}

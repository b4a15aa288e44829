package matching

import (
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Listing lifecycle, in one place: a listing is open from CreatedAt until
// ExpiresAt (ListingExpiresAt: the text's validity, else DefaultListingTTL).
// Its owner or a clerk may cancel it (取消) while it is open; the system
// expires it at ExpiresAt and marks it filled when nothing remains. Open
// proposals on a cancelled or expired listing are the caller's to cancel or
// let expire; confirmed orders stand.

// DefaultListingTTL is how long a listing stays open when the text gives no validity.
const DefaultListingTTL = 30 * 24 * time.Hour

// ListingExpiresAt is when a listing created at created stops being open:
// the end of that month in China time when the text said 月底前有效
// (monthEnd), else after validityDays days when given, else after
// DefaultListingTTL.
func ListingExpiresAt(created time.Time, validityDays int, monthEnd bool) time.Time {
	switch {
	case monthEnd:
		return MonthStart(created).AddDate(0, 1, 0)
	case validityDays > 0:
		return created.Add(time.Duration(validityDays) * 24 * time.Hour)
	}
	return created.Add(DefaultListingTTL)
}

// Cancel withdraws an open listing (取消) on behalf of by, who must be its
// owner or a clerk. A listing that is already closed is CodeConflict.
func (l Listing) Cancel(by Actor, now time.Time) (Listing, error) {
	id := strconv.FormatInt(l.ID, 10)
	if !by.Clerk && (by.MemberID == 0 || by.MemberID != l.MemberID) {
		return l, Wrapf(ErrNotParty, CodeForbidden, "只能取消自己发布的信息")
	}
	if l.State != ListingOpen {
		return l, Wrapf(ErrNotOpen, CodeConflict, "%s号信息%s，无需取消", id, l.State.Chinese())
	}
	l.State = ListingCancelled
	return l, nil
}

// ListingEdit is a clerk's correction of a listing, relative to the page
// the clerk saw: SeenRemaining is the remaining quantity that page showed.
type ListingEdit struct {
	Remaining     int64
	SeenRemaining int64
	PriceMin      *decimal.Decimal
	PriceMax      *decimal.Decimal
	Negotiable    bool
	Town          string
	Village       string
}

// Edit applies a clerk's correction e to listing l, of which orders hold
// held units (proposed, confirmed or delivered: stock no longer in
// Remaining). Only an open listing is corrected (else CodeConflict).
//
// The edit is relative to what the clerk saw. Remaining changes only when
// the clerk changed it (Remaining ≠ SeenRemaining), and then only when it
// still is what the clerk saw: an order or a cancellation in between is
// CodeConflict, so a page opened before a buyer ordered can never put the
// ordered stock on offer again. Remaining counts only what is not
// reserved, so it can never go below what open orders reserve; the
// listing's quantity becomes remaining plus held, and a listing with
// nothing left is filled. The price keeps its unit (the quantity's when it
// had none); the result is within the bounds (CheckBounds).
func (l Listing) Edit(e ListingEdit, held int64) (Listing, error) {
	if l.State != ListingOpen {
		return l, Wrapf(ErrNotOpen, CodeConflict, "%d号信息已关闭，不能修改", l.ID)
	}
	if e.Remaining < 0 {
		return l, Errorf(CodeInvalid, "数量不能是负数")
	}
	if e.Remaining != e.SeenRemaining {
		if l.Remaining != e.SeenRemaining {
			return l, Errorf(CodeConflict,
				"您打开页面后剩余数量已由%d变为%d(有人下单或取消)，请核对后重新填写", e.SeenRemaining, l.Remaining)
		}
		offered := e.Remaining + held
		l.Remaining, l.Qty.Min, l.Qty.Max = e.Remaining, &offered, &offered
	}
	per := ""
	if l.Price != nil {
		per = l.Price.Per
	}
	if per == "" && (e.PriceMin != nil || e.PriceMax != nil) {
		per = l.Qty.Unit
	}
	l.Price = &Price{Min: e.PriceMin, Max: e.PriceMax, Per: per}
	l.Negotiable = e.Negotiable
	var loc Location
	if l.Location != nil {
		loc = *l.Location
	}
	loc.Town, loc.Village = e.Town, e.Village
	l.Location = nil
	if loc != (Location{}) {
		l.Location = &loc
	}
	if l.Remaining == 0 && l.Qty.Min != nil && *l.Qty.Min > 0 {
		l.State = ListingFilled
	}
	return l, l.CheckBounds()
}

// Chinese is the state's one name, in texts and on pages alike. A filled
// listing is 已成交 (the deal is done): it reads right for an offer and a
// demand, which 已售完 (sold out) does not. A cancelled one is 已取消, the
// word of the 取消 a member texts.
func (s ListingState) Chinese() string {
	switch s {
	case ListingOpen:
		return "有效"
	case ListingFilled:
		return "已成交"
	case ListingCancelled:
		return "已取消"
	case ListingExpired:
		return "已过期"
	}
	return string(s)
}

// ResolveListing finds the listing a command without an id (a bare 取消 or
// 撤回) means: the one listing among open. None is CodeNotFound
// (ErrNothingPending); several is CodeAmbiguous with an *Ambiguity of their
// ids, and a reply that asks for the id.
func ResolveListing(open []Listing) (Listing, error) {
	var ids []int64
	var one Listing
	for _, l := range open {
		if l.State == ListingOpen {
			ids = append(ids, l.ID)
			one = l
		}
	}
	switch len(ids) {
	case 0:
		return Listing{}, Wrapf(ErrNothingPending, CodeNotFound, "您没有有效的信息")
	case 1:
		return one, nil
	}
	return Listing{}, Wrapf(&Ambiguity{IDs: ids}, CodeAmbiguous,
		"您有%d条有效信息(%s)，请回\"取消 %d\"", len(ids), joinIDs(ids, "、"), ids[0])
}

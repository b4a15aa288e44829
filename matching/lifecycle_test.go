package matching

import (
	"errors"
	"testing"
	"time"
)

func TestListingExpiresAt(t *testing.T) {
	t.Parallel()
	created := time.Date(2025, 1, 31, 23, 0, 0, 0, ChinaTime)
	tests := []struct {
		name     string
		days     int
		monthEnd bool
		want     time.Time
	}{
		{"Default30Days", 0, false, created.Add(30 * 24 * time.Hour)},
		{"ValidityDays", 15, false, created.Add(15 * 24 * time.Hour)},
		{"MonthEndInChina", 0, true, time.Date(2025, 2, 1, 0, 0, 0, 0, ChinaTime)},
		{"MonthEndWins", 10, true, time.Date(2025, 2, 1, 0, 0, 0, 0, ChinaTime)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ListingExpiresAt(created, tc.days, tc.monthEnd); !got.Equal(tc.want) {
				t.Fatalf("ListingExpiresAt = %v; want %v", got, tc.want)
			}
		})
	}
	// 2025-01-31 16:00 UTC is already 1 February in Chengdu.
	utc := time.Date(2025, 1, 31, 16, 0, 0, 0, time.UTC)
	if got := ListingExpiresAt(utc, 0, true); !got.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, ChinaTime)) {
		t.Fatalf("month end from UTC = %v", got)
	}
	dec31 := time.Date(2025, 12, 15, 0, 0, 0, 0, ChinaTime)
	if got := ListingExpiresAt(dec31, 0, true); !got.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, ChinaTime)) {
		t.Fatalf("December month end = %v", got)
	}
}

func TestListing_Cancel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		l    Listing
		by   Actor
		code ErrorCode
	}{
		{"OwnerCancels", supply(), Actor{MemberID: 10}, ""},
		{"ClerkCancels", supply(), Actor{Clerk: true}, ""},
		{"OwnerCancelsExpiredButOpen", supply(func(l *Listing) { l.ExpiresAt = t0.Add(-time.Hour) }), Actor{MemberID: 10}, ""},
		{"StrangerForbidden", supply(), Actor{MemberID: 11}, CodeForbidden},
		{"SystemForbidden", supply(), Actor{}, CodeForbidden},
		{"AlreadyCancelled", supply(func(l *Listing) { l.State = ListingCancelled }), Actor{MemberID: 10}, CodeConflict},
		{"Filled", supply(func(l *Listing) { l.State = ListingFilled }), Actor{Clerk: true}, CodeConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.l.Cancel(tc.by, t0)
			if ErrorCodeOf(err) != tc.code {
				t.Fatalf("Cancel = %v; want %s", err, tc.code)
			}
			if err == nil && got.State != ListingCancelled {
				t.Fatalf("state = %s", got.State)
			}
			if err != nil && got.State != tc.l.State {
				t.Fatal("a refused cancel changed the listing")
			}
		})
	}
	_, err := supply(withID(5), func(l *Listing) { l.State = ListingCancelled }).Cancel(Actor{MemberID: 10}, t0)
	if ChineseMessage(err) != "5号信息已取消，无需取消" {
		t.Fatalf("message = %q", ChineseMessage(err))
	}
}

func TestListing_Edit(t *testing.T) {
	t.Parallel()
	// 200 offered, 150 ordered: 50 remain. The clerk's page showed 50.
	ordered := supply(func(l *Listing) { l.Remaining = 50 })
	keep := ListingEdit{Remaining: 50, SeenRemaining: 50, PriceMin: decp("650"), PriceMax: decp("650"), Town: "和盛镇"}
	with := func(e ListingEdit, mod func(*ListingEdit)) ListingEdit { mod(&e); return e }
	tests := []struct {
		name      string
		l         Listing
		e         ListingEdit
		code      ErrorCode
		remaining int64
		qty       int64
		state     ListingState
	}{
		{"APriceFixKeepsTheStock", ordered, keep, "", 50, 200, ListingOpen},
		{"ANewRemainingAddsWhatOrdersHold", ordered, with(keep, func(e *ListingEdit) { e.Remaining = 30 }), "", 30, 180, ListingOpen},
		{"NothingLeftIsFilled", ordered, with(keep, func(e *ListingEdit) { e.Remaining = 0 }), "", 0, 150, ListingFilled},
		{"AStalePageCannotChangeTheQuantity", ordered, with(keep, func(e *ListingEdit) { e.Remaining, e.SeenRemaining = 180, 200 }), CodeConflict, 0, 0, ""},
		{"AStalePageMayStillFixThePrice", ordered, with(keep, func(e *ListingEdit) { e.Remaining, e.SeenRemaining = 200, 200 }), "", 50, 200, ListingOpen},
		{"NegativeRefused", ordered, with(keep, func(e *ListingEdit) { e.Remaining = -1 }), CodeInvalid, 0, 0, ""},
		{"AClosedListingIsNotEdited", supply(func(l *Listing) { l.State = ListingCancelled }), keep, CodeConflict, 0, 0, ""},
		{"BeyondTheBoundsRefused", ordered, with(keep, func(e *ListingEdit) { e.PriceMin, e.PriceMax = decp("99999999"), decp("99999999") }), CodeInvalid, 0, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.l.Edit(tc.e, 150)
			if ErrorCodeOf(err) != tc.code {
				t.Fatalf("Edit = %v; want %q", err, tc.code)
			}
			if err != nil {
				return
			}
			if got.Remaining != tc.remaining || got.Qty.Amount() != tc.qty || got.State != tc.state {
				t.Fatalf("Edit = %d of %d, %s; want %d of %d, %s", got.Remaining, got.Qty.Amount(), got.State, tc.remaining, tc.qty, tc.state)
			}
			if !got.Price.Min.Equal(*tc.e.PriceMin) || got.Price.Per != "株" || got.Location.Town != "和盛镇" || got.Location.District != "温江区" {
				t.Fatalf("Edit = price %+v, place %+v", got.Price, got.Location)
			}
		})
	}
	// A listing without a price gets its quantity's unit; clearing the
	// town and village of a listing that has no other place leaves none.
	bare := supply(func(l *Listing) { l.Price, l.Location = nil, &Location{Town: "万春镇"} })
	got, err := bare.Edit(ListingEdit{Remaining: 200, SeenRemaining: 200, PriceMin: decp("10")}, 0)
	if err != nil || got.Price.Per != "株" || got.Location != nil {
		t.Fatalf("Edit = %+v, %+v, %v", got.Price, got.Location, err)
	}
}

func TestResolveListing(t *testing.T) {
	t.Parallel()
	if _, err := ResolveListing(nil); !errors.Is(err, ErrNothingPending) {
		t.Fatalf("none: %v", err)
	}
	l, err := ResolveListing([]Listing{supply(withID(3)), supply(withID(4), func(l *Listing) { l.State = ListingFilled })})
	if err != nil || l.ID != 3 {
		t.Fatalf("one: %d, %v", l.ID, err)
	}
	_, err = ResolveListing([]Listing{supply(withID(3)), demand(withID(9))})
	if ids, _ := CandidatesOf(err); len(ids) != 2 || ChineseMessage(err) != `您有2条有效信息(3、9)，请回"取消 3"` {
		t.Fatalf("several: %v %q", ids, ChineseMessage(err))
	}
}

// A listing's state has one name on pages and in texts; a filled one is
// 已成交, which reads right for an offer and for a demand.
func TestListingState_ChineseNames(t *testing.T) {
	t.Parallel()
	for s, want := range map[ListingState]string{
		ListingOpen: "有效", ListingFilled: "已成交", ListingCancelled: "已取消", ListingExpired: "已过期",
	} {
		if got := s.Chinese(); got != want {
			t.Errorf("%s.Chinese() = %q; want %q", s, got, want)
		}
	}
}

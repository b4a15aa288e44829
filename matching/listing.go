package matching

import (
	"math"
	"time"

	"github.com/shopspring/decimal"
)

// Side says whether a listing offers stock or asks for it.
type Side string

// The two sides of the book.
const (
	Supply Side = "supply" // 供: a grower's offer
	Demand Side = "demand" // 求: a buyer's request
)

// Opposite returns the side a listing is matched against.
func (s Side) Opposite() Side {
	if s == Supply {
		return Demand
	}
	return Supply
}

// Valid reports whether s is one of the two sides.
func (s Side) Valid() bool { return s == Supply || s == Demand }

// ListingState is where a listing is in its life.
type ListingState string

// Listing states. Only open listings take part in matching and orders.
const (
	ListingOpen      ListingState = "open"
	ListingFilled    ListingState = "filled"    // nothing remains
	ListingCancelled ListingState = "cancelled" // withdrawn by its owner or a clerk
	ListingExpired   ListingState = "expired"   // validity ran out
)

// Range is a closed numeric interval with optional ends, as written in the
// corpus schema: {min,max} with null for an open end. Min == Max is a value.
type Range struct {
	Min *float64 `json:"min"`
	Max *float64 `json:"max"`
}

// Between returns the range [lo, hi].
func Between(lo, hi float64) Range { return Range{Min: &lo, Max: &hi} }

// Exactly returns the one-value range [v, v].
func Exactly(v float64) Range { return Between(v, v) }

// Lo is the lower end, or -Inf when open.
func (r Range) Lo() float64 {
	if r.Min == nil {
		return math.Inf(-1)
	}
	return *r.Min
}

// Hi is the upper end, or +Inf when open.
func (r Range) Hi() float64 {
	if r.Max == nil {
		return math.Inf(1)
	}
	return *r.Max
}

// IsZero reports whether neither end is set.
func (r Range) IsZero() bool { return r.Min == nil && r.Max == nil }

// Overlaps reports whether r and o share at least one value.
func (r Range) Overlaps(o Range) bool {
	return r.Lo() <= o.Hi() && o.Lo() <= r.Hi()
}

// Qty is a quantity range with its unit (株, 盆, 丛, 平方米, 斤, 公斤, 车).
type Qty struct {
	Min  *int64 `json:"min"`
	Max  *int64 `json:"max"`
	Unit string `json:"unit"`
}

// Amount is the definite number of units a listing offers or asks for:
// the lower end when given (两百多 is at least 200), else the upper end, else 0
// (unknown, e.g. "all of it").
func (q Qty) Amount() int64 {
	switch {
	case q.Min != nil:
		return *q.Min
	case q.Max != nil:
		return *q.Max
	}
	return 0
}

// Price is a unit price range in yuan per Per unit, or a lump sum in Total.
// Amounts are exact decimals with two places (see money.go).
type Price struct {
	Min   *decimal.Decimal `json:"min"`
	Max   *decimal.Decimal `json:"max"`
	Per   string           `json:"per"`
	Total *decimal.Decimal `json:"total"`
	Terms string           `json:"terms"` // 上车价 (ex-nursery), 到货价 (delivered), or ""
}

// Location says where stock stands (supply) or where a buyer wants it.
type Location struct {
	City     string `json:"city"`
	District string `json:"district"`
	Town     string `json:"town"`
	Village  string `json:"village"`
}

// Listing is one item of an offer or a request: one species at one spec.
// A text with several items becomes several listings.
type Listing struct {
	ID         int64
	MemberID   int64
	Phone      string // the member's number, 11 digits
	Side       Side
	Species    string
	Variety    string
	Attrs      []string
	Spec       Spec
	Qty        Qty
	Remaining  int64 // units not yet reserved or sold; never below zero
	Price      *Price
	Negotiable bool
	Location   *Location
	Contact    string // a number given in the text, when it differs from Phone
	Urgent     bool
	State      ListingState
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// Open reports whether the listing can still be matched or ordered at now.
func (l Listing) Open(now time.Time) bool {
	return l.State == ListingOpen && now.Before(l.ExpiresAt)
}

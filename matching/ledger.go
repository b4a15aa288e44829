package matching

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// The ledger, in one place:
//   - Double entry, append-only. An Entry is a set of Postings that sum to
//     exactly zero; a mistake is undone by appending ReversalEntry, never by
//     editing. Balances and statements are sums over postings, never a
//     stored running total.
//   - Sign: a positive amount is a debit, a negative one a credit. A member's
//     receivable is what the member owes the association (debit-normal); a
//     member's payable is what the association owes the member (credit-
//     normal, so it sits below zero). assoc:cash is money the association
//     holds; assoc:fees is its fee income (credit-normal).
//   - A confirmed order of total T with fee F posts: buyer receivable +T,
//     grower payable −(T−F), assoc:fees −F (left out when F is zero).
//   - Fee rule: F = total × rate rounded half away from zero to the fen
//     (Round2), and the grower gets T − F, so the entry sums to zero exactly
//     whatever the rate. The rate is the association's setting, default none
//     (zero); it must be in [0, 1).
//   - The association is the clearing house: a buyer pays it (PaymentInEntry)
//     and it pays the grower (PaymentOutEntry), or the buyer pays the grower
//     directly and a clerk records that (DirectPaymentEntry). A grower paid
//     the full amount directly then owes the fee: their payable goes above
//     zero by F.
//   - Every amount has at most two decimals (money.go); postings of zero are
//     refused as noise.

// Account names a ledger account: "member:42:receivable",
// "member:42:payable", "assoc:fees" or "assoc:cash".
type Account string

// The association's own accounts.
const (
	AssocCash Account = "assoc:cash"
	AssocFees Account = "assoc:fees"
)

// Receivable is what member owes the association.
func Receivable(member int64) Account {
	return Account("member:" + strconv.FormatInt(member, 10) + ":receivable")
}

// Payable is what the association owes member.
func Payable(member int64) Account {
	return Account("member:" + strconv.FormatInt(member, 10) + ":payable")
}

// Member returns the member an account belongs to, if it is a member's.
func (a Account) Member() (int64, bool) {
	rest, ok := strings.CutPrefix(string(a), "member:")
	if !ok {
		return 0, false
	}
	idStr, kind, ok := strings.Cut(rest, ":")
	if !ok || (kind != "receivable" && kind != "payable") {
		return 0, false
	}
	id, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != idStr {
		return 0, false
	}
	return id, true
}

// Valid reports whether a follows the naming scheme.
func (a Account) Valid() bool {
	if a == AssocCash || a == AssocFees {
		return true
	}
	_, ok := a.Member()
	return ok
}

// Posting is one line of an entry: an amount debited (positive) or credited
// (negative) to an account.
type Posting struct {
	Account Account
	Amount  decimal.Decimal
}

// EntryKind says what an entry records.
type EntryKind string

// Entry kinds.
const (
	EntryOrderConfirmed EntryKind = "order_confirmed"
	EntryPaymentIn      EntryKind = "payment_in"     // buyer → association
	EntryPaymentOut     EntryKind = "payment_out"    // association → grower
	EntryPaymentDirect  EntryKind = "payment_direct" // buyer → grower, recorded by a clerk
	EntryReversal       EntryKind = "reversal"
)

// Entry is one business event in the ledger. Ref names what it is about
// ("order:77", or a clerk's receipt number) so the store can refuse to post
// the same (Kind, Ref) twice.
type Entry struct {
	ID       int64
	Kind     EntryKind
	Ref      string
	At       time.Time
	Postings []Posting
}

// Validate checks the entry's invariants: at least two postings, each to a
// valid account with a non-zero amount of at most two decimals, summing to
// exactly zero. A failure is CodeInvalid.
func (e Entry) Validate() error {
	if len(e.Postings) < 2 {
		return Errorf(CodeInvalid, "账目至少要两笔")
	}
	sum := decimal.Zero
	for _, p := range e.Postings {
		if !p.Account.Valid() {
			return Errorf(CodeInvalid, "账户%q不合规", string(p.Account))
		}
		if p.Amount.IsZero() {
			return Errorf(CodeInvalid, "账目金额不能为零")
		}
		if !p.Amount.Equal(Round2(p.Amount)) {
			return Errorf(CodeInvalid, "金额%s超过两位小数", p.Amount.String())
		}
		sum = sum.Add(p.Amount)
	}
	if !sum.IsZero() {
		return Errorf(CodeInvalid, "借贷不平，差%s元", Yuan(sum))
	}
	return nil
}

// OrderRef is the Ref of entries about order id.
func OrderRef(id int64) string { return "order:" + strconv.FormatInt(id, 10) }

// Fee is the association's fee on total at rate: total × rate rounded half
// away from zero to the fen.
func Fee(total, rate decimal.Decimal) decimal.Decimal { return Round2(total.Mul(rate)) }

// ConfirmedOrderEntry posts a confirmed (or delivered) order: the buyer owes
// its Total, the grower is owed Total − fee, the association earns the fee
// at feeRate (zero for none). It is dated when the order last changed.
func ConfirmedOrderEntry(o Order, feeRate decimal.Decimal) (Entry, error) {
	if o.State != OrderConfirmed && o.State != OrderDelivered {
		return Entry{}, Errorf(CodeConflict, "订单%d%s，不能记账", o.ID, o.State.Chinese())
	}
	if feeRate.IsNegative() || feeRate.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		return Entry{}, Errorf(CodeInvalid, "费率须在0到1之间")
	}
	total := o.Total()
	fee := Fee(total, feeRate)
	e := Entry{Kind: EntryOrderConfirmed, Ref: OrderRef(o.ID), At: o.UpdatedAt}
	for _, p := range [...]Posting{
		{Account: Receivable(o.BuyerID), Amount: total},
		{Account: Payable(o.SellerID), Amount: total.Sub(fee).Neg()},
		{Account: AssocFees, Amount: fee.Neg()},
	} {
		if !p.Amount.IsZero() { // no fee, or a fee that rounds up to a tiny total
			e.Postings = append(e.Postings, p)
		}
	}
	return e, e.Validate()
}

// PaymentInEntry records that member paid the association amount.
func PaymentInEntry(member int64, amount decimal.Decimal, ref string, at time.Time) (Entry, error) {
	return transfer(EntryPaymentIn, ref, at, amount, AssocCash, Receivable(member))
}

// PaymentOutEntry records that the association paid member amount.
func PaymentOutEntry(member int64, amount decimal.Decimal, ref string, at time.Time) (Entry, error) {
	return transfer(EntryPaymentOut, ref, at, amount, Payable(member), AssocCash)
}

// DirectPaymentEntry records that buyer paid seller amount directly: the
// buyer owes that much less, and the association owes the seller that much less.
func DirectPaymentEntry(buyer, seller int64, amount decimal.Decimal, ref string, at time.Time) (Entry, error) {
	return transfer(EntryPaymentDirect, ref, at, amount, Payable(seller), Receivable(buyer))
}

// transfer debits debit and credits credit with amount, which must be
// positive with at most two decimals.
func transfer(kind EntryKind, ref string, at time.Time, amount decimal.Decimal, debit, credit Account) (Entry, error) {
	if !amount.IsPositive() {
		return Entry{}, Errorf(CodeInvalid, "金额须大于0")
	}
	e := Entry{Kind: kind, Ref: ref, At: at, Postings: []Posting{
		{Account: debit, Amount: amount},
		{Account: credit, Amount: amount.Neg()},
	}}
	return e, e.Validate()
}

// ReversalEntry undoes e by posting its opposite, under ref at at.
func ReversalEntry(e Entry, ref string, at time.Time) Entry {
	r := Entry{Kind: EntryReversal, Ref: ref, At: at, Postings: make([]Posting, len(e.Postings))}
	for i, p := range e.Postings {
		r.Postings[i] = Posting{Account: p.Account, Amount: p.Amount.Neg()}
	}
	return r
}

// Balances sums the postings of entries per account. Accounts whose
// postings cancel out are present with zero.
func Balances(entries []Entry) map[Account]decimal.Decimal {
	out := map[Account]decimal.Decimal{}
	for _, e := range entries {
		for _, p := range e.Postings {
			out[p.Account] = out[p.Account].Add(p.Amount)
		}
	}
	return out
}

// StatementLine is one posting to a member's accounts, with the member's
// balance after it.
type StatementLine struct {
	EntryID int64
	Kind    EntryKind
	Ref     string
	At      time.Time
	Account Account
	Amount  decimal.Decimal
	// Balance is what the member owes the association after this line,
	// across their receivable and payable: negative when the association
	// owes the member.
	Balance decimal.Decimal
}

// Statement lists member's postings in ledger order (the order of entries)
// with the running balance derived from them.
func Statement(member int64, entries []Entry) []StatementLine {
	var out []StatementLine
	bal := decimal.Zero
	for _, e := range entries {
		for _, p := range e.Postings {
			if id, ok := p.Account.Member(); !ok || id != member {
				continue
			}
			bal = bal.Add(p.Amount)
			out = append(out, StatementLine{
				EntryID: e.ID, Kind: e.Kind, Ref: e.Ref, At: e.At,
				Account: p.Account, Amount: p.Amount, Balance: bal,
			})
		}
	}
	return out
}

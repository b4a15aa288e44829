package matching

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestEntry_Validate(t *testing.T) {
	t.Parallel()
	p := func(a Account, amt string) Posting { return Posting{Account: a, Amount: dec(amt)} }
	tests := []struct {
		name     string
		postings []Posting
		msg      string // "" means valid
	}{
		{"Balanced", []Posting{p(AssocCash, "10.50"), p(Receivable(1), "-10.50")}, ""},
		{"ThreeWay", []Posting{p(Receivable(1), "100"), p(Payable(2), "-97"), p(AssocFees, "-3")}, ""},
		{"OnePosting", []Posting{p(AssocCash, "0.01")}, "账目至少要两笔"},
		{"NoPostings", nil, "账目至少要两笔"},
		{"Unbalanced", []Posting{p(AssocCash, "10.00"), p(Receivable(1), "-9.99")}, "借贷不平，差0.01元"},
		{"ThreeDecimals", []Posting{p(AssocCash, "0.005"), p(Receivable(1), "-0.005")}, "金额0.005超过两位小数"},
		{"ZeroPosting", []Posting{p(AssocCash, "1"), p(Receivable(1), "-1"), p(AssocFees, "0")}, "账目金额不能为零"},
		{"BadAccount", []Posting{p("cash", "1"), p(Receivable(1), "-1")}, `账户"cash"不合规`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Entry{Kind: EntryPaymentIn, Postings: tc.postings}.Validate()
			if ChineseMessage(err) != tc.msg || (err != nil && ErrorCodeOf(err) != CodeInvalid) {
				t.Fatalf("Validate = %v; want %q", err, tc.msg)
			}
		})
	}
}

func TestAccount_Member(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a  Account
		id int64
		ok bool
	}{
		{Receivable(42), 42, true},
		{Payable(7), 7, true},
		{"member:42:wallet", 0, false},
		{"member:042:payable", 0, false},
		{"member:-1:payable", 0, false},
		{"member::payable", 0, false},
		{AssocCash, 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		if id, ok := tc.a.Member(); id != tc.id || ok != tc.ok {
			t.Errorf("%q.Member() = %d, %v; want %d, %v", tc.a, id, ok, tc.id, tc.ok)
		}
	}
	if Receivable(42) != "member:42:receivable" || Payable(42) != "member:42:payable" {
		t.Error("account naming changed")
	}
}

func confirmedOrder(id int64, unit string, qty int64) Order {
	o := proposed()
	o.ID, o.UnitPrice, o.Qty, o.State, o.UpdatedAt = id, dec(unit), qty, OrderConfirmed, t0.Add(time.Hour)
	return o
}

func TestConfirmedOrderEntry_FeeRounding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		unit               string
		qty                int64
		rate               string
		buyer, grower, fee string
	}{
		{"NoFee", "600", 100, "0", "60000.00", "-60000.00", ""},
		{"ThreePercent", "600", 100, "0.03", "60000.00", "-58200.00", "-1800.00"},
		{"FeeRoundsDown", "33.35", 1, "0.01", "33.35", "-33.02", "-0.33"},       // 0.3335 → 0.33
		{"FeeHalfAwayFromZero", "50.50", 1, "0.01", "50.50", "-49.99", "-0.51"}, // 0.505 → 0.51
		{"GrowerGetsTheRest", "0.08", 3, "0.015", "0.24", "-0.24", ""},          // 0.0036 → 0.00: no fee line
		{"FeeTakesTinyTotal", "0.01", 1, "0.5", "0.01", "", "-0.01"},            // 0.005 → 0.01: no grower line
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ConfirmedOrderEntry(confirmedOrder(77, tc.unit, tc.qty), dec(tc.rate))
			if err != nil {
				t.Fatal(err)
			}
			want := map[Account]string{Receivable(20): tc.buyer, Payable(10): tc.grower, AssocFees: tc.fee}
			got := map[Account]string{}
			for _, p := range e.Postings {
				got[p.Account] = Yuan(p.Amount)
			}
			for a, w := range want {
				if got[a] != w {
					t.Errorf("%s = %q; want %q (postings %v)", a, got[a], w, got)
				}
			}
			if e.Kind != EntryOrderConfirmed || e.Ref != "order:77" || !e.At.Equal(t0.Add(time.Hour)) {
				t.Errorf("entry header = %s %s %v", e.Kind, e.Ref, e.At)
			}
		})
	}
}

func TestConfirmedOrderEntry_Refusals(t *testing.T) {
	t.Parallel()
	if _, err := ConfirmedOrderEntry(proposed(), decimal.Zero); ErrorCodeOf(err) != CodeConflict {
		t.Errorf("a proposal was posted: %v", err)
	}
	for _, rate := range []string{"-0.01", "1", "1.5"} {
		if _, err := ConfirmedOrderEntry(confirmedOrder(1, "10", 1), dec(rate)); ErrorCodeOf(err) != CodeInvalid {
			t.Errorf("rate %s accepted: %v", rate, err)
		}
	}
}

func TestPaymentEntries_RefuseBadAmounts(t *testing.T) {
	t.Parallel()
	for _, amt := range []string{"0", "-1", "0.001"} {
		if _, err := PaymentInEntry(1, dec(amt), "r", t0); ErrorCodeOf(err) != CodeInvalid {
			t.Errorf("PaymentInEntry(%s) = %v", amt, err)
		}
	}
}

// TestStatement_FollowsFromPostings walks one deal: order, part payment in,
// payout to the grower, a direct payment, a mistaken payment and its reversal.
func TestStatement_FollowsFromPostings(t *testing.T) {
	t.Parallel()
	must := func(e Entry, err error) Entry {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	order := must(ConfirmedOrderEntry(confirmedOrder(77, "600", 100), dec("0.03")))
	in := must(PaymentInEntry(20, dec("50000"), "receipt:1", t0.Add(2*time.Hour)))
	out := must(PaymentOutEntry(10, dec("48000"), "payout:1", t0.Add(3*time.Hour)))
	mistake := must(PaymentInEntry(20, dec("999.99"), "receipt:2", t0.Add(4*time.Hour)))
	undo := ReversalEntry(mistake, "receipt:2:void", t0.Add(5*time.Hour))
	direct := must(DirectPaymentEntry(20, 10, dec("10000"), "receipt:3", t0.Add(6*time.Hour)))
	entries := []Entry{order, in, out, mistake, undo, direct}
	for i, e := range entries {
		if err := e.Validate(); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}

	bal := Balances(entries)
	want := map[Account]string{
		Receivable(20): "0.00",     // owed 60000, paid 50000 in and 10000 direct
		Payable(10):    "-200.00",  // owed 58200, paid 48000 out and 10000 direct
		AssocCash:      "2000.00",  // 50000 in − 48000 out
		AssocFees:      "-1800.00", // fee income
	}
	sum := decimal.Zero
	for a, amt := range bal {
		sum = sum.Add(amt)
		if w, ok := want[a]; ok && Yuan(amt) != w {
			t.Errorf("balance %s = %s; want %s", a, Yuan(amt), w)
		}
	}
	if !sum.IsZero() || len(bal) != len(want) {
		t.Fatalf("balances %v sum to %s", bal, sum)
	}

	buyer := Statement(20, entries)
	var got []string
	for _, l := range buyer {
		got = append(got, Yuan(l.Amount)+"→"+Yuan(l.Balance))
	}
	wantLines := []string{"60000.00→60000.00", "-50000.00→10000.00", "-999.99→9000.01", "999.99→10000.00", "-10000.00→0.00"}
	if len(got) != len(wantLines) {
		t.Fatalf("buyer statement = %v; want %v", got, wantLines)
	}
	for i := range got {
		if got[i] != wantLines[i] {
			t.Fatalf("buyer statement = %v; want %v", got, wantLines)
		}
	}
	grower := Statement(10, entries)
	if last := grower[len(grower)-1]; Yuan(last.Balance) != "-200.00" || last.Ref != "receipt:3" || last.Kind != EntryPaymentDirect {
		t.Fatalf("grower's last line = %+v", last)
	}
	if Statement(99, entries) != nil {
		t.Fatal("a member with no postings has lines")
	}
}

package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"testing/quick"
	"time"

	"github.com/shopspring/decimal"
)

// exchangeSim plays random sequences of the exchange's operations the way
// the store applies them (reserve on propose, release when an order stops
// holding stock, post on confirm) and checks the invariants after each step.
type exchangeSim struct {
	r        *rand.Rand
	now      time.Time
	listings []Listing
	offered  []int64
	orders   []Order
	entries  []Entry
	feeRate  decimal.Decimal
}

func newExchangeSim(seed uint64) *exchangeSim {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	s := &exchangeSim{r: r, now: t0, feeRate: []decimal.Decimal{decimal.Zero, dec("0.03"), dec("0.015")}[r.IntN(3)]}
	for i := range 3 {
		n := int64(r.IntN(301))
		price := fmt.Sprintf("%d.%02d", r.IntN(800), r.IntN(100))
		l := supply(withID(int64(i+1)), withQty(n), withPrice(perUnit(price, price)), func(l *Listing) {
			l.MemberID = int64(10 + i)
			l.ExpiresAt = t0.Add(time.Duration(12+r.IntN(72)) * time.Hour)
		})
		s.listings = append(s.listings, l)
		s.offered = append(s.offered, n)
	}
	return s
}

func (s *exchangeSim) actor(o Order) Actor {
	return []Actor{{MemberID: o.SellerID}, {MemberID: o.BuyerID}, {Clerk: true}, {}, {MemberID: 99}}[s.r.IntN(5)]
}

// step does one random operation. Refusals are fine; only broken
// invariants are failures.
func (s *exchangeSim) step() {
	r := s.r
	switch op := r.IntN(10); {
	case op < 3: // 订 listing qty
		i := r.IntN(len(s.listings))
		o, err := NewOrder(s.listings[i], int64(20+r.IntN(4)), int64(r.IntN(160))-5, s.now, time.Duration(1+r.IntN(30))*time.Hour)
		if err != nil {
			return
		}
		o.ID = int64(len(s.orders) + 1)
		s.listings[i].Remaining -= o.Qty // UPDATE … SET remaining = remaining - qty
		s.orders = append(s.orders, o)
	case op < 8: // an event on an order
		if len(s.orders) == 0 {
			return
		}
		k := r.IntN(len(s.orders))
		o := s.orders[k]
		kind := []OrderEventKind{EventConfirm, EventDecline, EventCancel, EventExpire, EventDeliver}[r.IntN(5)]
		next, err := o.Apply(OrderEvent{Kind: kind, By: s.actor(o)}, s.now)
		if err != nil {
			return
		}
		s.listings[o.ListingID-1].Remaining += o.Holds() - next.Holds()
		s.orders[k] = next
		if next.State == OrderConfirmed {
			e, err := ConfirmedOrderEntry(next, s.feeRate)
			if err != nil {
				panic(err)
			}
			s.entries = append(s.entries, e)
		}
	case op == 8: // a clerk records money, or reverses an entry
		amt := decimal.New(int64(1+r.IntN(100000)), -2)
		var e Entry
		var err error
		switch r.IntN(4) {
		case 0:
			e, err = PaymentInEntry(int64(20+r.IntN(4)), amt, "in", s.now)
		case 1:
			e, err = PaymentOutEntry(int64(10+r.IntN(3)), amt, "out", s.now)
		case 2:
			e, err = DirectPaymentEntry(int64(20+r.IntN(4)), int64(10+r.IntN(3)), amt, "direct", s.now)
		default:
			if len(s.entries) == 0 {
				return
			}
			e = ReversalEntry(s.entries[r.IntN(len(s.entries))], "void", s.now)
		}
		if err != nil {
			panic(err)
		}
		s.entries = append(s.entries, e)
	default: // time passes (listings past ExpiresAt are no longer Open); listings are cancelled
		s.now = s.now.Add(time.Duration(r.IntN(6*60)) * time.Minute)
		i := r.IntN(len(s.listings))
		if l, err := s.listings[i].Cancel(Actor{MemberID: s.listings[i].MemberID}, s.now); err == nil && r.IntN(4) == 0 {
			s.listings[i] = l
		}
	}
}

// check returns the first broken invariant, or "". The ledger is checked
// only when ledger is set: it is quadratic over a run.
func (s *exchangeSim) check(ledger bool) string {
	for i, l := range s.listings {
		if l.Remaining < 0 {
			return fmt.Sprintf("listing %d: remaining %d < 0", l.ID, l.Remaining)
		}
		var held, sold int64
		for _, o := range s.orders {
			if o.ListingID == l.ID {
				held += o.Holds()
				if o.State == OrderConfirmed || o.State == OrderDelivered {
					sold += o.Qty
				}
			}
		}
		if l.Remaining+held != s.offered[i] {
			return fmt.Sprintf("listing %d: remaining %d + held %d != offered %d", l.ID, l.Remaining, held, s.offered[i])
		}
		if held > s.offered[i] || sold > held {
			return fmt.Sprintf("listing %d: reserved+confirmed %d, confirmed %d, offered %d", l.ID, held, sold, s.offered[i])
		}
	}
	if !ledger {
		return ""
	}
	naive := map[Account]decimal.Decimal{}
	for i, e := range s.entries {
		if err := e.Validate(); err != nil {
			return fmt.Sprintf("entry %d: %v", i, err)
		}
		for _, p := range e.Postings {
			naive[p.Account] = naive[p.Account].Add(p.Amount)
		}
	}
	total := decimal.Zero
	bal := Balances(s.entries)
	for a, amt := range bal {
		total = total.Add(amt)
		if !amt.Equal(naive[a]) {
			return fmt.Sprintf("balance %s = %s; postings sum to %s", a, amt, naive[a])
		}
	}
	if !total.IsZero() || len(bal) != len(naive) {
		return fmt.Sprintf("ledger sums to %s", total)
	}
	for _, m := range []int64{10, 11, 12, 20, 21, 22, 23} {
		want := bal[Receivable(m)].Add(bal[Payable(m)])
		lines := Statement(m, s.entries)
		got := decimal.Zero
		if len(lines) > 0 {
			got = lines[len(lines)-1].Balance
		}
		if !got.Equal(want) {
			return fmt.Sprintf("member %d: statement ends at %s, balances say %s", m, got, want)
		}
	}
	return ""
}

func TestProperty_NoSequenceBreaksStockOrLedger(t *testing.T) {
	t.Parallel()
	f := func(seed uint64) bool {
		s := newExchangeSim(seed)
		for i := range 300 {
			s.step()
			if msg := s.check(i%20 == 19); msg != "" {
				t.Logf("seed %d, step %d: %s", seed, i, msg)
				return false
			}
		}
		return true
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 300}); err != nil {
		t.Fatal(err)
	}
}

// TestProperty_SimulationExercisesEveryPath guards the property test itself:
// the random operations must reach every order state and post real money.
func TestProperty_SimulationExercisesEveryPath(t *testing.T) {
	t.Parallel()
	seen := map[OrderState]int{}
	kinds := map[EntryKind]int{}
	for seed := range uint64(50) {
		s := newExchangeSim(seed)
		for range 300 {
			s.step()
		}
		for _, o := range s.orders {
			seen[o.State]++
		}
		for _, e := range s.entries {
			kinds[e.Kind]++
		}
	}
	for _, st := range []OrderState{OrderProposed, OrderConfirmed, OrderDeclined, OrderExpired, OrderCancelled, OrderDelivered} {
		if seen[st] == 0 {
			t.Errorf("no order ended %s", st)
		}
	}
	for _, k := range []EntryKind{EntryOrderConfirmed, EntryPaymentIn, EntryPaymentOut, EntryPaymentDirect, EntryReversal} {
		if kinds[k] == 0 {
			t.Errorf("no %s entry", k)
		}
	}
}

// TestProperty_RandomEntriesBalanceOrAreRefused builds random entries whose
// last posting balances the others, and checks that Validate accepts them
// and refuses any that are knocked off balance by a fen.
func TestProperty_RandomEntriesBalanceOrAreRefused(t *testing.T) {
	t.Parallel()
	accounts := []Account{AssocCash, AssocFees, Receivable(1), Payable(1), Receivable(2), Payable(3)}
	f := func(seed uint64, n uint8) bool {
		r := rand.New(rand.NewPCG(seed, 1))
		var entries []Entry
		for range 1 + int(n)%20 {
			e := Entry{Kind: EntryReversal, Ref: "x"}
			sum := decimal.Zero
			for range 1 + r.IntN(5) {
				amt := decimal.New(r.Int64N(2_000_000)-1_000_000, -2)
				if amt.IsZero() {
					amt = decimal.New(1, -2)
				}
				e.Postings = append(e.Postings, Posting{Account: accounts[r.IntN(len(accounts))], Amount: amt})
				sum = sum.Add(amt)
			}
			if sum.IsZero() {
				e.Postings[0].Amount = e.Postings[0].Amount.Add(decimal.New(1, -2))
				if e.Postings[0].Amount.IsZero() {
					e.Postings[0].Amount = decimal.New(2, -2)
				}
				sum = decimal.Zero
				for _, p := range e.Postings {
					sum = sum.Add(p.Amount)
				}
			}
			e.Postings = append(e.Postings, Posting{Account: accounts[r.IntN(len(accounts))], Amount: sum.Neg()})
			if e.Validate() != nil {
				return false
			}
			bad := Entry{Postings: append([]Posting(nil), e.Postings...)}
			bad.Postings[0].Amount = bad.Postings[0].Amount.Add(decimal.New(1, -2))
			if !bad.Postings[0].Amount.IsZero() && bad.Validate() == nil {
				return false
			}
			entries = append(entries, e)
		}
		total := decimal.Zero
		for _, amt := range Balances(entries) {
			total = total.Add(amt)
		}
		return total.IsZero()
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 500}); err != nil {
		t.Fatal(err)
	}
}

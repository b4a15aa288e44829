package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"huamu/internal/pgtest"
	"huamu/internal/store"
	"huamu/matching"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestLedger_DatabaseRefusesAnEntryWhosePostingsDoNotSumToZero(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	// Straight SQL, past the Go validation: the deferred trigger refuses
	// at commit.
	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO ledger_entries (kind, ref, at) VALUES ('payment_in', 'x', now()) RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	// Postings one by one are fine until commit...
	if _, err := tx.Exec(ctx, `INSERT INTO ledger_postings (entry_id, account, amount) VALUES ($1, 'assoc:cash', 10.00)`, id); err != nil {
		t.Fatalf("a first posting must be accepted until commit: %v", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ledger_postings (entry_id, account, amount) VALUES ($1, 'member:1:receivable', -9.99)`, id); err != nil {
		t.Fatal(err)
	}
	err = tx.Commit(ctx)
	if err == nil || !strings.Contains(err.Error(), "does not balance") {
		t.Fatalf("commit of an unbalanced entry: %v, want refused", err)
	}
	// ...and so is an entry with a single posting or none.
	for _, sql := range []string{
		`WITH e AS (INSERT INTO ledger_entries (kind, ref, at) VALUES ('payment_in', 'y', now()) RETURNING id) SELECT 1 FROM e`,
	} {
		if _, err := st.Pool().Exec(ctx, sql); err == nil {
			t.Errorf("an entry without postings committed")
		}
	}
	if sum, bad, err := st.LedgerImbalance(ctx); err != nil || !sum.IsZero() || len(bad) > 0 {
		t.Errorf("ledger after refusals: sum %s, unbalanced %v, %v", sum, bad, err)
	}
}

func TestLedger_IsAppendOnly(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	var e matching.Entry
	err := st.InTx(ctx, func(tx *store.Tx) (err error) {
		e, err = matching.PaymentInEntry(1, dec("100.00"), "R1", time.Now())
		if err != nil {
			return err
		}
		e, err = tx.PostEntry(ctx, e, store.EntryMeta{Memo: "t"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE ledger_postings SET amount = amount * 2`,
		`DELETE FROM ledger_postings`,
		`UPDATE ledger_entries SET ref = 'changed'`,
		`DELETE FROM ledger_entries`,
		`TRUNCATE ledger_postings, ledger_entries`,
	} {
		if _, err := st.Pool().Exec(ctx, sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused as append-only", sql, err)
		}
	}
	got, err := st.EntryByRef(ctx, matching.EntryPaymentIn, "R1")
	if err != nil || len(got.Postings) != 2 || !got.Postings[0].Amount.Equal(dec("100")) {
		t.Errorf("entry after refused changes: %+v %v", got, err)
	}
}

func TestLedger_SameEventIsPostedOnceAndInvalidEntriesNever(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	post := func(e matching.Entry) error {
		return st.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.PostEntry(ctx, e, store.EntryMeta{})
			return err
		})
	}
	e, _ := matching.PaymentInEntry(7, dec("12.34"), "R9", time.Now())
	if err := post(e); err != nil {
		t.Fatal(err)
	}
	if err := post(e); matching.ErrorCodeOf(err) != matching.CodeConflict {
		t.Errorf("second posting of the same (kind, ref): %v, want conflict", err)
	}
	bad := matching.Entry{Kind: matching.EntryPaymentIn, Ref: "R10", Postings: []matching.Posting{
		{Account: matching.AssocCash, Amount: dec("1.005")}, {Account: matching.Receivable(7), Amount: dec("-1.005")}}}
	if err := post(bad); matching.ErrorCodeOf(err) != matching.CodeInvalid {
		t.Errorf("three-decimal postings: %v, want invalid", err)
	}
	lines, bal, err := st.MemberStatement(ctx, 7)
	if err != nil || len(lines) != 1 || !bal.Equal(dec("-12.34")) {
		t.Errorf("statement %+v balance %s (%v), want one line and -12.34", lines, bal, err)
	}
}

func TestOrders_DatabaseKeepsTotalsExactAndStockNonNegative(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	var buyer, seller, listing int64
	err := st.InTx(ctx, func(tx *store.Tx) error {
		b, err := tx.EnsureMember(ctx, "13900000002")
		if err != nil {
			return err
		}
		s, err := tx.EnsureMember(ctx, "13800000001")
		if err != nil {
			return err
		}
		n := int64(10)
		p := dec("0.35")
		l, err := tx.InsertListing(ctx, nil, matching.Listing{MemberID: s.ID, Side: matching.Supply, Species: "桂花",
			Qty: matching.Qty{Min: &n, Max: &n, Unit: "株"}, Price: &matching.Price{Min: &p},
			CreatedAt: tx.Now, ExpiresAt: tx.Now.Add(time.Hour)})
		buyer, seller, listing = b.ID, s.ID, l.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// A total that is not round(unit_price × qty, 2) is refused.
	_, err = st.Pool().Exec(ctx, `INSERT INTO orders (listing_id, buyer_id, seller_id, species, qty, unit, unit_price,
		total, state, created_at, expires_at, updated_at) VALUES ($1, $2, $3, '桂花', 3, '株', 0.35, 1.04, 'proposed', now(), now(), now())`,
		listing, buyer, seller)
	if err == nil {
		t.Error("an order whose total is not unit price × qty was stored")
	}
	// Remaining never goes below zero, even by hand.
	if _, err := st.Pool().Exec(ctx, `UPDATE listings SET remaining = remaining - 11 WHERE id = $1`, listing); err == nil {
		t.Error("remaining went below zero")
	}
	// A reservation for more than remains changes nothing.
	err = st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.InsertOrder(ctx, nil, matching.Order{ListingID: listing, BuyerID: buyer, SellerID: seller,
			Species: "桂花", Qty: 11, Unit: "株", UnitPrice: dec("0.35"), State: matching.OrderProposed,
			CreatedAt: tx.Now, ExpiresAt: tx.Now, UpdatedAt: tx.Now})
		return err
	})
	if rem, ok := matching.RemainingOf(err); !ok || rem != 10 {
		t.Errorf("over-reservation: %v, want a shortage naming the 10 that remain", err)
	}
}

func TestOrders_ATotalALedgerPostingCannotHoldIsRefusedAtProposal(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	err := st.InTx(ctx, func(tx *store.Tx) error {
		seller, err := tx.EnsureMember(ctx, "13800000001")
		if err != nil {
			return err
		}
		buyer, err := tx.EnsureMember(ctx, "13900000002")
		if err != nil {
			return err
		}
		q := int64(10)
		price := decimal.RequireFromString("999999999999.99")
		l, err := tx.InsertListing(ctx, nil, matching.Listing{MemberID: seller.ID, Side: matching.Supply, Species: "桂花",
			Qty: matching.Qty{Min: &q, Max: &q, Unit: "株"}, Price: &matching.Price{Min: &price, Max: &price, Per: "株"},
			CreatedAt: tx.Now, ExpiresAt: tx.Now.Add(time.Hour)})
		if err != nil {
			return err
		}
		// Bypassing matching.NewOrder's bounds: 2 × 999999999999.99 fits
		// orders.total but not a ledger posting.
		_, err = tx.InsertOrder(ctx, nil, matching.Order{ListingID: l.ID, BuyerID: buyer.ID, SellerID: seller.ID,
			Species: "桂花", Qty: 2, Unit: "株", UnitPrice: price, State: matching.OrderProposed,
			CreatedAt: tx.Now, ExpiresAt: tx.Now.Add(time.Hour), UpdatedAt: tx.Now})
		return err
	})
	if matching.ErrorCodeOf(err) != matching.CodeInvalid {
		t.Fatalf("an order whose total no posting holds: %v, want CodeInvalid", err)
	}
}

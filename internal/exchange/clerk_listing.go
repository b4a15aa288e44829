package exchange

import (
	"context"
	"encoding/json"
	"fmt"

	"huamu/internal/outbound"
	"huamu/internal/store"
	"huamu/matching"
)

// Clerk actions on listings from the back office (and the API's, which
// posts for members too). Each is one transaction: matching's listing
// rules, the rows, the texts they cause, the new listing matched against
// the book as if the member had texted it, and an audit row naming the
// clerk, all committed together.

// listingRef names listing id in the audit log.
func listingRef(id int64) string { return fmt.Sprintf("listing:%d", id) }

// post stores l for the member with phone (created when new), texts them
// its receipt and matches it against the book as if they had texted it,
// in tx. inboundID is the text it came from, 0 for none.
func (s *Service) post(ctx context.Context, tx *store.Tx, inboundID int64, phone string, l matching.Listing) (matching.Listing, error) {
	m, err := tx.EnsureMember(ctx, phone)
	if err != nil {
		return l, err
	}
	l.MemberID, l.Phone = m.ID, m.Phone
	if l, err = tx.InsertListing(ctx, cause(inboundID), l); err != nil {
		return l, err
	}
	if err := s.reply(ctx, tx, inboundID, m.Phone, s.Outbox.Fit(outbound.OnBehalfReceipt(l)...), outbound.KindReceipt); err != nil {
		return l, err
	}
	_, _, err = s.match(ctx, tx, inboundID, l)
	return l, err
}

// PostOnBehalf stores a listing a clerk (or an API client) enters for a
// member who phoned in (代发布), creating the member if needed; the member
// is texted its receipt and the listing is matched at once. It runs in tx,
// the transaction that keeps the request's one-time token or
// Idempotency-Key (store.Once), so a repeat posts nothing.
func (s *Service) PostOnBehalf(ctx context.Context, tx *store.Tx, by store.Actor, phone string, l matching.Listing) (matching.Listing, error) {
	l, err := s.post(ctx, tx, 0, phone, l)
	if err != nil {
		return l, err
	}
	if err := tx.AddCorrection(ctx, store.CorrectionRow{By: by, ListingID: &l.ID, Action: "on_behalf", After: l}); err != nil {
		return l, err
	}
	detail := outbound.OfferLine(l)
	if by.APIClientID != 0 {
		detail = fmt.Sprintf("接口客户#%d %s", by.APIClientID, detail)
	}
	return l, tx.Audit(ctx, by.UserID, "listing.on_behalf", listingRef(l.ID), detail)
}

// ResolveAsListing turns a text waiting for a clerk into the listing it
// meant: the listing is stored for the sender, who gets its receipt, it is
// matched against the book, and the text is marked resolved with the
// correction kept. alias is the word the grammar did not know ("" for
// none).
func (s *Service) ResolveAsListing(ctx context.Context, userID, inboundID int64, l matching.Listing, alias string) (matching.Listing, error) {
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		in, err := tx.LockNeedsClerk(ctx, inboundID)
		if err != nil {
			return err
		}
		if l, err = s.post(ctx, tx, inboundID, in.Sender, l); err != nil {
			return err
		}
		if err := tx.ResolveInbound(ctx, inboundID, fmt.Sprintf("人工登记#%d", l.ID)); err != nil {
			return err
		}
		if err := tx.AddCorrection(ctx, store.CorrectionRow{By: store.Actor{UserID: userID}, InboundID: &inboundID,
			ListingID: &l.ID, Action: "listing", Before: json.RawMessage(nil), After: l, Alias: alias}); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "inbound.listing", fmt.Sprintf("inbound:%d", inboundID), fmt.Sprintf("登记#%d %s", l.ID, alias))
	})
	return l, err
}

// EditListing saves clerk userID's correction of listing id under
// matching's rule (matching.Listing.Edit: relative to the page the clerk
// saw), keeps the before and after, texts the member what changed and
// audits it.
func (s *Service) EditListing(ctx context.Context, userID, id int64, e matching.ListingEdit) (matching.Listing, error) {
	var after matching.Listing
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.ListingForUpdate(ctx, id)
		if err != nil {
			return err
		}
		held, err := tx.ListingHeld(ctx, id)
		if err != nil {
			return err
		}
		edited, err := before.Edit(e, held)
		if err != nil {
			return err
		}
		if err := tx.UpdateListing(ctx, edited); err != nil {
			return err
		}
		if after, err = tx.ListingForUpdate(ctx, id); err != nil {
			return err
		}
		if err := tx.AddCorrection(ctx, store.CorrectionRow{By: store.Actor{UserID: userID}, ListingID: &id, Action: "edit",
			Before: before, After: after}); err != nil {
			return err
		}
		if err := s.reply(ctx, tx, 0, before.Phone, s.Outbox.Fit(outbound.EditedByClerk(after)...), outbound.KindNotice); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "listing.edit", listingRef(id), outbound.OfferLine(after))
	})
	return after, err
}

// CancelListing withdraws listing id on clerk userID's word, by the same
// rule and path as its owner's 取消 (withdraw), and keeps the reason in
// its correction and audit rows.
func (s *Service) CancelListing(ctx context.Context, userID, id int64, reason string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		l, err := tx.ListingForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if err := s.withdraw(ctx, tx, nil, l, matching.Actor{Clerk: true}); err != nil {
			return err
		}
		if err := tx.AddCorrection(ctx, store.CorrectionRow{By: store.Actor{UserID: userID}, ListingID: &id, Action: "cancel",
			Before: l, After: map[string]string{"reason": reason}}); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "listing.cancel", listingRef(id), reason)
	})
}

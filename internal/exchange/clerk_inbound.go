package exchange

import (
	"context"
	"fmt"

	"huamu/internal/store"
)

// Clerk actions on a text waiting for a clerk, other than turning it into a
// listing (ResolveAsListing). Each is one transaction with its correction
// and its audit row.

// MarkHandled closes a text waiting for a clerk without a listing (chit-chat,
// a phone call made, a command done by hand), with the clerk's note.
func (s *Service) MarkHandled(ctx context.Context, userID, inboundID int64, note string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.LockNeedsClerk(ctx, inboundID); err != nil {
			return err
		}
		if err := tx.ResolveInbound(ctx, inboundID, "人工处理: "+note); err != nil {
			return err
		}
		if err := tx.AddCorrection(ctx, store.CorrectionRow{By: store.Actor{UserID: userID}, InboundID: &inboundID, Action: "handled",
			After: map[string]string{"note": note}}); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "inbound.handled", fmt.Sprintf("inbound:%d", inboundID), note)
	})
}

// Reparse hands a text waiting for a clerk back to the intake workers, to
// be parsed again with the current lexicon (after a clerk added its word).
func (s *Service) Reparse(ctx context.Context, userID, inboundID int64, alias string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.LockNeedsClerk(ctx, inboundID); err != nil {
			return err
		}
		if err := tx.Requeue(ctx, inboundID); err != nil {
			return err
		}
		if err := tx.AddCorrection(ctx, store.CorrectionRow{By: store.Actor{UserID: userID}, InboundID: &inboundID, Action: "reparse",
			Alias: alias}); err != nil {
			return err
		}
		return tx.Audit(ctx, userID, "inbound.reparse", fmt.Sprintf("inbound:%d", inboundID), alias)
	})
}

package store

import "context"

// Exec runs a statement in tx, for tests that need a write of their own to
// commit or roll back with the text being handled.
func (tx *Tx) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := tx.tx.Exec(ctx, sql, args...)
	return err
}

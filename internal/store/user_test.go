package store_test

import (
	"context"
	"testing"

	"huamu/internal/pgtest"
	"huamu/internal/store"
)

// An admin's save of an account is one change: the new password, the end
// of the account's sessions and the audit row commit together, or, when
// the audit row cannot be written, none of them does.
func TestSaveUser_TheAccountItsSessionsAndItsAuditCommitTogether(t *testing.T) {
	t.Parallel()
	st := pgtest.Store(t, nil)
	ctx := context.Background()
	admin, err := st.UpsertUser(ctx, "admin", "管理员", store.RoleAdmin, "admin password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertUser(ctx, "li", "李", store.RoleClerk, "old password"); err != nil {
		t.Fatal(err)
	}
	token, _, err := st.Authenticate(ctx, "li", "old password")
	if err != nil {
		t.Fatal(err)
	}
	adminToken, _, err := st.Authenticate(ctx, "admin", "admin password")
	if err != nil {
		t.Fatal(err)
	}
	audits := func() (n int) {
		t.Helper()
		if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'user.save'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	mend := pgtest.FailInserts(t, st, "audit_log")
	if _, err := st.SaveUser(ctx, admin.ID, "li", "李", store.RoleReadonly, "new password"); err == nil {
		t.Fatal("an account was saved with the audit log down")
	}
	if _, err := st.SessionByToken(ctx, token); err != nil {
		t.Fatalf("the session ended though the save failed: %v", err)
	}
	if _, _, err := st.Authenticate(ctx, "li", "old password"); err != nil {
		t.Fatalf("the old password no longer works though the save failed: %v", err)
	}
	mend()

	if _, err := st.SaveUser(ctx, admin.ID, "li", "李", store.RoleReadonly, "new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionByToken(ctx, token); err == nil {
		t.Error("the account's session outlived its new password")
	}
	if _, _, err := st.Authenticate(ctx, "li", "new password"); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
	if n := audits(); n != 1 {
		t.Errorf("%d audit rows for the save, want 1", n)
	}
	// An admin saving their own account keeps their session.
	if _, err := st.SaveUser(ctx, admin.ID, "admin", "管理员", store.RoleAdmin, "admin password 2"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionByToken(ctx, adminToken); err != nil {
		t.Errorf("the admin's own session ended: %v", err)
	}
}

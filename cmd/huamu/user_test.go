package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"huamu/internal/pgtest"
	"huamu/internal/redistest"
	"huamu/internal/store"
)

// env points the commands at a database of their own.
func env(t *testing.T) *store.Store {
	t.Helper()
	url := pgtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("REDIS_URL", redistest.URL())
	t.Setenv("HUAMU_SMPP_BINDS", "smpp://huamu:pw@127.0.0.1:1")
	pool, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return store.New(pool, nil)
}

func TestServe_RefusesToStartWhileTheDemoAccountCanLogIn(t *testing.T) {
	st := env(t)
	ctx := context.Background()
	u, err := st.UpsertUser(ctx, demoLogin, "演示职员", store.RoleClerk, demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	// The demo clerk did something, so the account has a history.
	if err := st.Audit(ctx, u.ID, "login", "user:demo", ""); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = run(ctx, []string{"serve"}, nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "huamu user remove --login demo") {
		t.Fatalf("serve with the demo account: %v, want a refusal that says how to remove it", err)
	}
	out.Reset()
	if err := run(ctx, []string{"user", "remove", "--login", "demo"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.CanLogIn(ctx, demoLogin, demoPassword); ok || err != nil {
		t.Fatalf("the demo account still logs in after removal (%v)", err)
	}
	if err := refuseDemoAccount(ctx, pgtest.URL(t)); err != nil {
		t.Fatalf("a fresh database: %v", err)
	}
	if err := refuseDemoAccount(ctx, pgtest.EmptyURL(t)); err != nil {
		t.Fatalf("a database not migrated yet: %v", err)
	}
}

func TestUserRemove_DeletesAnAccountWithoutHistory(t *testing.T) {
	st := env(t)
	ctx := context.Background()
	if _, err := st.UpsertUser(ctx, "temp", "", store.RoleClerk, "correct horse"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"user", "remove", "--login", "temp"}, nil, &out, &out); err != nil || !strings.Contains(out.String(), "removed") {
		t.Fatalf("%v: %s", err, out.String())
	}
	if us, _ := st.ListUsers(ctx); len(us) != 0 {
		t.Fatalf("accounts left: %+v", us)
	}
}

// The review's case: a password reset from the command line left whoever
// had logged in with the old password logged in.
func TestUserAdd_APasswordResetEndsTheAccountsSessions(t *testing.T) {
	st := env(t)
	ctx := context.Background()
	if _, err := st.UpsertUser(ctx, "li", "李", store.RoleClerk, "old password"); err != nil {
		t.Fatal(err)
	}
	token, _, err := st.Authenticate(ctx, "li", "old password")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HUAMU_PASSWORD", "new password")
	var out bytes.Buffer
	if err := run(ctx, []string{"user", "add", "--login", "li", "--name", "李"}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionByToken(ctx, token); err == nil {
		t.Fatal("the session opened with the old password is still alive")
	}
}

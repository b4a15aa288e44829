package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"huamu/internal/store"
)

// userAdd creates (or resets) a back-office account. The password comes
// from HUAMU_PASSWORD, or stdin with --password-stdin, or is generated and
// printed once. The account's sessions end: a reset locks out whoever
// logged in with the old password.
func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	login := fs.String("login", "", "login name (required)")
	name := fs.String("name", "", "the person's name, shown in the audit log")
	role := fs.String("role", store.RoleClerk, "admin, clerk or readonly")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *login == "" {
		return fmt.Errorf("--login is required")
	}
	password, generated := os.Getenv("HUAMU_PASSWORD"), false
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if password == "" {
		b := make([]byte, 9)
		_, _ = rand.Read(b)
		password, generated = base64.RawURLEncoding.EncodeToString(b), true
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	pool, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	st := store.New(pool, nil)
	u, err := st.UpsertUser(ctx, *login, *name, *role, password)
	if err != nil {
		return err
	}
	if err := st.EndSessions(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "account %q (%s) ready\n", u.Login, u.Role)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n", password)
	}
	return nil
}

// userRemove removes a back-office account: deleted when nothing refers to
// it, else kept for the audit log with no password and no sessions, so it
// can no longer log in.
func userRemove(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user remove", flag.ContinueOnError)
	fs.SetOutput(stderr)
	login := fs.String("login", "", "login name (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *login == "" {
		return fmt.Errorf("--login is required")
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	pool, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	deleted, err := store.New(pool, nil).RemoveUser(ctx, *login)
	if err != nil {
		return fmt.Errorf("remove %q: %w", *login, err)
	}
	if deleted {
		fmt.Fprintf(stdout, "account %q removed\n", *login)
	} else {
		fmt.Fprintf(stdout, "account %q can no longer log in (kept for the audit log)\n", *login)
	}
	return nil
}

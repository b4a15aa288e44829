package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"huamu/internal/app"
	"huamu/internal/store"
	"huamu/migrations"
)

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	noMigrate := fs.Bool("no-migrate", false, "refuse to start on an old schema instead of migrating it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	if len(cfg.Binds) == 0 {
		return fmt.Errorf("HUAMU_SMPP_BINDS is empty: serve needs at least one bind (or run `huamu demo`)")
	}
	log := newLogger(stderr, cfg.LogLevel)
	log.Info("configuration", slog.String("config", cfg.String()))
	if err := refuseDemoAccount(ctx, cfg.DatabaseURL); err != nil {
		return err
	}
	a, err := app.Start(ctx, cfg, app.Options{Migrate: !*noMigrate}, log)
	if err != nil {
		return err
	}
	<-ctx.Done()
	a.Stop()
	return nil
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
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
	applied, err := store.Migrate(ctx, pool, migrations.FS, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "schema is up to date")
	}
	for _, m := range applied {
		fmt.Fprintln(stdout, "applied", m)
	}
	return nil
}

// refuseDemoAccount stops serve while the demo clerk that `huamu demo`
// creates (its password printed in the README) can still log in to the
// database serve is pointed at.
func refuseDemoAccount(ctx context.Context, url string) error {
	pool, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	ok, err := store.New(pool, nil).CanLogIn(ctx, demoLogin, demoPassword)
	if err != nil {
		return fmt.Errorf("check for the demo account: %w", err)
	}
	if ok {
		return fmt.Errorf("the demo account %q still logs in with the published password %q in this database "+
			"(made by `huamu demo`); remove it first: huamu user remove --login %s", demoLogin, demoPassword, demoLogin)
	}
	return nil
}

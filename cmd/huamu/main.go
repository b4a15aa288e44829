// Command huamu is the one binary of the Huamu (花木通) SMS exchange.
// main only wires: it reads the configuration, builds the parts from
// internal/ and runs the subcommand asked for.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"huamu/internal/config"
)

const usage = `huamu — the 花木通 SMS exchange for flowers and nursery stock

Usage: huamu COMMAND [flags]

  serve        run the exchange: SMPP binds, intake, senders, back office (migrates first)
  migrate      apply pending database migrations and exit
  demo         serve with a built-in SMSC simulator and a demo clerk login (make run)
  smsc         run the SMPP 3.4 SMSC simulator on its own
  sms send     text the exchange through a running simulator and print the replies
  load         drive MOs at a rate through a running simulator; report reply throughput and latency
  parse        show what the grammar makes of a text (--jsonl: a batch on stdin)
  user add     create or reset a back-office account (its sessions end)
  user remove  remove a back-office account, e.g. the demo one, from DATABASE_URL
  help         this screen

Configuration comes from the environment: DATABASE_URL, REDIS_URL,
HUAMU_HTTP_ADDR, HUAMU_SMPP_BINDS (see README.md). Run "huamu COMMAND -h"
for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "huamu:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "serve":
		tuneGC()
		return serve(ctx, rest, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "demo":
		tuneGC()
		return demo(ctx, rest, stdout, stderr)
	case "smsc":
		return smscCmd(ctx, rest, stdout, stderr)
	case "sms":
		if len(rest) == 0 || rest[0] != "send" {
			return fmt.Errorf("usage: huamu sms send --from NUMBER TEXT")
		}
		return smsSend(ctx, rest[1:], stdout, stderr)
	case "load":
		return load(ctx, rest, stdout, stderr)
	case "parse":
		return parseCmd(rest, stdin, stdout, stderr)
	case "user":
		switch {
		case len(rest) > 0 && rest[0] == "add":
			return userAdd(ctx, rest[1:], stdin, stdout, stderr)
		case len(rest) > 0 && rest[0] == "remove":
			return userRemove(ctx, rest[1:], stdout, stderr)
		}
		return fmt.Errorf("usage: huamu user add --login NAME --role admin|clerk|readonly, or huamu user remove --login NAME")
	default:
		return fmt.Errorf("unknown command %q (huamu help lists them)", cmd)
	}
}

// tuneGC lets the heap of a long-running exchange grow to five times its
// live size between collections (GOGC=400) unless GOGC says otherwise: a
// busy exchange allocates per text and keeps little, and the default
// spends a fifth of its CPU collecting.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// newLogger builds the process's one logger.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// loadConfig reads the environment, with a message that names what to set.
func loadConfig() (config.Config, error) {
	c, err := config.FromEnv()
	if err != nil {
		return c, fmt.Errorf("configuration:\n%w", err)
	}
	return c, nil
}

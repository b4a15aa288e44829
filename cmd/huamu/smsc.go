package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"huamu/internal/smsc"
)

// startSimulator runs the SMSC simulator and its control page.
func startSimulator(addr, httpAddr string, log *slog.Logger) (*smsc.Server, *http.Server, error) {
	sim, err := smsc.Start(smsc.Config{Addr: addr, Log: log})
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", httpAddr)
	if err != nil {
		sim.Stop()
		return nil, nil, fmt.Errorf("simulator control page %s: %w", httpAddr, err)
	}
	hs := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("simulator control page", slog.Any("err", err))
		}
	}()
	return sim, hs, nil
}

func smscCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("smsc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:2775", "SMPP listen address")
	httpAddr := fs.String("http", "127.0.0.1:2776", "control page and API (POST /mo, GET /mt)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(stderr, "info")
	sim, hs, err := startSimulator(*addr, *httpAddr, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "SMSC simulator: SMPP on %s, control page http://%s\n", sim.Addr(), *httpAddr)
	<-ctx.Done()
	_ = hs.Close()
	sim.Stop()
	return nil
}

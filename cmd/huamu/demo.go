package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"huamu/internal/app"
	"huamu/internal/config"
	"huamu/smsgw"
)

// Demo clerk account that `make run` prints.
const (
	demoLogin    = "demo"
	demoPassword = "huamu-demo"
)

// demo runs the exchange against the built-in SMSC simulator: one bind per
// carrier, a demo clerk account, and instructions for texting in.
func demo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	smppAddr := fs.String("smpp", "127.0.0.1:2775", "simulator SMPP address")
	simHTTP := fs.String("sim-http", "127.0.0.1:2776", "simulator control page")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	sim, hs, err := startSimulator(*smppAddr, *simHTTP, log.With(slog.String("part", "smsc")))
	if err != nil {
		return err
	}
	defer sim.Stop()
	defer hs.Close()
	if len(cfg.Binds) == 0 {
		for _, c := range []smsgw.Carrier{smsgw.Mobile, smsgw.Unicom, smsgw.Telecom} {
			cfg.Binds = append(cfg.Binds, config.Bind{Name: string(c) + "-1", SystemID: "huamu", Password: "demo",
				Addr: sim.Addr(), Carrier: c, Source: "10690000", Window: config.DefaultWindow, TPS: config.DefaultTPS})
		}
	}
	a, err := app.Start(ctx, cfg, app.Options{Migrate: true}, log)
	if err != nil {
		return err
	}
	defer a.Stop()
	if _, err := a.Store.UpsertUser(ctx, demoLogin, "演示职员", "clerk", demoPassword); err != nil {
		return err
	}
	fmt.Fprintf(stdout, `
================================================================
 花木通 Huamu is running.

 Back office:  http://%[1]s   login %[2]s / password %[3]s
 SMSC page:    http://%[4]s   (every text in and out)

 Text the exchange from another terminal, as a grower and a buyer:
   ./bin/huamu sms send --from 13800000001 "供 桂花 8公分 200株 600元 万春镇"
   ./bin/huamu sms send --from 13900000002 "求购 桂花 8公分 100株"
 The replies print there, and show on both pages above.
 Ctrl-C stops everything.
================================================================
`, a.HTTPAddr(), demoLogin, demoPassword, *simHTTP)
	<-ctx.Done()
	return nil
}

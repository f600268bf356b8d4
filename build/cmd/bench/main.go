// Command bench measures Kiosque side by side with its references, in one
// run, and prints one table: the wasm against go-app's hello world; the
// server's rate at saturation (wrk) and its tail latency at a constant
// rate (vegeta) against nginx serving the very same bytes from files, on
// one pinned core each, and Kiosque's fasthttp front and net/http alone
// serving them (how much of its stack's rate Kiosque reaches, and what
// net/http would give); what a partner's page view
// costs in Chromium with and without the reader's intent; the time to the
// widget's first card against the same document as a static file; the
// widget events (insights) a server takes on one core, and whether a
// graceful shutdown stores them all; the server's memory with 10,000
// articles; and Lighthouse's scores.
//
// It needs bin/kiosque and the built wasm (make bench builds them), and
// Debian's nginx, wrk and Chromium, and Node's npm for Lighthouse (make
// bench installs what is missing). It listens on loopback only, bounds
// every step in time, and stops everything it started.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

type options struct {
	seconds   int    // each wrk run
	rounds    int    // wrk runs per route and server, the median kept
	large     int    // articles in the large store
	only      string // comma-separated sections to run; empty: all
	kiosque   string // the server binary
	web       string // the web folder, with the built wasm
	cacheDir  string // where Lighthouse is installed
	serverCPU string
	loadCPU   string
	vegeta    string // the open-model load generator
}

// reference is how the bench runs itself as a stack reference.
type reference struct {
	answers string // the answers to serve, as startStackRef lists them
	stack   string
	addr    string
}

func main() {
	var o options
	flag.IntVar(&o.seconds, "seconds", 4, "seconds of each wrk run")
	flag.IntVar(&o.rounds, "rounds", 3, "wrk runs per route and server; the median is kept")
	flag.IntVar(&o.large, "large", 100_000, "articles in the large store")
	flag.StringVar(&o.only, "only", "", "sections to run, comma-separated: wasm,throughput,startup,insights,browser,memory,lighthouse (default all)")
	flag.StringVar(&o.kiosque, "kiosque", "bin/kiosque", "the server binary")
	flag.StringVar(&o.web, "web", "web", "the web folder, with the built wasm")
	flag.StringVar(&o.cacheDir, "cache", "build/cache", "where tools fetched from npm are kept")
	flag.StringVar(&o.serverCPU, "server-cpu", "0", "the core the servers run on")
	flag.StringVar(&o.loadCPU, "load-cpu", "1", "the core wrk and vegeta run on")
	flag.StringVar(&o.vegeta, "vegeta", "build/cache/bin/vegeta", "vegeta, the open-model load generator (make bench installs it)")
	var ref reference
	flag.StringVar(&ref.answers, "serve-answers", "", "serve the answers listed in this file as a stack reference, and nothing else")
	flag.StringVar(&ref.stack, "stack", string(netHTTP), "the stack the reference serves on: net/http, fasthttp, or fasthttp-adaptor (fasthttp with a net/http handler)")
	flag.StringVar(&ref.addr, "addr", "127.0.0.1:0", "where the reference listens")
	flag.Parse()
	if ref.answers != "" {
		if err := serveAnswers(ref.answers, stack(ref.stack), ref.addr); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s reference: %v\n", ref.stack, err)
			os.Exit(1)
		}
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// section is one part of the measurement, adding rows to the table.
type section struct {
	name    string
	measure func(ctx context.Context, o options, t *table) error
}

func run(ctx context.Context, o options) error {
	sections := []section{
		{"wasm", measureWasm},
		{"throughput", measureThroughput},
		{"startup", measureStartup},
		{"insights", measureInsights},
		{"browser", measureBrowser},
		{"memory", measureMemory},
		{"lighthouse", measureLighthouse},
	}
	t := &table{}
	var failed []string
	for _, s := range sections {
		if o.only != "" && !strings.Contains(","+o.only+",", ","+s.name+",") {
			continue
		}
		start := time.Now()
		fmt.Fprintf(os.Stderr, "bench: %s…\n", s.name)
		if err := s.measure(ctx, o, t); err != nil {
			if errors.Is(ctx.Err(), context.Canceled) {
				return err
			}
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", s.name, err)
			failed = append(failed, s.name)
		}
		fmt.Fprintf(os.Stderr, "bench: %s took %s\n", s.name, time.Since(start).Round(time.Second))
	}
	t.print(os.Stdout)
	if len(failed) > 0 {
		return fmt.Errorf("could not measure: %s", strings.Join(failed, ", "))
	}
	if misses := t.missed(); misses > 0 {
		return fmt.Errorf("%d figures miss their budget", misses)
	}
	return nil
}

//go:build !wasm

// Package cli is Kiosque's command line: serving, importing, and the
// operations a publisher runs on a store. It is the server side of main;
// the wasm links only its stub.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

const usage = `Kiosque serves an embeddable news widget.

Usage:
  kiosque serve [flags]              serve the site, the widget and the API
  kiosque ingest [flags]             import articles from a feed or WordPress, once
  kiosque sources [flags]            list the sources imported, with their health
  kiosque remove [flags] SLUG        take an article down, for good (-url URL: by its address)
  kiosque restore [flags] SLUG|URL   let a removed article come back with the next import
  kiosque backup [flags] FILE        copy the SQLite store, safely while it serves
  kiosque eval-related [flags] FILE  measure the related-articles ranker on labelled articles
  kiosque version                    say which release this is
  kiosque help                       show this help

Run "kiosque COMMAND -h" for a command's flags. Each flag may also be set
in the environment: -public-url as KIOSQUE_PUBLIC_URL; a flag given wins.
`

// ErrUsage is returned when the command line names no known command; the
// commands were printed.
var ErrUsage = errors.New("no known command")

// Run parses the command line and runs a command. Settings not given as
// flags are read with getenv (os.Getenv).
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ErrUsage
	}
	command, args := args[0], args[1:]
	var err error
	switch command {
	case "serve":
		err = serveCommand(ctx, args, getenv, stdout, stderr)
	case "ingest":
		err = ingestCommand(ctx, args, getenv, stdout, stderr)
	case "sources":
		err = sourcesCommand(ctx, args, getenv, stdout, stderr)
	case "remove":
		err = removeCommand(ctx, args, getenv, stdout, stderr)
	case "restore":
		err = restoreCommand(ctx, args, getenv, stdout, stderr)
	case "backup":
		err = backupCommand(ctx, args, getenv, stdout, stderr)
	case "eval-related":
		err = evalRelatedCommand(ctx, args, getenv, stdout, stderr)
	case "version":
		err = versionCommand(args, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: %q", ErrUsage, command)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

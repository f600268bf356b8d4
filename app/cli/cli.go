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
	switch command {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	run, ok := commands()[command]
	if !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: %q", ErrUsage, command)
	}
	if err := run(ctx, args, getenv, stdout, stderr); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil
}

// commandFunc runs a command on the arguments that follow its name.
type commandFunc func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error

// commands are the commands of usage, by name.
func commands() map[string]commandFunc {
	return map[string]commandFunc{
		"serve":        serveCommand,
		"ingest":       ingestCommand,
		"sources":      sourcesCommand,
		"remove":       removeCommand,
		"restore":      restoreCommand,
		"backup":       backupCommand,
		"eval-related": evalRelatedCommand,
		"version":      versionCommand,
	}
}

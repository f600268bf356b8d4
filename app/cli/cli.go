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
	"strings"
)

const usage = `Kiosque serves an embeddable news widget.

Usage:
  kiosque [serve] [flags]            serve the site, the widget and the API
  kiosque ingest [flags]             import articles from a feed or WordPress
  kiosque eval-related [-k 6] FILE   measure the related-articles ranker
  kiosque help                       show this help

Run "kiosque COMMAND -h" for a command's flags.
`

// Run parses the command line and runs a command. Settings not given as
// flags are read with getenv (os.Getenv).
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	command := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		command, args = args[0], args[1:]
	}
	var err error
	switch command {
	case "serve":
		err = serveCommand(ctx, args, getenv, stdout, stderr)
	case "ingest":
		err = ingestCommand(ctx, args, getenv, stdout, stderr)
	case "eval-related":
		err = evalRelatedCommand(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", command)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

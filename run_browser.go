//go:build wasm

package main

import (
	"context"
	"errors"
	"io"
)

// run is the command line, which exists on the server only: in the
// browser main never gets past app.RunWhenOnBrowser.
func run(context.Context, []string, io.Writer, io.Writer) error {
	return errors.New("the command line runs on the server, not in the browser")
}

//go:build wasm

package cli

import (
	"context"
	"errors"
	"io"
)

// Run is the command line, which exists on the server only: in the
// browser main never gets past app.RunWhenOnBrowser, and the wasm links
// none of the server's packages.
func Run(context.Context, []string, func(string) string, io.Writer, io.Writer) error {
	return errors.New("the command line runs on the server, not in the browser")
}

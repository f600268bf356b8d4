// Command demo shows the widget on a partner's site: on a second origin
// (http://127.0.0.1:8081) it serves a page embedding three widgets from the
// Kiosque server (http://localhost:8080) with the one-line snippet, and a
// post embedding one the way WordPress does from the oEmbed answer. It
// starts the Kiosque server when none answers. `make demo` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kiosque/kiosque/app/front"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "address of the partner's site (another origin than the widget's)")
	widget := fs.String("kiosque", "http://localhost:8080", "URL of the Kiosque server the widgets come from")
	binary := fs.String("server", "bin/kiosque", "Kiosque binary to start when none answers at -kiosque")
	if err := fs.Parse(args); err != nil {
		return err
	}

	if !answers(ctx, *widget) {
		stopKiosque, err := startKiosque(ctx, *binary, *widget, stderr)
		if err != nil {
			return err
		}
		defer stopKiosque()
	}
	site, err := newPartnerSite(ctx, *widget)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	fmt.Fprintf(stdout, "Widgets from %s on a partner's page: http://%s/\nThe same in a WordPress post:        http://%s/wordpress\n",
		*widget, ln.Addr(), ln.Addr())
	opts := front.DefaultOptions(nil)
	opts.Grace = 5 * time.Second
	return front.Serve(ctx, ln, site.routes(), opts)
}

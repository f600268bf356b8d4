// Kiosque is an embeddable news widget: one program is both the server a
// publisher runs and, compiled to WebAssembly, the interface readers see.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kiosque/kiosque/app/cli"
	"github.com/kiosque/kiosque/app/ui"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func main() {
	app.Route("/", app.NewZeroComponentFactory(&ui.Home{}))
	app.RouteWithRegexp(`^/a/[^/]+$`, app.NewZeroComponentFactory(&ui.ArticlePage{}))
	app.Route("/embed", app.NewZeroComponentFactory(&ui.Widget{}))
	app.Route("/saved", app.NewZeroComponentFactory(&ui.SavedPage{}))
	app.Route("/publish", app.NewZeroComponentFactory(&ui.PublishPage{}))
	app.RunWhenOnBrowser() // in the browser, this never returns

	if err := cli.Run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kiosque:", err)
		os.Exit(1)
	}
}

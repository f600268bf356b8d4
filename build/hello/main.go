// Command hello is go-app's hello world, built beside Kiosque's wasm by
// `make bench` so that their sizes can be compared in one run.
package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

type hello struct{ app.Compo }

func (h *hello) Render() app.UI { return app.H1().Text("Hello World!") }

func main() {
	app.Route("/", app.NewZeroComponentFactory(&hello{}))
	app.RunWhenOnBrowser()
}

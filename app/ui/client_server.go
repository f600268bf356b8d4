//go:build !wasm

package ui

import (
	"context"
	"errors"
)

// errServerSide is returned by the browser-only calls when they run on the
// server, where views come straight from the store instead.
var errServerSide = errors.New("ui: views are fetched only in the browser; the server builds them from the store")

func embeddedView() (View, bool) { return View{}, false }

func fetchView(context.Context, string) (View, error) { return View{}, errServerSide }

func currentPage() string { return "" }

func showDocument(View) {}

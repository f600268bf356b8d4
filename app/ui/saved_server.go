//go:build !wasm

package ui

import (
	"context"

	"github.com/kiosque/kiosque/app/news"
)

// The reader's saved list lives in the browser: the server renders the
// saved page empty and the browser fills it.

func savedArticles() []news.Article { return nil }

func storeSaved([]news.Article) error { return nil }

func keepOffline([]string) {}

func dropOffline([]string) {}

func online(context.Context) bool { return true }

func newRelease() bool { return false }

func withdrawn(context.Context, news.Article) bool { return false }

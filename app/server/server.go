// Package server is Kiosque's HTTP surface: the JSON API, the prerendered
// pages of the site and of the widget, and the static files.
package server

import (
	"log/slog"
	"net/http"

	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/build"
)

// Ranker answers "you may also like": the slugs of up to k articles related
// to the one with this slug, best first, never the article itself.
type Ranker interface {
	Related(slug string, k int) []string
}

// Config is what the server needs.
type Config struct {
	Log     *slog.Logger
	Store   store.Reader
	Related Ranker
	Assets  *build.Assets
	// Site is the publisher's name, shown in page titles and headers.
	Site string
	// FrameAncestors is the CSP frame-ancestors source list of the widget
	// pages: the partner sites allowed to frame them ("*" for any).
	FrameAncestors string
}

// server holds the dependencies the handlers share.
type server struct {
	Config
	pages *pageRenderer
}

// New returns the handler of the whole site.
func New(cfg Config) (http.Handler, error) {
	if cfg.Site == "" {
		cfg.Site = "Kiosque"
	}
	if cfg.FrameAncestors == "" {
		cfg.FrameAncestors = "*"
	}
	pages, err := newPageRenderer(cfg.Assets)
	if err != nil {
		return nil, err
	}
	s := &server{Config: cfg, pages: pages}
	mux := http.NewServeMux()
	s.addRoutes(mux)
	return withRecover(cfg.Log, withLog(cfg.Log, withHeaders(mux))), nil
}

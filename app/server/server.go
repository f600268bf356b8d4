// Package server is Kiosque's HTTP surface: the JSON API, the prerendered
// pages of the site and of the widget, and the static files.
package server

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/assets"
	"github.com/kiosque/kiosque/app/store"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Config is what the server needs.
type Config struct {
	Log   *slog.Logger
	Store store.Reader
	// Lists holds each article's "you may also like" list, kept by the
	// leader's related index.
	Lists store.Lists
	// Health tells whether the store answers, for /healthz (nil: always).
	Health func(ctx context.Context) error
	// StoreFailing reports, after a request failed, whether the store is
	// out of reach (and notes it, so that the log says so once): such
	// failures are not logged at every request. Nil: they all are.
	StoreFailing func(ctx context.Context) bool
	// Web holds the static files and the built app.wasm (the web/ folder).
	Web fs.FS
	// Site is the publisher's name, shown in page titles and headers.
	Site string
	// PublicURL is the scheme and host readers reach the server at
	// ("https://widget.example"), for the absolute URLs of oEmbed. Empty:
	// taken from each request's Host and X-Forwarded-Proto.
	PublicURL string
	// FrameAncestors is the CSP frame-ancestors source list of the widget
	// pages: the partner sites allowed to frame them ("*" for any).
	FrameAncestors string
	// Media serves the images of imported articles at /media/{key}
	// (app/media); nil serves none.
	Media http.Handler
	// Answers keeps the answers built for pages and the API. Whoever
	// changes the store must Drop them. Nil: a cache of the default size.
	Answers *answers.Cache
	// Insights counts the widget's views and clicks, interleaves the
	// ranker with its baseline, and serves the publisher's dashboard.
	// Nil: none of it, and the widget sends nothing.
	Insights *Insights
}

// server holds the dependencies the handlers share.
type server struct {
	Config
	Assets *assets.Assets
	pages  *pageRenderer
	// common are the headers every answer carries.
	common http.Header
	// fixed are the static files served at paths other sites name.
	fixed map[string]*answers.Ready
	// known are the articles beacons may name (Insights).
	known knownArticles
	// loader is the asset the loader (/embed.js) is served from.
	loader string
	// eventHeader are the headers of the answers to beacons.
	eventHeader []answers.Field
}

// Server is the whole site: a handler of every request, and the answers
// prepared ahead that a front may serve without it (Lookup).
type Server struct {
	*server
	handler http.Handler
}

// ServeHTTP serves a request of the site.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// New puts the site together.
func New(cfg Config) (*Server, error) {
	if cfg.Site == "" {
		cfg.Site = "Kiosque"
	}
	if cfg.FrameAncestors == "" {
		cfg.FrameAncestors = "*"
	}
	if cfg.Answers == nil {
		cfg.Answers = answers.NewCache(answers.DefaultMaxBytes)
	}
	common := commonHeaders()
	assets, err := loadAssets(cfg, common)
	if err != nil {
		return nil, err
	}
	if assets.Version() == "" {
		cfg.Log.Warn("no app.wasm among the web files: pages are served prerendered, without the interactive app; run `make build`")
	}
	loader, err := prepareLoader(cfg, assets)
	if err != nil {
		return nil, err
	}
	pages, err := newPageRenderer(assets, cfg.Insights != nil)
	if err != nil {
		return nil, err
	}
	s := &server{Config: cfg, Assets: assets, pages: pages, common: common, fixed: map[string]*answers.Ready{}, loader: loader,
		eventHeader: eventHeader(common)}
	mux := http.NewServeMux()
	s.addRoutes(mux)
	return &Server{server: s, handler: withRecover(cfg.Log, withLog(cfg.Log, withHeaders(common, mux)))}, nil
}

// commonHeaders are the headers every answer carries. The API and the
// files may be read from any origin: they are public, and sandboxed frames
// come from origin null. No cookies are ever set.
func commonHeaders() http.Header {
	h := http.Header{}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Access-Control-Allow-Origin", "*")
	return h
}

// loadAssets loads the static files and has go-app generate its runtime
// files (app.js, the service worker, the manifest) for this release.
func loadAssets(cfg Config, common http.Header) (*assets.Assets, error) {
	if cfg.Web == nil {
		return nil, fmt.Errorf("server: no web files given")
	}
	assets, err := assets.LoadWeb(cfg.Web, common)
	if err != nil {
		return nil, err
	}
	goapp := &app.Handler{
		Name:            cfg.Site,
		ShortName:       cfg.Site,
		Title:           cfg.Site,
		Description:     "Les dernières nouvelles, à lire en ligne et hors ligne.",
		Lang:            "fr",
		BackgroundColor: lightBackground,
		ThemeColor:      accent,
		Icon: app.Icon{
			Default:  "/web/icons/icon-192.png",
			Large:    "/web/icons/icon-512.png",
			Maskable: "/web/icons/maskable-512.png",
			SVG:      "/web/icons/icon.svg",
		},
		// The app shell: enough to open the site offline.
		CacheableResources:    []string{"/web/kiosque.css", "/web/kiosque.js", "/web/icons/icon.svg", "/saved"},
		Resources:             assets,
		Version:               assets.Release(),
		LoadingLabel:          " ",
		ServiceWorkerTemplate: workerTemplate,
	}
	if err := assets.AddRuntime(withOptionalWorker{goapp}); err != nil {
		return nil, fmt.Errorf("generate go-app's files: %w", err)
	}
	manifest, err := webManifest(cfg.Site, assets.Resolve)
	if err != nil {
		return nil, fmt.Errorf("web manifest: %w", err)
	}
	if err := assets.Add("/manifest.webmanifest", manifest); err != nil {
		return nil, err
	}
	return assets, nil
}

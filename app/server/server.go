// Package server is Kiosque's HTTP surface: the JSON API, the prerendered
// pages of the site and of the widget, and the static files.
package server

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/assets"
	"github.com/kiosque/kiosque/app/insights/articles"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/ui"
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
	// Lang is the site's language: that of pages whose reader asks for
	// none this site speaks, of the manifest, and of errors. Default French.
	Lang news.Lang
	// Description says what the site is, in the manifest and on the home
	// page's link previews. Default: a line in the site's language.
	Description string
	// PublicURL is the scheme and host readers reach the server at
	// ("https://widget.example"), for the absolute URLs of oEmbed. Empty:
	// taken from each request's scheme and Host, or from the forwarded
	// headers of a trusted proxy.
	PublicURL string
	// TrustedProxies are the addresses whose X-Forwarded-Proto and
	// X-Forwarded-Host are believed when PublicURL is empty.
	TrustedProxies []netip.Prefix
	// FrameAncestors is the CSP frame-ancestors source list of the widget
	// pages: the partner sites allowed to frame them ("*" for any).
	FrameAncestors string
	// EmbedTheme is the widget's theme when its address names none: the
	// one that suits most partner sites. Empty: light, as most sites are,
	// and a frame cannot tell the page's scheme (prefers-color-scheme in
	// a frame is the one its page says, but the reader's system's on the
	// many pages that say none).
	EmbedTheme params.Theme
	// Purged says that the caches in front are purged at every change of
	// the store (app/purge): they may keep pages and widgets a day.
	Purged bool
	// Media serves the images of imported articles at /media/{key}
	// (app/media); nil serves none.
	Media http.Handler
	// Answers keeps the answers built for pages and the API. Whoever
	// changes the store must Drop them. Nil: a cache of the default size.
	Answers *answers.Cache
	// AccessLog logs every request at the info level, those answered
	// from memory too; off, requests are logged at the debug level.
	AccessLog bool
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
	// warnedForwarded is set once the log said that forwarded headers
	// came from an address not trusted.
	warnedForwarded atomic.Bool
	// known are the articles beacons may name (Insights).
	known *articles.Known
	// loader is the asset the loader (/embed.js) is served from.
	loader string
	// origins are those whose answers are kept, with no public URL.
	origins originsKept
	// builds make the answers of each route whose answers are kept.
	builds map[string]build
	access accessLog
}

// Server is the whole site: the handler of every request. What it is made
// of (server, with its Config) stays inside the package.
type Server struct {
	handler http.Handler
	site    *server
}

// ServeHTTP serves a request of the site.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// New puts the site together.
func New(cfg Config) (*Server, error) {
	if cfg.Site == "" {
		cfg.Site = "Kiosque"
	}
	if cfg.Lang == "" {
		cfg.Lang = news.French
	}
	if cfg.FrameAncestors == "" {
		cfg.FrameAncestors = "*"
	}
	ancestors, err := ParseFrameAncestors(cfg.FrameAncestors)
	if err != nil {
		return nil, fmt.Errorf("server: frame ancestors %q: %w", cfg.FrameAncestors, err)
	}
	cfg.FrameAncestors = ancestors
	if cfg.EmbedTheme == "" {
		cfg.EmbedTheme = params.ThemeLight
	}
	if _, err := params.ParseTheme(string(cfg.EmbedTheme)); err != nil {
		return nil, fmt.Errorf("server: embed theme: %w", err)
	}
	if cfg.Answers == nil {
		cfg.Answers = answers.NewCache(answers.DefaultMaxBytes)
	}
	common := commonHeaders(cfg.PublicURL)
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
		builds: map[string]build{}, access: newAccessLog(cfg.Log, cfg.AccessLog)}
	s.known = articles.New(s.articleStored, articles.Options{})
	mux := http.NewServeMux()
	s.addRoutes(mux)
	return &Server{handler: withRecover(cfg.Log, withLog(s.access, mux)), site: s}, nil
}

// describe is what the site says it is: the publisher's description, or
// a line in the site's language.
func (c Config) describe() string {
	if c.Description != "" {
		return c.Description
	}
	return ui.SiteDescription(c.Lang)
}

// commonHeaders are the headers every answer carries. The API and the
// files may be read from any origin: they are public, and sandboxed frames
// come from origin null. No cookies are ever set. The pages use none of
// the browser's powerful features, and say so, for a frame on a partner's
// page too. Served at an https public URL, browsers are told to come back
// only over https, for a year (not the publisher's other hosts: they are
// not ours to speak for).
func commonHeaders(publicURL string) http.Header {
	h := http.Header{}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
	if strings.HasPrefix(publicURL, "https://") {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
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
		Description:     cfg.describe(),
		Lang:            string(cfg.Lang),
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
	manifest, err := webManifest(cfg, assets.Resolve)
	if err != nil {
		return nil, fmt.Errorf("web manifest: %w", err)
	}
	if err := assets.Add("/manifest.webmanifest", manifest); err != nil {
		return nil, err
	}
	return assets, nil
}

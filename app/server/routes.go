package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/answers"
)

// addRoutes lays out the whole HTTP surface. Every answer carries the
// site's common headers: kept answers and static files carry them in their
// ready bytes, and every other handler gets them from withHeaders. (The
// mux's own redirects of paths to clean, bodies of one link, carry its
// headers only.)
func (s *server) addRoutes(mux *http.ServeMux) {
	handle := func(pattern string, h http.Handler) { mux.Handle(pattern, withHeaders(s.common, onlyGet(h))) }
	kept := func(pattern, route string, b build) {
		s.builds[route] = b
		mux.Handle(pattern, s.keptRoute(route, b))
	}

	kept(routeArticles, routeArticles, s.listArticles)
	kept(routeArticle, routeArticle, s.getArticle)
	kept(routeRelated, routeRelated, s.relatedArticles)
	kept(routeCategories, routeCategories, s.listCategories)
	kept(routeView, routeView, s.getView)
	if s.Insights != nil {
		mux.Handle("/api/v1/events", withHeaders(s.common, s.takeEvents()))
		handle("/insights", s.insightsPage())
		handle("/insights.csv", s.insightsCSV())
	}
	handle("/api/", apiNotFound())
	handle("/healthz", s.healthz())
	handle("/embed.js", s.webFileAt("/embed.js", s.loader, embedScriptCache))
	handle("/robots.txt", s.webFileAt("/robots.txt", "/web/robots.txt", "public, max-age=86400"))
	handle("/favicon.ico", s.webFileAt("/favicon.ico", "/web/icons/icon-192.png", "public, max-age=86400"))
	kept(routeOEmbed, routeOEmbed, s.oembed)
	handle("/wordpress/kiosque.zip", s.wordpressPlugin())
	if s.Media != nil {
		handle("/media/{key}", s.Media)
	}
	for _, pattern := range []string{"/{$}", "/a/{slug}", "/embed", "/saved", "/publish"} {
		kept(pattern, routePage, s.page)
	}
	handle("/go/{slug}", s.goToArticle())
	handle("/", s.staticOrNotFound())
}

// keptRoute serves GET and HEAD of a route whose answers are kept straight
// from them (kept), and other methods as every other handler.
func (s *server) keptRoute(route string, b build) http.Handler {
	get := s.kept(route, b)
	other := withHeaders(s.common, onlyGet(get))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			get.ServeHTTP(w, r)
			return
		}
		other.ServeHTTP(w, r)
	})
}

// onlyGet answers GET and HEAD with h; OPTIONS, which browsers send
// before a cross-origin request with other headers than the plainest (a
// partner's script that sends If-None-Match), with what may be asked; and
// other methods with 405.
func onlyGet(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			h.ServeHTTP(w, r)
		case http.MethodOptions:
			preflight(w)
		default:
			w.Header().Set("Allow", allowedMethods)
			problem(w, http.StatusMethodNotAllowed, "this resource answers GET and HEAD only")
		}
	})
}

const allowedMethods = "GET, HEAD, OPTIONS"

// preflight answers a CORS preflight: any origin may read, with any
// header (the answers are public and no request carries credentials), and
// browsers keep the answer as long as they will (Chromium 2 hours).
// withHeaders adds Access-Control-Allow-Origin.
func preflight(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Allow", allowedMethods)
	h.Set("Access-Control-Allow-Methods", "GET, HEAD")
	h.Set("Access-Control-Allow-Headers", "*")
	h.Set("Access-Control-Max-Age", "86400")
	h.Set("Cache-Control", "public, max-age=86400")
	w.WriteHeader(http.StatusNoContent)
}

// healthz says whether this server can answer: it asks the store, so that
// a load balancer takes out a server whose store is out of reach (it still
// answers what it keeps in memory meanwhile).
func (s *server) healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Health != nil {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			err := s.Health(ctx)
			cancel()
			if err != nil {
				problem(w, http.StatusServiceUnavailable, "the store does not answer")
				return
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte("ok\n"))
	})
}

func apiNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problem(w, http.StatusNotFound, "no such API resource")
	})
}

// staticOrNotFound serves the static files, and the site's not-found page
// for any other path.
func (s *server) staticOrNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Assets.Has(r.URL.Path) {
			answers.TellOutcome(w, true) // prepared at start
			s.Assets.ServeHTTP(w, r)
			return
		}
		s.notFoundPage(w, r)
	})
}

// RouteOf names the route that serves path, as the metrics count requests:
// a pattern, never the path itself, so that the names stay few.
func RouteOf(path string) string {
	for _, fixed := range [...]string{"/", "/embed", "/saved", "/publish", "/embed.js", "/robots.txt", "/favicon.ico", "/oembed", "/healthz",
		"/api/v1/articles", "/api/v1/categories", "/api/v1/view", "/api/v1/events", "/insights", "/insights.csv",
		"/app.js", "/wasm_exec.js", "/app-worker.js", "/manifest.webmanifest", "/app.css", "/wordpress/kiosque.zip"} {
		if path == fixed {
			return fixed
		}
	}
	switch {
	case strings.HasPrefix(path, "/api/v1/articles/"):
		if strings.HasSuffix(path, "/related") {
			return "/api/v1/articles/{slug}/related"
		}
		return "/api/v1/articles/{slug}"
	case strings.HasPrefix(path, "/api/"):
		return "/api/…"
	case strings.HasPrefix(path, "/a/"):
		return "/a/{slug}"
	case strings.HasPrefix(path, "/go/"):
		return "/go/{slug}"
	case strings.HasPrefix(path, "/media/"):
		return "/media/{key}"
	case strings.HasPrefix(path, "/web/"):
		return "/web/{file}"
	}
	return "other"
}

package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/answers"
)

// addRoutes lays out the whole HTTP surface.
func (s *server) addRoutes(mux *http.ServeMux) {
	mux.Handle(routeArticles, onlyGet(s.kept(routeArticles, s.listArticles)))
	mux.Handle(routeArticle, onlyGet(s.kept(routeArticle, s.getArticle)))
	mux.Handle(routeRelated, onlyGet(s.kept(routeRelated, s.relatedArticles)))
	mux.Handle(routeCategories, onlyGet(s.kept(routeCategories, s.listCategories)))
	mux.Handle(routeView, onlyGet(s.kept(routeView, s.getView)))
	if s.Insights != nil {
		mux.Handle("/api/v1/events", s.takeEvents())
		mux.Handle("/insights", onlyGet(s.insightsPage()))
		mux.Handle("/insights.csv", onlyGet(s.insightsCSV()))
	}
	mux.Handle("/api/", onlyGet(apiNotFound()))
	mux.Handle("/healthz", onlyGet(s.healthz()))
	mux.Handle("/embed.js", onlyGet(s.webFileAt("/embed.js", s.loader, embedScriptCache)))
	mux.Handle("/robots.txt", onlyGet(s.webFileAt("/robots.txt", "/web/robots.txt", "public, max-age=86400")))
	mux.Handle("/favicon.ico", onlyGet(s.webFileAt("/favicon.ico", "/web/icons/icon-192.png", "public, max-age=86400")))
	mux.Handle(routeOEmbed, onlyGet(s.kept(routeOEmbed, s.oembed)))
	mux.Handle("/wordpress/kiosque.zip", onlyGet(s.wordpressPlugin()))
	if s.Media != nil {
		mux.Handle("/media/{key}", onlyGet(s.Media))
	}

	page := onlyGet(s.kept(routePage, s.page))
	mux.Handle("/{$}", page)
	mux.Handle("/a/{slug}", page)
	mux.Handle("/embed", page)
	mux.Handle("/saved", page)
	mux.Handle("/go/{slug}", onlyGet(s.goToArticle()))
	mux.Handle("/", onlyGet(s.staticOrNotFound()))
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
	for _, fixed := range [...]string{"/", "/embed", "/saved", "/embed.js", "/robots.txt", "/favicon.ico", "/oembed", "/healthz",
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

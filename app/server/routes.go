package server

import (
	"context"
	"net/http"
	"time"
)

// addRoutes lays out the whole HTTP surface.
func (s *server) addRoutes(mux *http.ServeMux) {
	mux.Handle("/api/v1/articles", onlyGet(s.listArticles()))
	mux.Handle("/api/v1/articles/{slug}", onlyGet(s.getArticle()))
	mux.Handle("/api/v1/articles/{slug}/related", onlyGet(s.relatedArticles()))
	mux.Handle("/api/v1/categories", onlyGet(s.listCategories()))
	mux.Handle("/api/v1/view", onlyGet(s.getView()))
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
	mux.Handle("/oembed", onlyGet(s.oembed()))
	if s.Media != nil {
		mux.Handle("/media/{key}", onlyGet(s.Media))
	}

	mux.Handle("/{$}", onlyGet(s.page()))
	mux.Handle("/a/{slug}", onlyGet(s.page()))
	mux.Handle("/embed", onlyGet(s.page()))
	mux.Handle("/saved", onlyGet(s.page()))
	mux.Handle("/go/{slug}", onlyGet(s.goToArticle()))
	mux.Handle("/", onlyGet(s.staticOrNotFound()))
}

// onlyGet answers other methods than GET and HEAD with 405.
func onlyGet(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			problem(w, http.StatusMethodNotAllowed, "this resource answers GET and HEAD only")
			return
		}
		h.ServeHTTP(w, r)
	})
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
			s.Assets.ServeHTTP(w, r)
			return
		}
		s.notFoundPage(w, r)
	})
}

package server

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/kiosque/kiosque/app/store"
)

// goToArticle sends the reader to an article's page on the publisher's
// site, or to its page here when it has none. It is how a card in
// WordPress's sandboxed frame leaves the frame: WordPress follows only
// links to the frame's own host, which /go/{slug} is.
func (s *server) goToArticle() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug := r.PathValue("slug")
		if !store.ValidSlug(slug) {
			s.notFoundPage(w, r)
			return
		}
		a, err := s.Store.Article(r.Context(), slug)
		if errors.Is(err, store.ErrNotFound) {
			s.notFoundPage(w, r)
			return
		}
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		target := "/a/" + url.PathEscape(a.Slug)
		if u, err := url.Parse(a.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			target = a.URL
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		http.Redirect(w, r, target, http.StatusFound)
	})
}

package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/ui"
)

// Limits of the API's lists.
const (
	defaultListLimit    = 12
	maxListLimit        = 50
	defaultRelatedLimit = 6
	maxRelatedLimit     = 12
)

func (s *server) listArticles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, err := intParam(q, "limit", defaultListLimit, 1, maxListLimit)
		if err != nil {
			badParam(w, err)
			return
		}
		lang, err := ui.ParseLangParam(q.Get("lang"))
		if err != nil {
			badParam(w, err)
			return
		}
		page, err := s.Store.Articles(r.Context(), store.Query{
			Category: store.Slugify(q.Get("category")),
			Lang:     lang,
			Limit:    limit,
			Cursor:   q.Get("cursor"),
		})
		if errors.Is(err, store.ErrBadCursor) {
			badParam(w, &ui.ParamError{Param: "cursor", Value: q.Get("cursor"), Reason: "not a cursor this API gave"})
			return
		}
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		if page.Articles == nil {
			page.Articles = []news.Article{}
		}
		writeJSON(w, r, page)
	})
}

func (s *server) getArticle() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.article(w, r)
		if ok {
			writeJSON(w, r, a)
		}
	})
}

func (s *server) relatedArticles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, err := intParam(r.URL.Query(), "limit", defaultRelatedLimit, 1, maxRelatedLimit)
		if err != nil {
			badParam(w, err)
			return
		}
		a, ok := s.article(w, r)
		if !ok {
			return
		}
		related, err := s.related(r, a.Slug, limit)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		writeJSON(w, r, struct {
			Articles []news.Article `json:"articles"`
		}{related})
	})
}

func (s *server) listCategories() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		categories, err := s.Store.Categories(r.Context())
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		if categories == nil {
			categories = []news.Category{}
		}
		writeJSON(w, r, struct {
			Categories []news.Category `json:"categories"`
		}{categories})
	})
}

// getView answers the browser's navigations: the view of a page of the
// site, the same the server would have prerendered.
func (s *server) getView() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw := r.URL.Query().Get("path")
		target, err := url.Parse(raw)
		if raw == "" || err != nil || target.Scheme != "" || target.Host != "" || len(raw) > 2048 || raw[0] != '/' {
			badParam(w, &ui.ParamError{Param: "path", Value: raw, Reason: "must be a path of this site"})
			return
		}
		v, status, err := s.buildView(r.Context(), target, r.Header.Get("Accept-Language"))
		var pe *ui.ParamError
		switch {
		case errors.As(err, &pe):
			badParam(w, pe)
		case err != nil:
			s.internalError(w, r, err)
		case status == http.StatusNotFound:
			problem(w, status, v.Error)
		default:
			w.Header().Set("Vary", "Accept-Language")
			writeJSON(w, r, v)
		}
	})
}

// article reads the article named in the path, answering 404 itself.
func (s *server) article(w http.ResponseWriter, r *http.Request) (news.Article, bool) {
	slug := r.PathValue("slug")
	if !store.ValidSlug(slug) {
		problem(w, http.StatusNotFound, "no article with this slug")
		return news.Article{}, false
	}
	a, err := s.Store.Article(r.Context(), slug)
	if errors.Is(err, store.ErrNotFound) {
		problem(w, http.StatusNotFound, "no article with this slug")
		return news.Article{}, false
	}
	if err != nil {
		s.internalError(w, r, err)
		return news.Article{}, false
	}
	return a, true
}

// related reads the articles the ranker lists for slug.
func (s *server) related(r *http.Request, slug string, limit int) ([]news.Article, error) {
	slugs := s.Related.Related(slug, limit)
	articles, err := s.Store.ArticlesBySlug(r.Context(), slugs)
	if err != nil {
		return nil, fmt.Errorf("related to %q: %w", slug, err)
	}
	if articles == nil {
		articles = []news.Article{}
	}
	return articles, nil
}

// intParam reads a whole-number parameter in [lo, hi], or def if absent.
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s, ok := q[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(s[0])
	if err != nil || n < lo || n > hi {
		return 0, &ui.ParamError{Param: name, Value: s[0], Reason: fmt.Sprintf("must be a whole number from %d to %d", lo, hi)}
	}
	return n, nil
}

func badParam(w http.ResponseWriter, err error) {
	p := Problem{Status: http.StatusBadRequest, Detail: err.Error()}
	var pe *ui.ParamError
	if errors.As(err, &pe) {
		p.Param = pe.Param
	}
	writeProblem(w, p)
}

func (s *server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	problem(w, http.StatusInternalServerError, "the server could not answer; it has been logged")
}

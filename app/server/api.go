package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/store"
)

// Limits of the API's lists.
const (
	defaultListLimit    = 12
	maxListLimit        = 50
	defaultRelatedLimit = 6
	maxRelatedLimit     = 12
)

// Every answer of the API is built from the request's ask (askOf), and
// kept under its key.

func (s *server) listArticles(ctx context.Context, ask ask) (answers.Answer, error) {
	q, _ := url.ParseQuery(ask.query)
	limit, err := params.Int(q, "limit", defaultListLimit, 1, maxListLimit)
	if err != nil {
		return answers.Answer{}, err
	}
	lang, err := params.ParseLang(q.Get("lang"))
	if err != nil {
		return answers.Answer{}, err
	}
	category, err := s.section(ctx, q.Get("category"))
	if err != nil {
		return answers.Answer{}, err
	}
	page, err := s.Store.Articles(ctx, store.Query{Category: category, Lang: lang, Limit: limit, Cursor: q.Get("cursor")})
	if errors.Is(err, store.ErrBadCursor) {
		return answers.Answer{}, &params.Error{Param: "cursor", Value: q.Get("cursor"), Reason: "not a cursor this API gave"}
	}
	if err != nil {
		return answers.Answer{}, err
	}
	if page.Articles == nil {
		page.Articles = []news.Article{}
	}
	keys := keysOf(page.Articles...)
	if category != "" {
		keys = append(keys, sectionKey(category))
	}
	return jsonAnswer(page, append(keys, latestKey))
}

// section is the slug of the section a category parameter names, "" for
// none asked; a *params.Error when it names no section of the site (a
// list that ignored it would look like the section's).
func (s *server) section(ctx context.Context, category string) (string, error) {
	if category == "" {
		return "", nil
	}
	slug := store.Slugify(category)
	if slug != "" {
		categories, err := s.Store.Categories(ctx)
		if err != nil {
			return "", err
		}
		for _, c := range categories {
			if c.Slug == slug {
				return slug, nil
			}
		}
	}
	return "", &params.Error{Param: "category", Value: category, Reason: "no such section"}
}

func (s *server) getArticle(ctx context.Context, ask ask) (answers.Answer, error) {
	a, err := s.article(ctx, ask.slug)
	if err != nil {
		return answers.Answer{}, err
	}
	return jsonAnswer(a, keysOf(a))
}

func (s *server) relatedArticles(ctx context.Context, ask ask) (answers.Answer, error) {
	q, _ := url.ParseQuery(ask.query)
	limit, err := params.Int(q, "limit", defaultRelatedLimit, 1, maxRelatedLimit)
	if err != nil {
		return answers.Answer{}, err
	}
	a, err := s.article(ctx, ask.slug)
	if err != nil {
		return answers.Answer{}, err
	}
	related, err := s.related(ctx, a, limit)
	if err != nil {
		return answers.Answer{}, err
	}
	return jsonAnswer(struct {
		Articles []news.Article `json:"articles"`
	}{related}, append(keysOf(a).with(related...), RelatedKey(a.Slug)))
}

func (s *server) listCategories(ctx context.Context, _ ask) (answers.Answer, error) {
	categories, err := s.Store.Categories(ctx)
	if err != nil {
		return answers.Answer{}, err
	}
	if categories == nil {
		categories = []news.Category{}
	}
	keys := surrogateKeys{latestKey}
	for _, c := range categories {
		keys = append(keys, sectionKey(c.Slug))
	}
	return jsonAnswer(struct {
		Categories []news.Category `json:"categories"`
	}{categories}, keys)
}

// getView answers the browser's navigations: the view of a page of the
// site, the same the server would have prerendered.
func (s *server) getView(ctx context.Context, ask ask) (answers.Answer, error) {
	v, status, err := s.buildView(ctx, ask.page, ask.reader)
	if err != nil {
		return answers.Answer{}, err
	}
	if status == http.StatusNotFound {
		return answers.Answer{}, notFound(v.Error)
	}
	a, err := jsonAnswer(v, viewKeys(v))
	if params.ReaderLangMatters(ask.page) {
		a.Header.Set("Vary", "Accept-Language")
	}
	return a, err
}

// article reads the article with this slug; notFound when there is none.
func (s *server) article(ctx context.Context, slug string) (news.Article, error) {
	if !store.ValidSlug(slug) {
		return news.Article{}, notFound("no article with this slug")
	}
	a, err := s.Store.Article(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return news.Article{}, notFound("no article with this slug")
	}
	return a, err
}

// related reads up to limit articles of a's "you may also like" list, as
// the leader's index keeps it in the store. An article whose list is not
// stored yet (the leader lists a new article within seconds) gets the
// newest of its section and language.
func (s *server) related(ctx context.Context, a news.Article, limit int) ([]news.Article, error) {
	slugs, err := s.Lists.RelatedList(ctx, a.Slug)
	if err != nil {
		return nil, fmt.Errorf("related to %q: %w", a.Slug, err)
	}
	var articles []news.Article
	if slugs == nil {
		page, err := s.Store.Articles(ctx, store.Query{Category: a.CategorySlug, Lang: a.Lang, Limit: limit + 1})
		if err != nil {
			return nil, fmt.Errorf("related to %q: %w", a.Slug, err)
		}
		for _, b := range page.Articles {
			if b.Slug != a.Slug {
				articles = append(articles, b)
			}
		}
	} else if articles, err = s.Store.ArticlesBySlug(ctx, slugs); err != nil {
		// All of the list: an article removed since it was computed is
		// skipped, and the next one takes its place.
		return nil, fmt.Errorf("related to %q: %w", a.Slug, err)
	}
	if articles == nil {
		articles = []news.Article{}
	}
	return articles[:min(limit, len(articles))], nil
}

func badParam(w http.ResponseWriter, err error) {
	p := Problem{Status: http.StatusBadRequest, Detail: err.Error()}
	var pe *params.Error
	if errors.As(err, &pe) {
		p.Param = pe.Param
	}
	writeProblem(w, p)
}

func (s *server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	problem(w, http.StatusInternalServerError, "the server could not answer; it has been logged")
}

package server

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/ui"
)

// buildView gathers what the page at page (a path and its canonical query,
// params.CanonicalPage) shows, straight from the store; reader is the language
// the reader's browser asks for, on pages that speak it. It returns the
// HTTP status the page answers with; a bad parameter is a *params.Error.
func (s *server) buildView(ctx context.Context, page string, reader news.Lang) (ui.View, int, error) {
	v := ui.View{Path: page, Site: s.Site, About: s.Description}
	target, err := url.Parse(page)
	if err != nil {
		return v, http.StatusBadRequest, &params.Error{Param: "path", Value: page, Reason: "not a path of this site"}
	}
	q := target.Query()
	if v.Theme, err = params.ParseTheme(q.Get("theme")); err != nil {
		return v, http.StatusBadRequest, err
	}
	asked, err := params.ParseLang(q.Get("lang"))
	if err != nil {
		return v, http.StatusBadRequest, err
	}

	var status int
	switch {
	case target.Path == "/":
		v.Lang = firstLang(asked, reader, s.Lang)
		v.Filter = asked
		v, status, err = s.homeView(ctx, v, q)
	case strings.HasPrefix(target.Path, "/a/") && !strings.Contains(target.Path[3:], "/"):
		// The page passes a layout on to its widget (oEmbed discovery).
		if _, err := params.ParseLayout(q.Get("layout")); err != nil {
			return v, http.StatusBadRequest, err
		}
		v, status, err = s.articleView(ctx, v, target.Path[3:], asked)
	case target.Path == "/embed":
		v, status, err = s.embedView(ctx, v, q)
	case target.Path == "/publish":
		v.Lang = firstLang(asked, reader, s.Lang)
		v, status, err = s.publishView(ctx, v, q)
	case target.Path == "/saved":
		// The saved list lives in the reader's browser.
		v.Lang, status = firstLang(asked, reader, s.Lang), http.StatusOK
	default:
		v.Lang = firstLang(asked, reader, s.Lang)
		v.Error = ui.NotFoundText(v.Lang)
		status = http.StatusNotFound
	}
	s.resolveImages(&v)
	return v, status, err
}

func (s *server) homeView(ctx context.Context, v ui.View, q url.Values) (ui.View, int, error) {
	categories, err := s.Store.Categories(ctx)
	if err != nil {
		return v, 0, err
	}
	v.Categories = categories
	if slug := q.Get("category"); slug != "" {
		for i := range categories {
			if categories[i].Slug == store.Slugify(slug) {
				v.Category = &categories[i]
			}
		}
		if v.Category == nil {
			return v, http.StatusBadRequest, &params.Error{Param: "category", Value: slug, Reason: "no such section"}
		}
	}
	query := store.Query{Lang: v.Filter, Limit: defaultListLimit, Cursor: q.Get("cursor")}
	if v.Category != nil {
		query.Category = v.Category.Slug
	}
	page, err := s.Store.Articles(ctx, query)
	if errors.Is(err, store.ErrBadCursor) {
		return v, http.StatusBadRequest, &params.Error{Param: "cursor", Value: query.Cursor, Reason: "not a cursor this site gave"}
	}
	if err != nil {
		return v, 0, err
	}
	v.Articles, v.Next = news.Summaries(page.Articles), page.Next
	return v, http.StatusOK, nil
}

// articleView is the view of /a/{slug}; slug is decoded already.
func (s *server) articleView(ctx context.Context, v ui.View, slug string, asked news.Lang) (ui.View, int, error) {
	if !store.ValidSlug(slug) {
		v.Lang = firstLang(asked, s.Lang)
		v.Error = ui.NotFoundText(v.Lang)
		return v, http.StatusNotFound, nil
	}
	a, err := s.Store.Article(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		v.Lang = firstLang(asked, s.Lang)
		v.Error = ui.NotFoundText(v.Lang)
		return v, http.StatusNotFound, nil
	}
	if err != nil {
		return v, 0, err
	}
	// An article page speaks the article's language unless asked otherwise.
	v.Lang = firstLang(asked, a.Lang)
	v.Article = &a
	if v.Related, err = s.relatedTo(ctx, a, defaultRelatedLimit); err != nil {
		return v, 0, err
	}
	return v, http.StatusOK, nil
}

// embedView is the view of the widget. Its language is the one asked for,
// else that of the content it shows, never the reader's browser's: the
// widget then speaks the language of the partner's page around it, and a
// shared cache that ignores Vary can't serve one reader's language to
// another.
func (s *server) embedView(ctx context.Context, v ui.View, q url.Values) (ui.View, int, error) {
	o, err := params.ParseEmbed(q)
	if err != nil {
		return v, http.StatusBadRequest, err
	}
	if q.Get("theme") == "" {
		o.Theme = s.EmbedTheme // the publisher's, for partner sites
	}
	v.Embed, v.Theme = &o, o.Theme
	if o.Article != "" || o.URL != "" {
		a, err := s.articleNamed(ctx, cmp.Or(o.URL, o.Article))
		switch {
		case err == nil:
			v.Lang = firstLang(o.Lang, a.Lang)
			v.Article = &a
			if o.Variant > 0 && s.Insights != nil && s.Insights.Interleave > 0 {
				v.Related, v.Interleaved, err = s.interleaved(ctx, a, o.Limit, o.Variant)
			} else {
				v.Related, err = s.relatedTo(ctx, a, o.Limit)
			}
			if err != nil {
				return v, 0, err
			}
			return v, http.StatusOK, nil
		case !errors.Is(err, store.ErrNotFound):
			return v, 0, err
		case o.URL != "" && o.Category == "":
			// A post named by its permalink that is not here yet (the
			// plugin's widget under every post): the loader keeps the
			// post's own fallback until the next import brings it.
			v.Lang = firstLang(o.Lang, s.Lang)
			v.Error = ui.NotFoundText(v.Lang)
			return v, http.StatusNotFound, nil
		}
		// An article not here (not imported yet, taken down, a slug
		// mistyped): a partner's page is no place for an error, so the
		// widget lists the latest of the section named, else the latest.
	}
	// A list of one language speaks it, unless its labels are asked in
	// another.
	v.Lang = firstLang(o.Lang, o.ContentLang, s.Lang)
	query := store.Query{Limit: o.Limit, Lang: o.ContentLang}
	if o.Layout == params.LayoutBoth {
		query.Limit++ // one featured card above a full carousel
	}
	if o.Category != "" {
		categories, err := s.Store.Categories(ctx)
		if err != nil {
			return v, 0, err
		}
		for i := range categories {
			if categories[i].Slug == store.Slugify(o.Category) {
				v.Category = &categories[i]
			}
		}
		switch {
		case v.Category != nil:
			query.Category = v.Category.Slug
		case o.Article == "" && o.URL == "":
			return v, http.StatusBadRequest, &params.Error{Param: "category", Value: o.Category, Reason: "no such section"}
		}
	}
	page, err := s.Store.Articles(ctx, query)
	if err != nil {
		return v, 0, err
	}
	v.Articles = news.Summaries(page.Articles)
	return v, http.StatusOK, nil
}

// articleNamed is the article a widget names: by its slug, its page here
// (/a/{slug}), or its address at the publisher (the permalink it was
// imported from). store.ErrNotFound when none is here.
func (s *server) articleNamed(ctx context.Context, name string) (news.Article, error) {
	if !strings.Contains(name, "/") {
		if !store.ValidSlug(name) {
			return news.Article{}, store.ErrNotFound
		}
		return s.Store.Article(ctx, name)
	}
	u, err := url.Parse(name)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return news.Article{}, store.ErrNotFound
	}
	a, err := s.Store.ArticleByURL(ctx, u.String())
	if !errors.Is(err, store.ErrNotFound) {
		return a, err
	}
	if slug, ok := strings.CutPrefix(u.Path, "/a/"); ok && store.ValidSlug(slug) {
		return s.Store.Article(ctx, slug)
	}
	return news.Article{}, store.ErrNotFound
}

// publishView is the view of the embed builder: the sections to choose
// from, the article its address names when this server has it (an
// article not here is no error: the builder says so), and the widget's
// default theme. The page's answer adds the origin (pageAnswer).
func (s *server) publishView(ctx context.Context, v ui.View, q url.Values) (ui.View, int, error) {
	categories, err := s.Store.Categories(ctx)
	if err != nil {
		return v, 0, err
	}
	v.Categories = categories
	v.Publish = &ui.PublishSite{Theme: s.EmbedTheme}
	name := cmp.Or(strings.TrimSpace(q.Get("article")), strings.TrimSpace(q.Get("url")))
	if name == "" || len(name) > 2048 {
		return v, http.StatusOK, nil
	}
	a, err := s.articleNamed(ctx, name)
	switch {
	case err == nil:
		summary := a.Summary() // its title and slug are all the builder shows
		v.Article = &summary
	case !errors.Is(err, store.ErrNotFound):
		return v, 0, err
	}
	return v, http.StatusOK, nil
}

// resolveImages points local images at their content-named paths, which
// browsers may cache for good.
func (s *server) resolveImages(v *ui.View) {
	resolve := func(a *news.Article) {
		if a != nil && a.Image != nil {
			img := *a.Image
			img.Src = s.Assets.Resolve(img.Src)
			a.Image = &img
		}
	}
	resolve(v.Article)
	for i := range v.Articles {
		resolve(&v.Articles[i])
	}
	for i := range v.Related {
		resolve(&v.Related[i])
	}
}

func (s *server) relatedTo(ctx context.Context, a news.Article, limit int) ([]news.Article, error) {
	related, err := s.related(ctx, a, limit)
	return news.Summaries(related), err
}

// askedLang is the language the page's query asks for, if it is one.
func askedLang(page string) news.Lang {
	_, query, _ := strings.Cut(page, "?")
	q, _ := url.ParseQuery(query)
	l, err := params.ParseLang(q.Get("lang"))
	if err != nil {
		return ""
	}
	return l
}

// firstLang returns the first language given.
func firstLang(langs ...news.Lang) news.Lang {
	for _, l := range langs {
		if l != "" {
			return l
		}
	}
	return news.French
}

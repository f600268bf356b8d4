package ui

import (
	"fmt"
	"net/url"

	"github.com/kiosque/kiosque/app/news"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ArticlePage is the full article (/a/{slug}), then the "You may also
// like" carousel.
type ArticlePage struct {
	app.Compo
	View  View
	state viewState
}

// OnInit takes the view before the first render.
func (p *ArticlePage) OnInit() { p.state.init(p.View) }

// OnNav loads the article navigated to.
func (p *ArticlePage) OnNav(ctx app.Context) { p.state.nav(ctx) }

// Render builds the page.
func (p *ArticlePage) Render() app.UI {
	v := p.state.current(p.View)
	words := labelsFor(v.Lang)
	var content app.UI
	switch {
	case p.state.loading || p.state.failed:
		// Not the previous article under the new address.
		content = p.state.status(words)
	case v.Error != "":
		content = app.P().Class("status").Role("alert").Text(v.Error)
	case v.Article == nil:
		content = p.state.status(words)
	default:
		content = app.Div().Body(
			articleBody(*v.Article, v.Lang),
			articleActions(*v.Article, v.Lang),
		)
	}
	var related app.UI
	if len(v.Related) > 0 && !p.state.loading && !p.state.failed {
		related = &Carousel{ID: "related", Label: words.alsoLike, Lang: v.Lang, Articles: v.Related}
	}
	return root("site", v).Body(
		siteHeader(v),
		app.Main().ID("main").Class("article-page").Body(content, related),
		siteFooter(v),
	)
}

func articleBody(a news.Article, lang news.Lang) app.UI {
	words := labelsFor(lang)
	var body app.UI
	if a.HTML != "" {
		// Sanitized when it was stored (app/ingest).
		body = app.Raw(`<div class="article-body">` + a.HTML + `</div>`)
	} else {
		body = app.Div().Class("article-body").Body(
			app.Range(a.Body).Slice(func(i int) app.UI { return app.P().Text(a.Body[i]) }),
		)
	}
	return app.Article().Class("article").Lang(string(a.Lang)).Dir(a.Lang.Dir()).Body(
		app.P().Class("article-category").Body(
			app.A().Href(attr(homeHref(a.CategorySlug, "", ""))).
				Text(categoryName(news.Category{Name: a.Category, Slug: a.CategorySlug}, lang)),
		),
		app.H1().Class("article-title").Text(a.Title),
		app.P().Class("article-meta").Body(
			app.If(a.Author != "", func() app.UI {
				return app.Span().Class("article-author").Text(fmt.Sprintf(words.by, a.Author) + " · ")
			}),
			app.Time().DateTime(a.Published.UTC().Format("2006-01-02")).Text(formatDate(a.Published, lang)),
		),
		app.If(a.Image != nil, func() app.UI {
			return app.Figure().Class("article-figure").Body(cardImage(a.Image, true))
		}),
		app.If(a.Excerpt != "", func() app.UI {
			return app.P().Class("article-lede").Text(a.Excerpt)
		}),
		body,
		app.If(isWebURL(a.URL), func() app.UI {
			return app.P().Class("article-source").Body(
				app.A().Href(attr(a.URL)).Target("_blank").Rel("noopener").Text(words.readOriginal),
			)
		}),
	)
}

// articleActions are what a reader does with an article: keep it for
// later, share it, embed it. Sharing is web/kiosque.js's, before the app
// and after: the system's share sheet where the browser has one (the Web
// Share API), else the link copied, with a confirmation. "Embed" is a
// plain link to the builder, the article chosen.
func articleActions(a news.Article, lang news.Lang) app.UI {
	w := publishWordsFor(lang)
	return app.P().Class("article-actions").Body(
		&SaveButton{Article: a, Lang: lang},
		app.Button().Type("button").Class("button share-button").
			DataSet("share", attr(articleHref(a, true))).DataSet("title", attr(a.Title)).
			DataSet("status", "share-status").DataSet("done", attr(w.linkCopied)).DataSet("failed", attr(w.copyFailed)).
			Text(w.share),
		app.A().Class("button embed-link").Href(attr(publishHref(a.Slug, lang))).Text(w.embed),
		app.Span().ID("share-status").Class("copy-status").Role("status"),
	)
}

// publishHref is the builder with an article chosen, in the reader's
// language.
func publishHref(slug string, lang news.Lang) string {
	q := url.Values{"article": {slug}}
	if lang != "" {
		q.Set("lang", string(lang))
	}
	return "/publish?" + q.Encode()
}

package ui

import (
	"github.com/kiosque/kiosque/app/news"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// SavedPage lists the articles the reader saved for later (/saved). The
// list lives in the browser, so the server renders the page empty.
type SavedPage struct {
	app.Compo
	View  View
	state viewState

	articles []news.Article
	loaded   bool
}

// OnInit takes the view before the first render.
func (p *SavedPage) OnInit() { p.state.init(p.View) }

// OnMount reads the saved list.
func (p *SavedPage) OnMount(ctx app.Context) {
	p.articles, p.loaded = savedArticles(), true
}

// OnNav loads the view when the browser navigated here.
func (p *SavedPage) OnNav(ctx app.Context) {
	p.state.nav(ctx)
	p.articles = savedArticles()
}

// Render builds the page.
func (p *SavedPage) Render() app.UI {
	v := p.state.current(p.View)
	words := labelsFor(v.Lang)
	return root("site", v).Body(
		siteHeader(v),
		app.Main().ID("main").Class("feed").Body(
			app.H1().Class("page-title").Text(words.savedTitle),
			app.If(p.loaded && len(p.articles) == 0, func() app.UI {
				return app.P().Class("status").Text(words.savedEmpty)
			}),
			app.Div().Class("card-grid saved-grid").Body(
				app.Range(p.articles).Slice(func(i int) app.UI {
					a := p.articles[i]
					return &Card{Article: a, Lang: v.Lang, Href: articlePath(a.Slug), Excerpt: true, Level: 2}
				}),
			),
		),
		siteFooter(v),
	)
}

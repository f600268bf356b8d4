package ui

import (
	"slices"

	"github.com/kiosque/kiosque/app/news"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// SavedPage lists the articles the reader saved for later (/saved). The
// list lives in the browser, so the server renders the page empty. Online,
// the page asks after each saved article, drops those the server says are
// gone (taken down, or removed at their source) and tells the reader.
type SavedPage struct {
	app.Compo
	View  View
	state viewState

	articles  []news.Article
	loaded    bool
	withdrawn int // saved articles found gone since the reader came here
}

// OnInit takes the view before the first render.
func (p *SavedPage) OnInit() { p.state.init(p.View) }

// OnMount reads the saved list.
func (p *SavedPage) OnMount(ctx app.Context) {
	p.articles, p.loaded = savedArticles(), true
}

// OnNav loads the view when the browser navigated here, and asks after
// the saved articles.
func (p *SavedPage) OnNav(ctx app.Context) {
	p.state.nav(ctx)
	p.articles, p.withdrawn = savedArticles(), 0
	p.dropWithdrawn(ctx)
}

// dropWithdrawn asks the server after each saved article, one at a time (a
// saved list is short), and drops those it says are gone.
func (p *SavedPage) dropWithdrawn(ctx app.Context) {
	saved := p.articles
	ctx.Async(func() {
		var gone []news.Article
		for _, a := range saved {
			if ctx.Err() != nil {
				return
			}
			if withdrawn(ctx, a) {
				gone = append(gone, a)
			}
		}
		if len(gone) == 0 {
			return
		}
		ctx.Dispatch(func(ctx app.Context) {
			kept, err := forgetSaved(gone)
			if err != nil {
				app.Logf("kiosque: drop withdrawn articles from the saved list: %v", err)
			}
			p.articles, p.withdrawn = kept, p.withdrawn+len(gone)
		})
	})
}

// forgetSaved takes the articles gone off the reader's saved list, and
// their offline copies but for those a kept article needs too (an image
// two articles show), and returns the list left. The list is read again:
// the reader may have changed it meanwhile, here or in another tab.
func forgetSaved(gone []news.Article) ([]news.Article, error) {
	isGone := func(a news.Article) bool {
		return slices.ContainsFunc(gone, func(g news.Article) bool { return g.Slug == a.Slug })
	}
	kept := slices.DeleteFunc(savedArticles(), isGone)
	var needed []string
	for _, a := range kept {
		needed = append(needed, offlineURLs(a)...)
	}
	var drop []string
	for _, a := range gone {
		for _, u := range offlineURLs(a) {
			if !slices.Contains(needed, u) {
				drop = append(drop, u)
			}
		}
	}
	dropOffline(drop)
	return kept, storeSaved(kept)
}

// Render builds the page.
func (p *SavedPage) Render() app.UI {
	v := p.state.current(p.View)
	words := labelsFor(v.Lang)
	notice := ""
	switch {
	case p.withdrawn == 1:
		notice = words.withdrawnOne
	case p.withdrawn > 1:
		notice = words.withdrawnMany
	}
	return root("site", v).Body(
		siteHeader(v),
		app.Main().ID("main").Class("feed").Body(
			app.H1().Class("page-title").Text(words.savedTitle),
			// Always in the page, so that screen readers hear what comes in it.
			app.P().Class("notice saved-withdrawn").Role("status").Text(notice),
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

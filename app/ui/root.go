package ui

import (
	"github.com/kiosque/kiosque/app/news"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// root is the outermost element of every page: it carries the language,
// the direction and the theme, which the style sheet reads.
func root(class string, v View) app.HTMLDiv {
	return app.Div().
		ID("kiosque").
		Class("kiosque "+class).
		DataSet("theme", string(v.Theme)).
		Lang(string(v.Lang)).
		Dir(v.Lang.Dir())
}

// siteHeader is the band at the top of the site's own pages, with the
// notices under it.
func siteHeader(v View) app.UI {
	words := labelsFor(v.Lang)
	return app.Header().Class("site-header").Body(
		app.A().Class("skip-link").Href("#main").Text(words.skipToContent),
		app.A().Class("site-name").Href("/").Text(v.Site),
		app.A().Class("saved-link").Href("/saved").Text(words.savedTitle),
		app.A().Class("publish-link").Href("/publish").Text(publishWordsFor(v.Lang).nav),
		app.Nav().Class("lang-nav").Aria("label", attr(words.languages)).Body(
			app.Range(news.Langs).Slice(func(i int) app.UI {
				l := news.Langs[i]
				link := app.A().Href("/?lang=" + string(l)).Lang(string(l)).Text(labelsFor(l).langName)
				if v.Filter == l {
					link = link.Aria("current", "page")
				}
				return link
			}),
		),
		&Notices{Lang: v.Lang},
	)
}

func siteFooter(v View) app.UI {
	return app.Footer().Class("site-footer").Body(
		app.P().Text(v.Site + " · Kiosque"),
	)
}

package ui

import (
	"net/url"

	"github.com/kiosque/kiosque/app/news"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Home is the site's front page (/): the newest articles as cards, with
// filters by section and by language.
type Home struct {
	app.Compo
	View  View
	state viewState
}

// OnInit takes the view before the first render.
func (h *Home) OnInit() { h.state.init(h.View) }

// OnNav loads the view of the filters navigated to.
func (h *Home) OnNav(ctx app.Context) { h.state.nav(ctx) }

// Render builds the front page.
func (h *Home) Render() app.UI {
	v := h.state.current(h.View)
	words := labelsFor(v.Lang)
	selected := ""
	if v.Category != nil {
		selected = v.Category.Slug
	}
	return root("site", v).Body(
		siteHeader(v),
		app.Nav().Class("category-nav").Aria("label", attr(words.categories)).Body(
			filterLink(words.allCategories, homeHref("", v.Filter, ""), selected == ""),
			app.Range(v.Categories).Slice(func(i int) app.UI {
				c := v.Categories[i]
				return filterLink(categoryName(c, v.Lang), homeHref(c.Slug, v.Filter, ""), selected == c.Slug)
			}),
		),
		app.Main().ID("main").Class("feed").Body(
			app.H1().Class("visually-hidden").Text(words.latest),
			h.state.status(words),
			app.If(v.Error != "", func() app.UI {
				return app.P().Class("status").Role("alert").Text(v.Error)
			}),
			app.If(len(v.Articles) == 0 && v.Error == "" && !h.state.loading, func() app.UI {
				return app.P().Class("status").Text(words.empty)
			}),
			app.Div().Class("card-grid feed-grid").Body(
				app.Range(v.Articles).Slice(func(i int) app.UI {
					a := v.Articles[i]
					return &Card{Article: a, Lang: v.Lang, Href: articleHref(a, false), Excerpt: true, Level: 2, First: i == 0}
				}),
			),
			app.If(v.Next != "", func() app.UI {
				return app.P().Class("more").Body(
					app.A().Class("button").Href(attr(homeHref(selected, v.Filter, v.Next))).Text(words.more),
				)
			}),
		),
		siteFooter(v),
	)
}

func filterLink(label, href string, current bool) app.UI {
	link := app.A().Class("chip").Href(attr(href)).Text(label)
	if current {
		link = link.Aria("current", "page")
	}
	return link
}

// homeHref is the front page with filters and a page cursor.
func homeHref(category string, lang news.Lang, cursor string) string {
	q := url.Values{}
	if category != "" {
		q.Set("category", category)
	}
	if l := string(lang); l != "" {
		q.Set("lang", l)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return "/"
	}
	return "/?" + q.Encode()
}

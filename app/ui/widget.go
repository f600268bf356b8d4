package ui

import (
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Widget is the view partner sites embed in an iframe (/embed): an article
// or a section as cards, and a carousel of related articles.
type Widget struct {
	app.Compo
	View  View // set by the server; the browser gets it from the page
	state viewState
}

// OnInit takes the view before the first render.
func (w *Widget) OnInit() { w.state.init(w.View) }

// OnNav loads the view when the browser navigated here.
func (w *Widget) OnNav(ctx app.Context) { w.state.nav(ctx) }

// Render builds the widget.
func (w *Widget) Render() app.UI {
	v := w.state.current(w.View)
	words := labelsFor(v.Lang)
	if v.Error != "" {
		return widgetRoot(v, app.P().Class("status").Role("alert").Text(v.Error))
	}
	if v.Embed == nil {
		return widgetRoot(v, w.state.status(words))
	}
	o := *v.Embed

	var featured, listed []news.Article
	label := words.latest
	switch {
	case v.Article != nil:
		featured, listed = []news.Article{*v.Article}, v.Related
		label = words.alsoLike
	case len(v.Articles) > 0:
		featured, listed = v.Articles[:1], v.Articles[1:]
		if o.Layout != params.LayoutBoth {
			featured, listed = nil, v.Articles
		}
		if v.Category != nil {
			label = categoryName(*v.Category, v.Lang)
		}
	}

	var cards, carousel app.UI
	switch o.Layout {
	case params.LayoutCards:
		cards = cardGrid(append(featured, listed...), v.Lang, o.Target, "widget-cards")
	case params.LayoutCarousel:
		carousel = &Carousel{ID: "related", Label: label, Lang: v.Lang, Articles: listed, External: true, Target: o.Target}
	default:
		cards = cardGrid(featured, v.Lang, o.Target, "widget-cards widget-featured")
		carousel = &Carousel{ID: "related", Label: label, Lang: v.Lang, Articles: listed, External: true, Target: o.Target}
	}
	if len(listed) == 0 {
		carousel = nil
	}
	return widgetRoot(v,
		w.state.status(words),
		cards,
		carousel,
		app.If(len(featured)+len(listed) == 0, func() app.UI {
			return app.P().Class("status").Text(words.empty)
		}),
	)
}

// widgetRoot is the widget's document: one main landmark, named by a
// heading that readers of the page around the frame do not see, as the
// frame's title names it for them.
func widgetRoot(v View, content ...app.UI) app.UI {
	return root("widget", v).Body(
		app.Main().Class("widget-main").Body(
			append([]app.UI{app.H1().Class("visually-hidden").Text(v.Title())}, content...)...,
		),
	)
}

// cardGrid lays cards out in a grid; from the widget they link to the
// publisher's pages.
func cardGrid(articles []news.Article, lang news.Lang, target, class string) app.UI {
	if len(articles) == 0 {
		return nil
	}
	return app.Div().Class("card-grid " + class).Body(
		app.Range(articles).Slice(func(i int) app.UI {
			a := articles[i]
			return &Card{Article: a, Lang: lang, Href: articleHref(a, true), Target: target, Excerpt: true, Level: 2, First: i == 0}
		}),
	)
}

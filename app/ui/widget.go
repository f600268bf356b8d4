package ui

import (
	"slices"

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

	compact := o.MaxHeight > 0
	var cards, carousel app.UI
	switch CompactLayout(o) {
	case params.LayoutCards:
		all, class := slices.Concat(featured, listed), "widget-cards"
		if compact {
			all, class = all[:min(len(all), CompactRows(o.MaxHeight))], "widget-cards widget-rows"
		}
		cards = cardGrid(all, v.Lang, o.Target, class, !compact)
	case params.LayoutCarousel:
		carousel = &Carousel{ID: "related", Label: label, Lang: v.Lang, Articles: listed, External: true, Target: o.Target}
	case LayoutFeatured:
		cards = cardGrid(featured, v.Lang, o.Target, "widget-cards widget-featured", !compact)
	default:
		cards = cardGrid(featured, v.Lang, o.Target, "widget-cards widget-featured", !compact)
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
	class := "widget"
	if v.Embed != nil && v.Embed.MaxHeight > 0 {
		class += " widget-compact"
	}
	return root(class, v).Body(
		app.Main().Class("widget-main").Body(
			append([]app.UI{app.H1().Class("visually-hidden").Text(v.Title())}, content...)...,
		),
	)
}

// The compact layouts, for a frame whose height is bounded (oEmbed's
// maxheight, in WordPress 750 px by default): cards are rows with a
// square picture beside a title of at most three lines, with no excerpt,
// and the carousel's slides are narrower; its height then depends on
// neither the width (320 to 700 px) nor the articles' texts. Measured in
// Chromium on the sample, in French and Arabic (app/browsertest).
const (
	// compactBothHeight is the most the featured card above the carousel
	// takes: below it, the featured card comes alone.
	compactBothHeight = 600
	// compactRowHeight is the most a row card takes, with the gap
	// before the next, and compactPadding the widget's own padding.
	compactRowHeight = 175
	compactPadding   = 24
)

// LayoutFeatured is the featured card alone, where the carousel does not
// fit under it.
const LayoutFeatured params.Layout = "featured"

// CompactLayout is what the widget shows: its layout, but within a bound
// too low for a featured card and a carousel, the featured card alone.
func CompactLayout(o params.Embed) params.Layout {
	if o.MaxHeight > 0 && o.MaxHeight < compactBothHeight && o.Layout == params.LayoutBoth {
		return LayoutFeatured
	}
	return o.Layout
}

// CompactRows is how many row cards fit in maxHeight; at least one.
func CompactRows(maxHeight int) int {
	return max(1, (maxHeight-compactPadding)/compactRowHeight)
}

// cardGrid lays cards out in a grid; from the widget they link to the
// publisher's pages.
func cardGrid(articles []news.Article, lang news.Lang, target, class string, excerpts bool) app.UI {
	if len(articles) == 0 {
		return nil
	}
	return app.Div().Class("card-grid " + class).Body(
		app.Range(articles).Slice(func(i int) app.UI {
			a := articles[i]
			return &Card{Article: a, Lang: lang, Href: articleHref(a, true), Target: target, Excerpt: excerpts, Level: 2, First: i == 0}
		}),
	)
}

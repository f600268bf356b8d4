package ui

import (
	"github.com/kiosque/kiosque/app/news"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Card shows one article: its picture, section, title, excerpt and date.
// The title's link covers the whole card (CSS), so the card is one target
// with one accessible name.
type Card struct {
	app.Compo
	Article news.Article
	Lang    news.Lang // the reader's language, for the section and the date
	Href    string
	Target  string // empty to open in place
	Excerpt bool
	// Level is the heading level of the title: 2 for cards right under the
	// page's heading, 3 (the default) under a section's.
	Level int
	// First marks the card a reader sees first: its picture is fetched at
	// once and before others, not when it nears the viewport (it is the
	// largest thing painted, and lazy loading would delay it).
	First bool
}

// Render builds the card.
func (c *Card) Render() app.UI {
	a := c.Article
	// data-go is the way out of WordPress's sandboxed frame (web/kiosque.js).
	link := app.A().Class("card-link").Href(attr(c.Href)).DataSet("go", "/go/"+a.Slug).Text(a.Title)
	if c.Target != "" {
		link = link.Target(c.Target).Rel("noopener")
	}
	return app.Article().
		Class("card").
		Lang(string(a.Lang)).
		Dir(a.Lang.Dir()).
		Body(
			cardImage(a.Image, c.First),
			app.Div().Class("card-body").Body(
				// The section and the date are in the reader's language, which
				// may run the other way than the article's.
				app.P().Class("card-category").Body(
					app.Span().Lang(string(c.Lang)).Dir(c.Lang.Dir()).
						Text(categoryName(news.Category{Name: a.Category, Slug: a.CategorySlug}, c.Lang)),
				),
				c.title(link),
				app.If(c.Excerpt && a.Excerpt != "", func() app.UI {
					return app.P().Class("card-excerpt").Text(a.Excerpt)
				}),
				app.Time().Class("card-date").DateTime(a.Published.UTC().Format("2006-01-02")).
					Lang(string(c.Lang)).Dir(c.Lang.Dir()).Text(formatDate(a.Published, c.Lang)),
			),
		)
}

// title is the card's heading, at its level.
func (c *Card) title(link app.UI) app.UI {
	if c.Level == 2 {
		return app.H2().Class("card-title").Body(link)
	}
	return app.H3().Class("card-title").Body(link)
}

// cardImage is the card's picture with its size given, so the card keeps its
// height before the picture loads; a card without one gets a plain band of
// the same shape. Pictures load when they near the viewport, but the first
// one a reader sees.
func cardImage(img *news.Image, first bool) app.UI {
	if img == nil || img.Src == "" {
		return app.Div().Class("card-image card-image-none").Aria("hidden", ariaTrue)
	}
	width, height := img.Width, img.Height
	if width <= 0 || height <= 0 {
		width, height = 16, 9
	}
	loading, priority := "lazy", "auto"
	if first {
		loading, priority = "eager", "high"
	}
	return app.Img().
		Class("card-image").
		Src(attr(img.Src)).
		Alt(attr(img.Alt)).
		Width(width).
		Height(height).
		Attr("loading", loading).
		Attr("fetchpriority", priority).
		Attr("decoding", "async")
}

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
			cardImage(a.Image),
			app.Div().Class("card-body").Body(
				// The section and the date are in the reader's language, which
				// may run the other way than the article's.
				app.P().Class("card-category").Body(
					app.Span().Lang(string(c.Lang)).Dir(c.Lang.Dir()).
						Text(categoryName(news.Category{Name: a.Category, Slug: a.CategorySlug}, c.Lang)),
				),
				app.H3().Class("card-title").Body(link),
				app.If(c.Excerpt && a.Excerpt != "", func() app.UI {
					return app.P().Class("card-excerpt").Text(a.Excerpt)
				}),
				app.Time().Class("card-date").DateTime(a.Published.UTC().Format("2006-01-02")).
					Lang(string(c.Lang)).Dir(c.Lang.Dir()).Text(formatDate(a.Published, c.Lang)),
			),
		)
}

// cardImage is the card's picture with its size given, so the card keeps its
// height before the picture loads; a card without one gets a plain band of
// the same shape.
func cardImage(img *news.Image) app.UI {
	if img == nil || img.Src == "" {
		return app.Div().Class("card-image card-image-none").Aria("hidden", true)
	}
	width, height := img.Width, img.Height
	if width <= 0 || height <= 0 {
		width, height = 16, 9
	}
	return app.Img().
		Class("card-image").
		Src(attr(img.Src)).
		Alt(attr(img.Alt)).
		Width(width).
		Height(height).
		Attr("loading", "lazy").
		Attr("decoding", "async")
}

package ui

import (
	"net/url"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
)

// View is everything one page shows. The server builds it from the store,
// prerenders the page with it and embeds it in the page as JSON, so that the
// browser's first render has the same data: no flash, no second fetch.
type View struct {
	// Path is the path and query this view was built for.
	Path  string       `json:"path"`
	Site  string       `json:"site"`            // the publisher's name
	About string       `json:"about,omitempty"` // what the site is, in its own words
	Lang  news.Lang    `json:"lang"`            // the reader's language: labels, dates
	Theme params.Theme `json:"theme"`

	Article    *news.Article   `json:"article,omitempty"`
	Related    []news.Article  `json:"related,omitempty"`
	Articles   []news.Article  `json:"articles,omitempty"`
	Next       string          `json:"next,omitempty"` // cursor of the next page
	Categories []news.Category `json:"categories,omitempty"`

	Category *news.Category `json:"category,omitempty"` // the section shown, if one
	Filter   news.Lang      `json:"filter,omitempty"`   // the home page's language filter
	Embed    *params.Embed  `json:"embed,omitempty"`    // set on /embed
	Error    string         `json:"error,omitempty"`    // shown instead of content

	// Interleaved names, on an interleaved widget (Embed.Variant), the
	// ranker credited with each article of Related: "kiosque" or
	// "baseline". The widget's script credits a click with it.
	Interleaved []string `json:"interleaved,omitempty"`
	// Publish is set on the embed builder (/publish).
	Publish *PublishSite `json:"publish,omitempty"`
}

// articlePath is the path of an article's page on this server.
func articlePath(slug string) string {
	return "/a/" + url.PathEscape(slug)
}

// viewURL is where the browser asks for the view of the page at path.
func viewURL(path string) string {
	return "/api/v1/view?path=" + url.QueryEscape(path)
}

// articleHref is where a card links to: the article's page here, or, from
// the widget, its page on the publisher's site when it has a usable one.
func articleHref(a news.Article, external bool) string {
	if external && isWebURL(a.URL) {
		return a.URL
	}
	return articlePath(a.Slug)
}

// isWebURL reports whether s is an absolute http(s) URL, the only kind a
// page may link to: never javascript: or data:.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

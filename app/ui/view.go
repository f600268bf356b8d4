package ui

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/kiosque/kiosque/app/news"
)

// View is everything one page shows. The server builds it from the store,
// prerenders the page with it and embeds it in the page as JSON, so that the
// browser's first render has the same data: no flash, no second fetch.
type View struct {
	// Path is the path and query this view was built for.
	Path  string    `json:"path"`
	Site  string    `json:"site"` // the publisher's name
	Lang  news.Lang `json:"lang"` // the reader's language: labels, dates
	Theme Theme     `json:"theme"`

	Article    *news.Article   `json:"article,omitempty"`
	Related    []news.Article  `json:"related,omitempty"`
	Articles   []news.Article  `json:"articles,omitempty"`
	Next       string          `json:"next,omitempty"` // cursor of the next page
	Categories []news.Category `json:"categories,omitempty"`

	Category *news.Category `json:"category,omitempty"` // the section shown, if one
	Filter   news.Lang      `json:"filter,omitempty"`   // the home page's language filter
	Embed    *EmbedOptions  `json:"embed,omitempty"`    // set on /embed
	Error    string         `json:"error,omitempty"`    // shown instead of content
}

// Theme is the colour scheme of a page.
type Theme string

// The themes; ThemeAuto follows the reader's system (prefers-color-scheme).
const (
	ThemeAuto  Theme = "auto"
	ThemeLight Theme = "light"
	ThemeDark  Theme = "dark"
)

// Layout says what the widget shows.
type Layout string

// The widget's layouts.
const (
	LayoutCards    Layout = "cards"
	LayoutCarousel Layout = "carousel"
	LayoutBoth     Layout = "both"
)

// EmbedOptions are the options of the widget, from the query of /embed.
type EmbedOptions struct {
	Article  string    `json:"article,omitempty"`  // slug of the article the widget is about
	Category string    `json:"category,omitempty"` // or the section it lists
	Limit    int       `json:"limit"`
	Theme    Theme     `json:"theme"`
	Lang     news.Lang `json:"lang,omitempty"` // empty: the reader's
	Layout   Layout    `json:"layout"`
	Target   string    `json:"target"` // where card links open: _top or _blank
}

// Limits of the widget's list.
const (
	DefaultEmbedLimit = 6
	MaxEmbedLimit     = 12
)

// ParamError names a query parameter whose value is not accepted.
type ParamError struct {
	Param  string
	Value  string
	Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("parameter %s=%q: %s", e.Param, e.Value, e.Reason)
}

// ParseTheme reads a theme parameter; empty means auto.
func ParseTheme(s string) (Theme, error) {
	switch Theme(s) {
	case "", ThemeAuto:
		return ThemeAuto, nil
	case ThemeLight, ThemeDark:
		return Theme(s), nil
	}
	return "", &ParamError{"theme", s, "must be light, dark or auto"}
}

// ParseLangParam reads a lang parameter; empty means none given.
func ParseLangParam(s string) (news.Lang, error) {
	if s == "" {
		return "", nil
	}
	l, ok := news.ParseLang(s)
	if !ok {
		return "", &ParamError{"lang", s, "must be fr, ar or en"}
	}
	return l, nil
}

// ParseEmbedOptions reads the query of /embed. Absent parameters take their
// defaults; a present one with a bad value is an error naming it.
func ParseEmbedOptions(q url.Values) (EmbedOptions, error) {
	o := EmbedOptions{
		Article:  q.Get("article"),
		Category: q.Get("category"),
		Limit:    DefaultEmbedLimit,
		Layout:   LayoutBoth,
		Target:   "_top",
	}
	if o.Article != "" && o.Category != "" {
		return o, &ParamError{"category", o.Category, "give article or category, not both"}
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxEmbedLimit {
			return o, &ParamError{"limit", s, fmt.Sprintf("must be a whole number from 1 to %d", MaxEmbedLimit)}
		}
		o.Limit = n
	}
	var err error
	if o.Theme, err = ParseTheme(q.Get("theme")); err != nil {
		return o, err
	}
	if o.Lang, err = ParseLangParam(q.Get("lang")); err != nil {
		return o, err
	}
	switch s := q.Get("layout"); Layout(s) {
	case "":
	case LayoutCards, LayoutCarousel, LayoutBoth:
		o.Layout = Layout(s)
	default:
		return o, &ParamError{"layout", s, "must be cards, carousel or both"}
	}
	switch s := q.Get("target"); s {
	case "":
	case "_top", "_blank":
		o.Target = s
	default:
		return o, &ParamError{"target", s, "must be _top or _blank"}
	}
	return o, nil
}

// articlePath is the path of an article's page on this server.
func articlePath(slug string) string {
	return "/a/" + url.PathEscape(slug)
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

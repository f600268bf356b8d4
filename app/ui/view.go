package ui

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
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

// Wasm says when a page starts the app (web/kiosque.js reads it from the
// document): until then the prerendered page works on its own.
type Wasm string

// When the app starts.
const (
	// WasmIntent waits for the reader to show intent: the pointer over the
	// widget, focus or a key in it, a touch. The widget's default: most
	// partner page views never need the app.
	WasmIntent Wasm = "intent"
	// WasmIdle starts it once the page has loaded, when the browser is
	// idle: the site's own pages.
	WasmIdle Wasm = "idle"
	// WasmEager starts it at once.
	WasmEager Wasm = "eager"
)

// EmbedOptions are the options of the widget, from the query of /embed.
type EmbedOptions struct {
	Article  string    `json:"article,omitempty"`  // slug of the article the widget is about
	Category string    `json:"category,omitempty"` // or the section it lists
	Limit    int       `json:"limit"`
	Theme    Theme     `json:"theme"`
	Lang     news.Lang `json:"lang,omitempty"` // empty: the content's
	Layout   Layout    `json:"layout"`
	Target   string    `json:"target"` // where card links open: _top or _blank
	Wasm     Wasm      `json:"wasm"`
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
		Wasm:     WasmIntent,
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
	switch s := q.Get("wasm"); Wasm(s) {
	case "":
	case WasmIntent, WasmIdle, WasmEager:
		o.Wasm = Wasm(s)
	default:
		return o, &ParamError{"wasm", s, "must be intent, idle or eager"}
	}
	return o, nil
}

// CanonicalPage is a page of the site, from its path (decoded, as
// url.URL.Path holds it) and raw query, in canonical form: the path
// escaped as url.URL escapes it, and the canonical form of its query
// (params.Canonical), only the parameters the page reads, in order. The
// server keeps a page's answer under it and writes it in the page's view;
// the browser compares it with its own address.
func CanonicalPage(path, rawQuery string) string {
	path = (&url.URL{Path: path}).EscapedPath()
	switch {
	case path == "/embed":
		return params.CanonicalURI(path, rawQuery, "article", "category", "lang", "layout", "limit", "target", "theme", "wasm")
	case path == "/":
		return params.CanonicalURI(path, rawQuery, "category", "cursor", "lang", "theme")
	}
	return params.CanonicalURI(path, rawQuery, "lang", "theme")
}

// ReaderLangMatters reports whether the page at path (and query) speaks
// the reader's language when none is asked for: the front page and the
// saved list do; an article page speaks its article's, and the widget the
// language of its content or of the partner's page.
func ReaderLangMatters(page string) bool {
	path, _, _ := strings.Cut(page, "?")
	return !strings.HasPrefix(path, "/a/") && path != "/embed"
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

package params

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/news"
)

// Error names a query parameter whose value is not accepted. The API
// answers it as a 400 problem that names the parameter; a page shows it.
type Error struct {
	Param  string
	Value  string
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("parameter %s=%q: %s", e.Param, e.Value, e.Reason)
}

// Theme is the colour scheme of a page.
type Theme string

// The themes; ThemeAuto follows the reader's system (prefers-color-scheme).
const (
	ThemeAuto  Theme = "auto"
	ThemeLight Theme = "light"
	ThemeDark  Theme = "dark"
)

// ParseTheme reads a theme parameter; empty means auto.
func ParseTheme(s string) (Theme, error) {
	return choice("theme", s, ThemeAuto, ThemeLight, ThemeDark, ThemeAuto)
}

// choice reads the value s of the parameter param: one of choices (in the
// order an error lists them), or def when empty.
func choice[T ~string](param, s string, def T, choices ...T) (T, error) {
	if s == "" {
		return def, nil
	}
	if slices.Contains(choices, T(s)) {
		return T(s), nil
	}
	names := make([]string, len(choices))
	for i, c := range choices {
		names[i] = string(c)
	}
	last := len(names) - 1
	return "", &Error{param, s, "must be " + strings.Join(names[:last], ", ") + " or " + names[last]}
}

// ParseLang reads a lang parameter; empty means none given.
func ParseLang(s string) (news.Lang, error) {
	if s == "" {
		return "", nil
	}
	l, ok := news.ParseLang(s)
	if !ok {
		return "", &Error{"lang", s, "must be fr, ar or en"}
	}
	return l, nil
}

// Int reads a whole-number parameter in [lo, hi], or def if absent.
func Int(q url.Values, name string, def, lo, hi int) (int, error) {
	s, ok := q[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(s[0])
	if err != nil || n < lo || n > hi {
		return 0, &Error{name, s[0], fmt.Sprintf("must be a whole number from %d to %d", lo, hi)}
	}
	return n, nil
}

// Layout says what the widget shows.
type Layout string

// The widget's layouts.
const (
	LayoutCards    Layout = "cards"
	LayoutCarousel Layout = "carousel"
	LayoutBoth     Layout = "both"
)

// ParseLayout reads a layout parameter; empty means both.
func ParseLayout(s string) (Layout, error) {
	return choice("layout", s, LayoutBoth, LayoutCards, LayoutCarousel, LayoutBoth)
}

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

// Embed are the options of the widget, from the query of /embed.
type Embed struct {
	// Article names the article the widget is about: its slug, or its
	// address (its page here, or its URL at the publisher).
	Article string `json:"article,omitempty"`
	// URL names it by its address alone (a WordPress post's permalink).
	URL string `json:"url,omitempty"`
	// Category is the section the widget lists; with an article, the
	// section listed when the article is not (or no longer) here.
	Category string    `json:"category,omitempty"`
	Limit    int       `json:"limit"`
	Theme    Theme     `json:"theme"`
	Lang     news.Lang `json:"lang,omitempty"` // empty: the content's
	Layout   Layout    `json:"layout"`
	Target   string    `json:"target"` // where card links open: _top or _blank
	Wasm     Wasm      `json:"wasm"`
	// MaxHeight is the most the widget may take, in CSS pixels, when its
	// frame cannot grow past it (an oEmbed consumer's maxheight): it then
	// takes a compact layout that fits. Zero: no bound.
	MaxHeight int `json:"maxHeight,omitempty"`
	// Variant is how the carousel merges the ranker's list with the
	// baseline's, for the publisher's comparison of the two: 1 to
	// MaxVariant, a way to merge them each (app/insights/interleave); 0,
	// the ranker's list alone. The loader draws it for some page views.
	Variant int `json:"variant,omitempty"`
	// ContentLang keeps a list (the latest, a section) to the articles
	// of one language; Lang is the language of the widget's labels.
	// Empty: articles of every language.
	ContentLang news.Lang `json:"contentLang,omitempty"`
}

// NamesArticle reports whether the widget is about an article (by its
// slug or its address), rather than a list.
func (o Embed) NamesArticle() bool { return o.Article != "" || o.URL != "" }

// MaxFrameHeight bounds the maxheight parameter, as /oembed does.
const MaxFrameHeight = 100_000

// Limits of the widget's list.
const (
	defaultEmbedLimit = 6
	MaxEmbedLimit     = 12
)

// MaxVariant is the number of ways a carousel may interleave two rankers'
// lists (interleave.Variants).
const MaxVariant = 8

// ParseEmbed reads the query of /embed. Absent parameters take their
// defaults; a present one with a bad value is an *Error naming it.
func ParseEmbed(q url.Values) (Embed, error) {
	o := Embed{
		Article:  q.Get("article"),
		URL:      q.Get("url"),
		Category: q.Get("category"),
		Limit:    defaultEmbedLimit,
		Layout:   LayoutBoth,
		Target:   "_top",
		Wasm:     WasmIntent,
	}
	if o.Article != "" && o.URL != "" {
		return o, &Error{"url", o.URL, "give article or url, not both"}
	}
	if len(o.URL) > 2048 || len(o.Article) > 2048 {
		return o, &Error{"url", o.URL, "at most 2,048 characters"}
	}
	var err error
	if o.Limit, err = Int(q, "limit", defaultEmbedLimit, 1, MaxEmbedLimit); err != nil {
		return o, err
	}
	if o.Theme, err = ParseTheme(q.Get("theme")); err != nil {
		return o, err
	}
	if o.Lang, err = ParseLang(q.Get("lang")); err != nil {
		return o, err
	}
	if o.ContentLang, err = ParseLang(q.Get("content-lang")); err != nil {
		return o, &Error{"content-lang", q.Get("content-lang"), "must be fr, ar or en"}
	}
	if l := q.Get("layout"); l != "" {
		if o.Layout, err = ParseLayout(l); err != nil {
			return o, err
		}
	}
	if o.MaxHeight, err = Int(q, "maxheight", 0, 1, MaxFrameHeight); err != nil {
		return o, err
	}
	if o.Target, err = choice("target", q.Get("target"), o.Target, "_top", "_blank"); err != nil {
		return o, err
	}
	if o.Wasm, err = choice("wasm", q.Get("wasm"), o.Wasm, WasmIntent, WasmIdle, WasmEager); err != nil {
		return o, err
	}
	if o.Variant, err = Int(q, "variant", 0, 0, MaxVariant); err != nil {
		return o, err
	}
	if o.Variant > 0 && o.Article == "" && o.URL == "" {
		return o, &Error{"variant", q.Get("variant"), "only an article's widget has a carousel to interleave"}
	}
	return o, nil
}

// CanonicalPage is a page of the site, from its path (decoded, as
// url.URL.Path holds it) and raw query, in canonical form: the path
// escaped as url.URL escapes it, and the canonical form of its query
// (Canonical), only the parameters the page reads, in order. The server
// keeps a page's answer under it and writes it in the page's view; the
// browser compares it with its own address.
func CanonicalPage(path, rawQuery string) string {
	path = (&url.URL{Path: path}).EscapedPath()
	switch {
	case path == "/embed":
		return CanonicalURI(path, rawQuery, "article", "category", "content-lang", "lang", "layout", "limit", "maxheight", "target", "theme", "url", "variant", "wasm")
	case path == "/":
		return CanonicalURI(path, rawQuery, "category", "cursor", "lang", "theme")
	case path == "/publish":
		// The embed builder: its own lang and theme, and the widget's
		// options it writes the code for (app/ui PublishQuery).
		return CanonicalURI(path, rawQuery, "accent", "article", "category", "font", "lang", "layout", "limit", "look",
			"maxheight", "placement", "radius", "target", "theme", "url", "wasm", "widget-lang", "widget-theme")
	case strings.HasPrefix(path, "/a/"):
		// An article's page reads lang and theme; layout it only passes
		// on, with them, to the widget its oEmbed discovery names.
		return CanonicalURI(path, rawQuery, "lang", "layout", "theme")
	}
	return CanonicalURI(path, rawQuery, "lang", "theme")
}

// ReaderLangMatters reports whether the page at path (and query) speaks
// the reader's language when none is asked for: the front page and the
// saved list do; an article page speaks its article's, and the widget the
// language of its content or of the partner's page.
func ReaderLangMatters(page string) bool {
	path, _, _ := strings.Cut(page, "?")
	return !strings.HasPrefix(path, "/a/") && path != "/embed"
}

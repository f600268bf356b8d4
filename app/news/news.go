// Package news holds the article type that the server and the browser share.
// It imports nothing heavy: it is linked into the wasm.
package news

import (
	"strings"
	"time"
)

// Article is one news article as readers see it.
type Article struct {
	ID       int64    `json:"id"`
	Slug     string   `json:"slug"`
	URL      string   `json:"url"` // canonical URL, on the publisher's site
	Title    string   `json:"title"`
	Excerpt  string   `json:"excerpt"`
	Body     []string `json:"body"`           // paragraphs, plain text
	HTML     string   `json:"html,omitempty"` // the body as sanitized HTML, when the source had markup
	Category string   `json:"category"`
	// CategorySlug is set by the store from Category.
	CategorySlug string    `json:"category_slug,omitempty"`
	Tags         []string  `json:"tags,omitempty"`
	Author       string    `json:"author,omitempty"`
	Published    time.Time `json:"published"`
	Updated      time.Time `json:"updated"`
	Lang         Lang      `json:"lang"`
	Image        *Image    `json:"image,omitempty"`
	Source       string    `json:"source"`
}

// Image is an article's illustration. Width and height are given so that
// pages reserve its space before it loads.
type Image struct {
	Src    string `json:"src"` // a local path (/web/...) or an absolute URL
	Alt    string `json:"alt"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// Category is a section of the site with the number of articles in it.
type Category struct {
	Name  string `json:"name"`
	Slug  string `json:"slug"`
	Count int    `json:"count"`
}

// Lang is a language the widget speaks, as a BCP 47 primary tag.
type Lang string

// The languages of the publishers Kiosque is built for.
const (
	French  Lang = "fr"
	Arabic  Lang = "ar"
	English Lang = "en"
)

// Langs lists the supported languages in the order menus show them.
var Langs = []Lang{French, Arabic, English}

// InLang is words' entry for l, or French's where words has none: the
// words of a page in each language, with the publishers' first language
// standing in.
func InLang[T any](words map[Lang]T, l Lang) T {
	if w, ok := words[l]; ok {
		return w
	}
	return words[French]
}

// ParseLang returns the supported language named by s ("fr", "ar-MA",
// "EN"), and false if s names none.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	for _, l := range Langs {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}

// Dir is the text direction of the language: "rtl" or "ltr".
func (l Lang) Dir() string {
	if l == Arabic {
		return "rtl"
	}
	return "ltr"
}

// Summary is the article without its body: what a card shows.
func (a Article) Summary() Article {
	a.Body, a.HTML = nil, ""
	return a
}

// Summaries returns the summaries of articles.
func Summaries(articles []Article) []Article {
	out := make([]Article, len(articles))
	for i, a := range articles {
		out[i] = a.Summary()
	}
	return out
}

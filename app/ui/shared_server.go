//go:build !wasm

package ui

import (
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// What the pages that only the server draws (the publisher's dashboard,
// app/insights/dashpage) share with the app's pages, so that they look
// and read alike: the app never routes them, and the wasm links neither
// them nor this file.

// AriaTrue is "true" for an ARIA state in a prerendered page (ariaTrue).
const AriaTrue = ariaTrue

// Attr makes text safe as an attribute value in a prerendered page (attr).
func Attr(s string) string { return attr(s) }

// Root is the outermost element of a page (root).
func Root(class string, v View) app.HTMLDiv { return root(class, v) }

// SiteFooter is the band at the bottom of the site's pages.
func SiteFooter(v View) app.UI { return siteFooter(v) }

// ArticlePath is the path of an article's page on this server.
func ArticlePath(slug string) string { return articlePath(slug) }

// SkipToContentText is the name, in language l, of the link that skips
// to a page's content.
func SkipToContentText(l news.Lang) string { return labelsFor(l).skipToContent }

// LangName is language l's name in itself.
func LangName(l news.Lang) string { return labelsFor(l).langName }

// MonthName is the name of month m in language l.
func MonthName(m time.Month, l news.Lang) string { return labelsFor(l).months[m-1] }

// FormatDate writes the day of t (in UTC) as the app's pages do.
func FormatDate(t time.Time, l news.Lang) string { return formatDate(t, l) }

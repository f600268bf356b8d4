package ui

import "github.com/kiosque/kiosque/app/news"

// Title is the document title of the page the view shows. A widget about
// an article is named by it, as its page is.
func (v View) Title() string {
	switch {
	case v.Publish != nil:
		return publishWordsFor(v.Lang).title + " — " + v.Site
	case v.Article != nil:
		return v.Article.Title + " — " + v.Site
	case v.Category != nil:
		return categoryName(*v.Category, v.Lang) + " — " + v.Site
	case v.Error != "":
		return v.Error + " — " + v.Site
	}
	return v.Site + " — " + labelsFor(v.Lang).latest
}

// Description is the page's summary for search engines and link previews.
func (v View) Description() string {
	switch {
	case v.Publish != nil:
		return publishWordsFor(v.Lang).intro
	case v.Article != nil:
		return v.Article.Excerpt
	case v.About != "" && v.Category == nil && v.Error == "":
		return v.About
	}
	return labelsFor(v.Lang).latest + " — " + v.Site
}

// SiteDescription says what a news site is, in lang, for a publisher who
// gave no description of their own.
func SiteDescription(lang news.Lang) string { return labelsFor(lang).about }

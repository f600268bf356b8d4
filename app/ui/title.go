package ui

// Title is the document title of the page the view shows. A widget about
// an article is named by it, as its page is.
func (v View) Title() string {
	switch {
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
	if v.Article != nil {
		return v.Article.Excerpt
	}
	return labelsFor(v.Lang).latest + " — " + v.Site
}

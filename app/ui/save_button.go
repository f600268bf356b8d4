package ui

import (
	"github.com/kiosque/kiosque/app/news"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// SaveButton keeps an article for later: in the reader's saved list, and
// with its page, its view and its picture in the browser's cache, so that
// it opens offline. When the browser refuses to store the list (full, or
// private browsing), the button stays as it was and says so.
type SaveButton struct {
	app.Compo
	Article news.Article
	Lang    news.Lang

	saved   bool
	refused bool // the browser refused the last change
}

// OnMount reads whether the article is saved already.
func (b *SaveButton) OnMount(ctx app.Context) { b.readSaved() }

// OnUpdate reads it again when the page moved to another article.
func (b *SaveButton) OnUpdate(ctx app.Context) { b.readSaved() }

func (b *SaveButton) readSaved() {
	b.saved = false
	for _, a := range savedArticles() {
		if a.Slug == b.Article.Slug {
			b.saved = true
		}
	}
}

// Render builds the button: a toggle, pressed when the article is saved.
func (b *SaveButton) Render() app.UI {
	words := labelsFor(b.Lang)
	label := words.save
	if b.saved {
		label = words.saved
	}
	refusal := ""
	if b.refused {
		refusal = words.saveRefused
	}
	return app.Span().Class("save").Body(
		app.Button().
			Type("button").
			Class("button save-button").
			Aria("pressed", b.saved).
			OnClick(b.toggle).
			Text(label),
		// Always in the page, so that screen readers hear what comes in it.
		app.Span().Class("save-refused").Role("alert").Text(refusal),
	)
}

func (b *SaveButton) toggle(ctx app.Context, e app.Event) {
	list := savedArticles()
	urls := offlineURLs(b.Article)
	kept := list[:0]
	for _, a := range list {
		if a.Slug != b.Article.Slug {
			kept = append(kept, a)
		}
	}
	save := !b.saved
	if save {
		kept = append([]news.Article{b.Article.Summary()}, kept...)
	}
	if err := storeSaved(kept); err != nil {
		app.Logf("kiosque: read later %s: %v", b.Article.Slug, err)
		b.refused = true
		return
	}
	b.saved, b.refused = save, false
	if save {
		keepOffline(urls)
	} else {
		dropOffline(urls)
	}
}

// offlineURLs are what an article needs to open offline: its page, the
// view the browser fetches when it navigates there, and its picture.
func offlineURLs(a news.Article) []string {
	path := articlePath(a.Slug)
	urls := []string{path, viewURL(path)}
	if a.Image != nil && a.Image.Src != "" && !isWebURL(a.Image.Src) {
		urls = append(urls, a.Image.Src)
	}
	return urls
}

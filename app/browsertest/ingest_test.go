package browsertest

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// TestIngestedHostileContentStaysInert imports feeds and WordPress posts
// full of scripts, event handlers and javascript: URLs, then renders them on
// every route: no script may run, and titles show as the text they are.
func TestIngestedHostileContentStaysInert(t *testing.T) {
	var slugs []string
	var stored *sqlite.Store
	srv := startKiosqueWithStore(t, func(st *sqlite.Store) {
		slugs = ingesttest.IngestHostile(t, st)
		stored = st
	})
	if len(slugs) < 6 {
		t.Fatalf("only %d hostile articles imported", len(slugs))
	}
	paths := []string{"/"}
	sections := map[string]string{} // the section each carousel page names
	for _, slug := range slugs {
		a, err := stored.Article(context.Background(), slug)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, "/a/"+url.PathEscape(slug), "/embed?article="+url.QueryEscape(slug),
			"/?category="+url.QueryEscape(a.CategorySlug))
		carousel := "/embed?category=" + url.QueryEscape(a.CategorySlug) + "&layout=carousel"
		if !slices.Contains(paths, carousel) {
			paths = append(paths, carousel)
			sections[carousel] = a.Category
		}
	}
	if !slices.ContainsFunc(slices.Collect(maps.Values(sections)), func(name string) bool { return strings.Contains(name, `" onfocus="`) }) {
		t.Fatalf("no hostile section name among %q", slices.Collect(maps.Values(sections)))
	}

	b := newBrowser(t)
	for _, path := range paths {
		b.run(t, chromedp.Navigate(srv.URL+path))
		// The section names the carousel (French, the widget's language:
		// as stored), in the prerendered page and once the app renders it.
		section, named := sections[path]
		carouselNamed := func(when string) {
			t.Helper()
			got := eval[[]string](t, b, `(() => { const t = document.querySelector(".carousel-track"), h = document.querySelector(".carousel-heading");
				return [t ? t.getAttribute("aria-label") : "", h ? h.textContent : "", String(document.querySelectorAll("[onfocus]").length)]; })()`)
			if got[0] != section || got[1] != section || got[2] != "0" {
				t.Errorf("%s, %s: the carousel is named %q, headed %q, with %s onfocus attributes in the page; want the section %q", path, when, got[0], got[1], got[2], section)
			}
		}
		if named {
			carouselNamed("prerendered")
		}
		startApp(t, b)
		if named {
			carouselNamed("by the app")
		}
		if eval[bool](t, b, `window.`+ingesttest.PwnedFlag+` !== undefined`) {
			t.Errorf("%s: a hostile script ran", path)
		}
		if !strings.HasPrefix(path, "/a/") {
			continue
		}
		slug, _ := url.PathUnescape(strings.TrimPrefix(path, "/a/"))
		a, _ := stored.Article(context.Background(), slug)
		if got := eval[string](t, b, `document.querySelector(".article-title").textContent`); got != a.Title {
			t.Errorf("%s: the title shows %q, stored %q", path, got, a.Title)
		}
		if n := eval[int](t, b, `document.querySelectorAll(".article-body script, .article-body iframe, .article-body [onerror], .article-body [onclick], .article-body a[href^='javascript']").length`); n > 0 {
			t.Errorf("%s: %d dangerous elements in the body", path, n)
		}
	}
	// Give late handlers (image errors, timers) a moment, then look again.
	late, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](
		`new Promise(r => setTimeout(() => r(window.`+ingesttest.PwnedFlag+` !== undefined), 500))`, chromedp.EvalAwaitPromise))
	if err != nil || late {
		t.Errorf("a hostile script ran late (%v)", err)
	}
}

package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// A card whose article has no picture shows no empty picture block: its
// text takes the card, on the front page and in the widget.
func TestACardWithoutAPictureShowsNoEmptyBlock(t *testing.T) {
	srv := startKiosque(t)
	b := newBrowser(t)
	for _, path := range []string{"/", "/embed?category=societe&lang=fr&limit=12"} {
		b.run(t, chromedp.Navigate(srv.URL+path))
		waitFor(t, b, `document.readyState === "complete"`)
		without := eval[int](t, b, `document.querySelectorAll(".card-image-none").length`)
		shown := eval[[]string](t, b, `[...document.querySelectorAll(".card-image-none")].filter(e => e.getBoundingClientRect().height > 0).map(e => e.closest(".card").querySelector(".card-title").textContent)`)
		if len(shown) > 0 {
			t.Errorf("%s: %d cards without a picture show an empty block: %q", path, len(shown), shown)
		}
		t.Logf("%s: %d cards without a picture", path, without)
	}
}

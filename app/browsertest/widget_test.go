package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestWidgetStartsItsAppOnIntent opens the widget as a reader who only
// reads, then as one who reaches for the carousel: nothing of the app
// loads until the pointer comes, a press on the carousel moves it at once
// while the wasm is still on its way, and the app then takes over where
// the reader left it, with the same cards and the focus where it was.
func TestWidgetStartsItsAppOnIntent(t *testing.T) {
	arabic := arabicSlug(t)
	for _, tc := range []struct {
		name, query, dir, next, back string
	}{
		{"french", "/embed?article=" + seedSlug, "ltr", "ArrowRight", "ArrowLeft"},
		{"arabic", "/embed?article=" + arabic + "&lang=ar", "rtl", "ArrowLeft", "ArrowRight"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, release := startKiosqueHoldingWasm(t)
			host := mustHost(t, srv.URL)
			b := newBrowser(t)
			b.run(t, chromedp.Navigate(srv.URL+tc.query))
			waitFor(t, b, `document.readyState === "complete"`)
			time.Sleep(1500 * time.Millisecond) // a reader reading
			if loaded := appFilesLoaded(t, b); len(loaded) > 0 {
				t.Fatalf("the widget loaded its app before any intent: %v", loaded)
			}
			before := eval[[]string](t, b, cardTexts)
			if len(before) < 4 {
				t.Fatalf("the prerendered page shows %d cards, want the article and its related", len(before))
			}
			if dir := eval[string](t, b, `getComputedStyle(document.querySelector(".carousel-track")).direction`); dir != tc.dir {
				t.Errorf("carousel direction %q, want %q", dir, tc.dir)
			}
			state := eval[carousel](t, b, carouselState)
			if state.Current != 0 || state.Left != 0 || state.Slides < 3 {
				t.Fatalf("carousel at start: %+v", state)
			}
			if (tc.dir == "rtl") != (state.Step < 0) {
				t.Errorf("slides run the wrong way for %s: step %v", tc.dir, state.Step)
			}

			// The pointer comes to the next button: the app starts loading.
			next := eval[map[string]float64](t, b, `(() => { const r = document.querySelector(".carousel-next").getBoundingClientRect();
				return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()`)
			b.run(t, chromedp.MouseEvent(chromedp.MouseMoved, next["x"], next["y"]))
			waitFor(t, b, `performance.getEntriesByType("resource").some(e => e.name.endsWith("/app.js"))`)

			// Two presses while the wasm is held: the strip moves at once.
			for want := 1; want <= 2; want++ {
				b.run(t, chromedp.MouseClickXY(next["x"], next["y"]))
				waitFor(t, b, fmt.Sprintf(`document.querySelector(".carousel").dataset.current === "%d"`, want))
				if state = eval[carousel](t, b, carouselState); !near(state.Left, float64(want)*state.Step) {
					t.Errorf("after %d presses the track is at %v, want %v", want, state.Left, float64(want)*state.Step)
				}
			}
			if eval[bool](t, b, appRunning) {
				t.Fatal("the app ran while its wasm was held")
			}
			if eval[bool](t, b, `document.querySelector(".carousel-prev").disabled`) {
				t.Error("before the app, the previous button stays disabled away from the first slide")
			}

			release()
			waitFor(t, b, appRunning)
			after := eval[[]string](t, b, cardTexts)
			if !slices.Equal(before, after) {
				t.Errorf("the cards changed when the app took over:\nbefore %q\n after %q", before, after)
			}
			waitFor(t, b, `document.querySelector(".carousel").dataset.current === "2"`)
			if state = eval[carousel](t, b, carouselState); !near(state.Left, 2*state.Step) {
				t.Errorf("the app started the strip at %v, the reader had left it at %v", state.Left, 2*state.Step)
			}
			if focused := eval[string](t, b, `document.activeElement.className`); focused != "carousel-button carousel-next" {
				t.Errorf("focus went to %q when the app took over, want it kept on the next button", focused)
			}

			// The app's own buttons and keys.
			b.run(t, chromedp.Click(".carousel-prev"))
			waitFor(t, b, `document.querySelector(".carousel").dataset.current === "1"`)
			if state = eval[carousel](t, b, carouselState); !near(state.Left, state.Step) {
				t.Errorf("after previous the track is at %v, want one slide (%v)", state.Left, state.Step)
			}
			if focused := eval[string](t, b, `document.activeElement.className`); focused != "carousel-button carousel-prev" {
				t.Errorf("focus moved to %q, want it kept on the previous button", focused)
			}
			b.run(t, chromedp.Focus(".carousel-track"), chromedp.KeyEvent(keyOf(tc.back)))
			waitFor(t, b, `document.querySelector(".carousel").dataset.current === "0"`)
			b.run(t, chromedp.KeyEvent(keyOf(tc.next)))
			waitFor(t, b, `document.querySelector(".carousel").dataset.current === "1"`)

			if other := b.otherHosts(host); len(other) > 0 {
				t.Errorf("the page made requests to other hosts: %v", other)
			}
		})
	}
}

// The keyboard moves the carousel before the app too.
func TestCarouselKeysBeforeTheApp(t *testing.T) {
	srv, _ := startKiosqueHoldingWasm(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(srv.URL+"/embed?article="+seedSlug))
	waitFor(t, b, `document.readyState === "complete"`)
	b.run(t, chromedp.Focus(".carousel-track"), chromedp.KeyEvent(kb.ArrowRight))
	waitFor(t, b, `document.querySelector(".carousel").dataset.current === "1"`)
	b.run(t, chromedp.KeyEvent(kb.End))
	waitFor(t, b, `document.querySelector(".carousel-next").disabled && !document.querySelector(".carousel-prev").disabled`)
	b.run(t, chromedp.KeyEvent(kb.Home))
	waitFor(t, b, `document.querySelector(".carousel").dataset.current === "0" && document.querySelector(".carousel-prev").disabled`)
	if eval[bool](t, b, appRunning) {
		t.Fatal("the app ran while its wasm was held")
	}
}

// The partner chooses when the widget starts its app: at once, or once the
// page is loaded and the browser idle, with no intent from the reader.
func TestWidgetStartsItsAppWhenTold(t *testing.T) {
	srv := startKiosque(t)
	for _, mode := range []string{"eager", "idle"} {
		t.Run(mode, func(t *testing.T) {
			b := newBrowser(t)
			b.run(t, chromedp.Navigate(srv.URL+"/embed?article="+seedSlug+"&wasm="+mode))
			waitFor(t, b, appRunning)
			if n := eval[int](t, b, `document.querySelectorAll(".card").length`); n < 4 {
				t.Errorf("%d cards once the app runs", n)
			}
		})
	}
}

func keyOf(name string) string {
	switch name {
	case "ArrowRight":
		return kb.ArrowRight
	case "ArrowLeft":
		return kb.ArrowLeft
	}
	return name
}

func near(a, b float64) bool { return a-b < 2 && b-a < 2 }

// TestScreenshots shows the widget in both themes and two languages. The
// pictures go to $KIOSQUE_SCREENSHOTS when it is set (make screenshots
// writes the README's).
func TestScreenshots(t *testing.T) {
	srv := startKiosque(t)
	out := os.Getenv("KIOSQUE_SCREENSHOTS")
	backgrounds := map[string]string{}
	for _, tc := range []struct{ name, query, theme string }{
		{"widget-fr-light", "/embed?article=" + seedSlug + "&lang=fr&theme=light", "light"},
		{"widget-fr-dark", "/embed?article=" + seedSlug + "&lang=fr&theme=dark", "dark"},
		{"widget-ar-light", "/embed?article=" + arabicSlug(t) + "&lang=ar&theme=light", "light"},
		{"widget-ar-dark", "/embed?article=" + arabicSlug(t) + "&lang=ar&theme=dark", "dark"},
	} {
		b := newBrowser(t)
		b.run(t, chromedp.Navigate(srv.URL+tc.query+"&wasm=eager"))
		waitFor(t, b, appRunning)
		waitFor(t, b, `Array.from(document.images).every(i => i.complete)`)
		bg := eval[string](t, b, `getComputedStyle(document.body).backgroundColor`)
		if prev, ok := backgrounds[tc.theme]; ok && prev != bg {
			t.Errorf("%s: background %s, other %s pages have %s", tc.name, bg, tc.theme, prev)
		}
		backgrounds[tc.theme] = bg
		png, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS("#kiosque")))
		if err != nil {
			t.Fatal(err)
		}
		if len(png) < 10_000 {
			t.Errorf("%s: a screenshot of %d bytes", tc.name, len(png))
		}
		if out != "" {
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, tc.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if backgrounds["light"] == backgrounds["dark"] {
		t.Errorf("light and dark themes have the same background %s", backgrounds["light"])
	}
}

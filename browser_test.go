//go:build !wasm

package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

const seedSlug = "hammouchi-examine-a-vienne-les-defis-du-terrorisme"

// chromium is Debian's Chromium; the tests never download a browser.
const chromium = "/usr/bin/chromium"

// startKiosque serves the bundled sample, and the articles given, from a
// temporary store with the real handler, web files and built wasm.
func startKiosque(tb testing.TB, extra ...news.Article) *httptest.Server {
	tb.Helper()
	return startKiosqueWithStore(tb, func(st *sqlite.Store) {
		if err := st.Put(context.Background(), extra...); err != nil {
			tb.Fatal(err)
		}
	})
}

// startKiosqueWithStore is startKiosque with a store that fill prepares.
func startKiosqueWithStore(tb testing.TB, fill func(*sqlite.Store)) *httptest.Server {
	tb.Helper()
	if _, err := os.Stat("web/app.wasm"); err != nil {
		tb.Fatal("web/app.wasm is missing: build it first (make test does)")
	}
	ctx := context.Background()
	data := tb.TempDir()
	st, err := sqlite.Open(ctx, data)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := fillWithSample(ctx, st, log); err != nil {
		tb.Fatal(err)
	}
	fill(st)
	h, _, err := newHandler(ctx, log, st, serveConfig{dataDir: data, webDir: "web", site: "Kiosque Démo", frameAncestors: "*"})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

// browser is a headless Chromium tab with a fresh profile, which records
// the host of every request the page makes.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s is missing: install Debian's chromium (make test does)", chromium)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(900, 1000),
	)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })

	b := &browser{ctx: ctx}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			b.mu.Lock()
			b.requests = append(b.requests, e.Request.URL)
			b.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	// Scroll without animation, so positions can be read at once.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatal(err)
	}
	return b
}

// otherHosts lists the requests that went to another host than host.
func (b *browser) otherHosts(host string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.requests {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Host != host) {
			out = append(out, r)
		}
	}
	return out
}

// holdWasm pauses the download of the wasm until the returned function is
// called, so the prerendered page can be read before the app starts.
func (b *browser) holdWasm(t *testing.T) (release func()) {
	t.Helper()
	paused := make(chan fetch.RequestID, 4)
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			paused <- e.RequestID
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, fetch.Enable, fetch.EnableParams{
		Patterns: []*fetch.RequestPattern{{URLPattern: "*.wasm"}},
	}); err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		select {
		case id := <-paused:
			if _, err := chromedp.Call(b.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id}); err != nil {
				t.Fatal(err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the page never asked for the wasm")
		}
		if _, err := chromedp.Call(b.ctx, fetch.Disable, struct{}{}); err != nil {
			t.Fatal(err)
		}
	}
}

func (b *browser) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript expression until it is true. A navigation
// while it waits is no error: the expression is asked again of the new page.
func waitFor(t *testing.T, b *browser, js string) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var ok bool
		if ok, err = chromedp.Run(b.ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		if b.ctx.Err() != nil {
			break
		}
	}
	t.Fatalf("waiting for %s: never true (last error: %v)", js, err)
}

const cardTexts = `Array.from(document.querySelectorAll(".card")).map(c => c.innerText)`

// carouselState reads the carousel's slide index and scroll position.
const carouselState = `(() => {
	const c = document.querySelector(".carousel"), t = c.querySelector(".carousel-track"), s = t.children;
	return {current: +c.dataset.current, left: t.scrollLeft, step: s[1].offsetLeft - s[0].offsetLeft, slides: s.length};
})()`

type carousel struct {
	Current int
	Left    float64
	Step    float64
	Slides  int
}

func TestWidgetInTheBrowser(t *testing.T) {
	arabic := arabicSlug(t)
	srv := startKiosque(t)
	host := mustHost(t, srv.URL)

	for _, tc := range []struct {
		name, query, dir, next, back string
	}{
		{"french", "/embed?article=" + seedSlug, "ltr", "ArrowRight", "ArrowLeft"},
		{"arabic", "/embed?article=" + arabic + "&lang=ar", "rtl", "ArrowLeft", "ArrowRight"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			release := b.holdWasm(t)
			b.run(t, chromedp.Navigate(srv.URL+tc.query))
			before := eval[[]string](t, b, cardTexts)
			if len(before) < 4 {
				t.Fatalf("the prerendered page shows %d cards, want the article and its related", len(before))
			}
			if eval[bool](t, b, `document.documentElement.dataset.kiosque === "ready"`) {
				t.Fatal("the app started while its wasm was held")
			}
			release()
			waitFor(t, b, `document.documentElement.dataset.kiosque === "ready"`)

			after := eval[[]string](t, b, cardTexts)
			if !slices.Equal(before, after) {
				t.Errorf("the cards changed when the wasm started:\nbefore %q\n after %q", before, after)
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
			b.run(t, chromedp.Click(".carousel-next"))
			waitFor(t, b, `document.querySelector(".carousel").dataset.current === "1"`)
			state = eval[carousel](t, b, carouselState)
			if !near(state.Left, state.Step) {
				t.Errorf("after next the track is at %v, want one slide (%v)", state.Left, state.Step)
			}
			if focused := eval[string](t, b, `document.activeElement.className`); focused != "carousel-button carousel-next" {
				t.Errorf("focus moved to %q, want it kept on the next button", focused)
			}
			b.run(t, chromedp.Click(".carousel-prev"))
			waitFor(t, b, `document.querySelector(".carousel").dataset.current === "0"`)
			if state = eval[carousel](t, b, carouselState); !near(state.Left, 0) {
				t.Errorf("after previous the track is at %v, want 0", state.Left)
			}

			// The keyboard: the arrow that points forward in the reading direction.
			b.run(t, chromedp.Focus(".carousel-track"), chromedp.KeyEvent(keyOf(tc.next)))
			waitFor(t, b, `document.querySelector(".carousel").dataset.current === "1"`)
			b.run(t, chromedp.KeyEvent(keyOf(tc.back)))
			waitFor(t, b, `document.querySelector(".carousel").dataset.current === "0"`)

			if other := b.otherHosts(host); len(other) > 0 {
				t.Errorf("the page made requests to other hosts: %v", other)
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

func mustHost(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

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
		b.run(t, chromedp.Navigate(srv.URL+tc.query))
		waitFor(t, b, `document.documentElement.dataset.kiosque === "ready"`)
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

func arabicSlug(t *testing.T) string {
	t.Helper()
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range articles {
		if a.Lang == news.Arabic {
			return a.Slug
		}
	}
	t.Fatal("the sample has no Arabic article")
	return ""
}

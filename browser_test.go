//go:build !wasm

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/front"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

const seedSlug = "hammouchi-examine-a-vienne-les-defis-du-terrorisme"

// chromium is Debian's Chromium; the tests never download a browser.
const chromium = "/usr/bin/chromium"

// startKiosque serves the bundled sample, and the articles given, from a
// temporary store with the real site, web files and built wasm, through
// the front the binary serves with (app/front).
func startKiosque(tb testing.TB, extra ...news.Article) *liveServer {
	tb.Helper()
	return startKiosqueWithStore(tb, func(st *sqlite.Store) {
		if err := st.Put(context.Background(), extra...); err != nil {
			tb.Fatal(err)
		}
	})
}

// startKiosqueWithStore is startKiosque with a store that fill prepares.
func startKiosqueWithStore(tb testing.TB, fill func(*sqlite.Store)) *liveServer {
	tb.Helper()
	return serveSite(tb, newSite(tb, fill))
}

// startKiosqueHoldingWasm is startKiosque, except that requests for the
// wasm wait until release is called: a test can act while the app is on
// its way.
func startKiosqueHoldingWasm(tb testing.TB) (srv *liveServer, release func()) {
	tb.Helper()
	held := &heldWasm{Site: newSite(tb, func(*sqlite.Store) {}), held: make(chan struct{})}
	srv = serveSite(tb, held)
	tb.Cleanup(held.release)
	return srv, held.release
}

// heldWasm is a site whose wasm waits until it is released.
type heldWasm struct {
	front.Site
	held chan struct{}
	once sync.Once
}

func (h *heldWasm) release() { h.once.Do(func() { close(h.held) }) }

func (h *heldWasm) wait(path string) {
	if strings.HasSuffix(path, ".wasm") {
		<-h.held
	}
}

func (h *heldWasm) Lookup(req server.Request) (*answers.Ready, bool) {
	h.wait(req.Path)
	return h.Site.Lookup(req)
}

func (h *heldWasm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.wait(r.URL.Path)
	h.Site.ServeHTTP(w, r)
}

// newSite is the real site over a temporary store with the sample and
// what fill adds.
func newSite(tb testing.TB, fill func(*sqlite.Store)) *server.Server {
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
	k, err := newKiosque(log, st, serveConfig{dataDir: data, webDir: "web", site: "Kiosque Démo", frameAncestors: "*"})
	if err != nil {
		tb.Fatal(err)
	}
	runKiosque(tb, k)
	return k.site
}

// runKiosque runs the server's background work until stop is called or
// the test ends, and waits until it leads with its related lists up to
// date.
func runKiosque(tb testing.TB, k *kiosque) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		k.run(ctx)
	}()
	stop = func() {
		cancel()
		<-done
	}
	tb.Cleanup(stop)
	select {
	case <-k.listsReady:
	case <-time.After(30 * time.Second):
		tb.Fatal("the server never led, or its related lists were never up to date")
	}
	return stop
}

// liveServer is a site served on loopback through app/front, as the
// binary serves it.
type liveServer struct {
	URL  string
	stop context.CancelFunc
	done chan error
	once sync.Once
}

// serveSite serves site on a free port of 127.0.0.1 until the test ends.
func serveSite(tb testing.TB, site front.Site) *liveServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return serveOn(tb, ln, site, time.Second)
}

// serveOn serves site on ln; grace is how long a stop lets open requests
// finish.
func serveOn(tb testing.TB, ln net.Listener, site front.Site, grace time.Duration) *liveServer {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &liveServer{URL: "http://" + ln.Addr().String(), stop: cancel, done: make(chan error, 1)}
	opts := frontOptions(slog.New(slog.NewTextHandler(io.Discard, nil)))
	opts.Grace = grace
	go func() { s.done <- front.Serve(ctx, ln, site, opts) }()
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server and waits until it has.
func (s *liveServer) Close() {
	s.once.Do(func() {
		s.stop()
		<-s.done
	})
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

// appRunning is true once the app has taken the page over.
const appRunning = `document.documentElement.dataset.kiosque === "ready"`

// appFilesLoaded lists the app's files (go-app's scripts, the wasm) that
// the page in b has fetched.
func appFilesLoaded(t *testing.T, b *browser) []string {
	t.Helper()
	return eval[[]string](t, b, `performance.getEntriesByType("resource").map(e => e.name).filter(n => /\/(app\.js|wasm_exec\.js)$|\.wasm$/.test(new URL(n).pathname))`)
}

// startApp shows the intent a reader's pointer would, on which the widget
// starts its app (web/kiosque.js), and waits until the app has taken over.
func startApp(t *testing.T, b *browser) {
	t.Helper()
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.body.dispatchEvent(new PointerEvent("pointerover", {bubbles: true}))`))
	waitFor(t, b, appRunning)
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

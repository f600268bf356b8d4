package main

import (
	"context"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"
)

// Budgets of the delivery issue for a partner's page view with no
// interaction: bytes from the widget's server (images aside), and the
// widget document's main-thread work against the same document without
// its wasm.
const (
	pageViewBudgetKB  = 60
	mainThreadBudget  = 1.2
	cpuThrottle       = 4 // a mid-range phone
	browserRuns       = 3
	firstCardRuns     = 5
	settleAfterLoad   = 3 * time.Second
	settleAfterIntent = 2 * time.Second
)

// partnerHTML is a partner's article with one widget visible on arrival,
// as a partner pastes it.
var partnerHTML = template.Must(template.New("partner").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Un site partenaire</title>
<style>body{margin:0;font:16px/1.5 sans-serif}main{max-width:760px;margin:0 auto;padding:8px 16px}.kiosque-embed{min-height:700px}</style>
</head><body><main>
<h1>Un article du partenaire</h1>
<p>Un paragraphe, puis le widget.</p>
<div class="kiosque-embed" id="w" data-article="{{.Slug}}"><a href="{{.Widget}}/a/{{.Slug}}">Hammouchi à Vienne</a></div>
<p>La suite de l’article.</p>
</main>
<script async src="{{.Widget}}/embed.js"></script>
</body></html>`))

// counter counts what the widget's server sends through it.
type counter struct {
	bytes   atomic.Int64
	mu      sync.Mutex
	paths   []string
	handler http.Handler
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.paths = append(c.paths, r.URL.Path)
	c.mu.Unlock()
	cw := &countingWriter{ResponseWriter: w, n: &c.bytes}
	c.handler.ServeHTTP(cw, r)
}

func (c *counter) reset() {
	c.bytes.Store(0)
	c.mu.Lock()
	c.paths = nil
	c.mu.Unlock()
}

func (c *counter) served(suffix string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.ContainsFunc(c.paths, func(p string) bool { return strings.HasSuffix(p, suffix) })
}

// countingWriter counts a response's bytes as sent: the status line and
// headers, then the body (compressed, if it is).
type countingWriter struct {
	http.ResponseWriter
	n           *atomic.Int64
	wroteHeader bool
}

func (w *countingWriter) WriteHeader(status int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		n := len("HTTP/1.1 200 OK\r\n\r\n")
		for k, vs := range w.Header() {
			for _, v := range vs {
				n += len(k) + len(v) + 4
			}
		}
		w.n.Add(int64(n))
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *countingWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.n.Add(int64(len(b)))
	return w.ResponseWriter.Write(b)
}

// benchSites are the servers the browser measurements use: Kiosque behind
// a counting proxy (addressed as localhost: another site than the
// partner's), and a partner's site on 127.0.0.1.
type benchSites struct {
	widget   string // the proxy, as partners name it
	partner  string
	count    *counter
	static   []byte // the widget's document, saved as a file
	staticCT string
}

func startSites(ctx context.Context, k *kiosque) (*benchSites, error) {
	target, err := url.Parse(k.url)
	if err != nil {
		return nil, err
	}
	s := &benchSites{count: &counter{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	mux := http.NewServeMux()
	// The same document as /embed serves, as a static file: a reference
	// for the time to the first card. Its files come from Kiosque.
	mux.HandleFunc("/static-embed.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", s.staticCT)
		w.Header().Set("Content-Length", fmt.Sprint(len(s.static)))
		w.Write(s.static)
	})
	mux.Handle("/", proxy)
	s.count.handler = mux
	widgetLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go http.Serve(widgetLn, s.count)
	s.widget = "http://localhost:" + fmt.Sprint(widgetLn.Addr().(*net.TCPAddr).Port)

	partnerLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go http.Serve(partnerLn, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		partnerHTML.Execute(w, struct{ Widget, Slug string }{s.widget, seedSlug})
	}))
	s.partner = "http://" + partnerLn.Addr().String()
	context.AfterFunc(ctx, func() { widgetLn.Close(); partnerLn.Close() })

	res, body, err := fetch(k.url+"/embed?article="+seedSlug+"&lang=fr", "", "")
	if err != nil {
		return nil, err
	}
	s.static, s.staticCT = body, res.Header.Get("Content-Type")
	return s, nil
}

// measureBrowser measures, in Chromium, what a partner's page view costs
// with no interaction and after the reader's intent, the widget
// document's main-thread work, and the time to its first card.
func measureBrowser(ctx context.Context, o options, t *table) error {
	k, err := startWith(ctx, o, 0)
	if err != nil {
		return err
	}
	defer k.stop()
	sites, err := startSites(ctx, k)
	if err != nil {
		return err
	}
	browser, stop, err := startChromium(ctx)
	if err != nil {
		return err
	}
	defer stop()
	if err := measurePageView(browser, sites, t); err != nil {
		return err
	}
	embed := sites.widget + "/embed?article=" + seedSlug + "&lang=fr"
	if err := measureMainThread(browser, embed, t); err != nil {
		return err
	}
	return measureFirstCard(browser, sites, embed, t)
}

// startChromium starts a headless Chromium, with a profile of its own
// that stop removes, in a phone's window.
func startChromium(ctx context.Context) (browser context.Context, stop func(), err error) {
	profile, err := os.MkdirTemp("", "kiosque-bench-chromium-")
	if err != nil {
		return nil, nil, err
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(profile, "profile")),
		chromedp.WindowSize(412, 915),
	)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	stop = func() {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(profile)
	}
	if err := chromedp.Do(browser); err != nil {
		stop()
		return nil, nil, fmt.Errorf("start Chromium: %w", err)
	}
	return browser, stop, nil
}

// measurePageView counts the bytes a partner's page view takes from the
// widget's server, with no interaction and after the reader's intent.
func measurePageView(browser context.Context, sites *benchSites, t *table) error {
	var idleKB, intentKB []float64
	for range browserRuns {
		idle, intent, err := pageViewBytes(browser, sites)
		if err != nil {
			return err
		}
		idleKB, intentKB = append(idleKB, idle/1024), append(intentKB, intent/1024)
	}
	const view = "partner page view"
	t.limit(view, "KB from the widget's server, no interaction", medianOf(idleKB), "KB", pageViewBudgetKB)
	t.add(view, "KB from the widget's server, after intent", fmt.Sprintf("%.0f KB", medianOf(intentKB)))
	return nil
}

// measureMainThread measures the main-thread work of the widget's
// document at embed on its own, with the CPU slowed down, against the
// same document with the wasm blocked.
func measureMainThread(browser context.Context, embed string, t *table) error {
	cases := []struct {
		name    string
		url     string
		blocked bool
		intent  bool
	}{
		{"no wasm (wasm blocked)", embed + "&wasm=eager", true, false},
		{"no interaction", embed, false, false},
		{"after intent", embed, false, true},
		{"wasm at once (first release)", embed + "&wasm=eager", false, false},
	}
	work := map[string]float64{}
	for _, c := range cases {
		var runs []float64
		for range browserRuns {
			ms, err := mainThreadMS(browser, c.url, c.blocked, c.intent)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			runs = append(runs, ms)
		}
		work[c.name] = medianOf(runs)
	}
	const main = "widget document, main thread (4x CPU throttle)"
	reference := work["no wasm (wasm blocked)"]
	t.compare(main, "no interaction vs no wasm", work["no interaction"], reference, "ms", 0, mainThreadBudget)
	t.compare(main, "after intent vs no wasm", work["after intent"], reference, "ms", 0, 0)
	t.compare(main, "wasm at once vs no wasm", work["wasm at once (first release)"], reference, "ms", 0, 0)
	return nil
}

// measureFirstCard measures the time to the first card: Kiosque's
// document at embed against the same document as a static file.
func measureFirstCard(browser context.Context, sites *benchSites, embed string, t *table) error {
	var served, static []float64
	for range firstCardRuns {
		ms, err := firstCardMS(browser, embed)
		if err != nil {
			return err
		}
		served = append(served, ms)
		if ms, err = firstCardMS(browser, sites.widget+"/static-embed.html"); err != nil {
			return err
		}
		static = append(static, ms)
	}
	t.compare("widget document", "time to the first card vs a static file", medianOf(served), medianOf(static), "ms", 0, 0)
	return nil
}

// newTab opens a fresh browser context: its own cache and storage, as a
// reader's first visit to a partner's site has.
func newTab(browser context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	return ctx, func() { cancelTimeout(); cancel() }
}

// pageViewBytes opens the partner's page, lets it settle, and counts the
// bytes from the widget's server; then the pointer comes over the widget,
// and it counts again once the app has loaded.
func pageViewBytes(browser context.Context, s *benchSites) (idle, intent float64, err error) {
	ctx, cancel := newTab(browser)
	defer cancel()
	s.count.reset()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.partner)); err != nil {
		return 0, 0, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#w").dataset.kiosqueState === "ready"`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		return 0, 0, fmt.Errorf("the widget never showed on the partner's page: %w", err)
	}
	time.Sleep(settleAfterLoad)
	idle = float64(s.count.bytes.Load())
	for deadline := time.Now().Add(20 * time.Second); !s.count.served(".wasm"); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			return 0, 0, fmt.Errorf("the pointer over the widget never loaded its app")
		}
		at, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => { const r = document.querySelector("#w iframe").getBoundingClientRect();
			return {x: r.left + r.width / 2, y: r.top + Math.min(r.height / 2, 300)}; })()`))
		if err != nil {
			return 0, 0, err
		}
		if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, at["x"]+float64(time.Now().UnixNano()%3), at["y"])); err != nil {
			return 0, 0, err
		}
	}
	time.Sleep(settleAfterIntent)
	return idle, float64(s.count.bytes.Load()), nil
}

// mainThreadMS loads a page with the CPU slowed down and returns the
// main thread's task time once the page has settled (and, with intent,
// once the pointer has come and the app has taken over).
func mainThreadMS(browser context.Context, page string, blockWasm, intent bool) (float64, error) {
	ctx, cancel := newTab(browser)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		return 0, err
	}
	if _, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: cpuThrottle}); err != nil {
		return 0, err
	}
	if blockWasm {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return 0, err
		}
		if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
			URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/*.wasm", Block: true}},
		}); err != nil {
			return 0, err
		}
	}
	if _, err := chromedp.Call(ctx, performance.Enable, performance.EnableParams{}); err != nil {
		return 0, err
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		return 0, err
	}
	if strings.Contains(page, "wasm=eager") && !blockWasm {
		if err := waitReady(ctx); err != nil {
			return 0, err
		}
	}
	time.Sleep(settleAfterLoad)
	if intent {
		if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, 200, 300)); err != nil {
			return 0, err
		}
		if err := waitReady(ctx); err != nil {
			return 0, err
		}
		time.Sleep(settleAfterIntent)
	}
	metrics, err := chromedp.Call(ctx, performance.GetMetrics, cdp.Empty{})
	if err != nil {
		return 0, err
	}
	for _, m := range metrics.Metrics {
		if m.Name == "TaskDuration" {
			return m.Value * 1000, nil
		}
	}
	return 0, fmt.Errorf("no TaskDuration among Chromium's metrics")
}

func waitReady(ctx context.Context) error {
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.documentElement.dataset.kiosque === "ready"`,
		chromedp.WithPollingTimeout(40*time.Second)))
	if err != nil {
		return fmt.Errorf("the app never took over: %w", err)
	}
	return nil
}

// firstCardMS loads a page in a fresh context and returns the time from
// the navigation to the first paint with content: the widget's document
// paints its cards at once.
func firstCardMS(browser context.Context, page string) (float64, error) {
	ctx, cancel := newTab(browser)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		return 0, err
	}
	ms, err := chromedp.Run(ctx, chromedp.Poll[float64](`(() => {
		const p = performance.getEntriesByName("first-contentful-paint")[0];
		return p && document.querySelector(".card") ? p.startTime : 0; })()`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		return 0, fmt.Errorf("%s never painted a card: %w", page, err)
	}
	return ms, nil
}

func medianOf(values []float64) float64 {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

package browsertest

// The harness: Kiosque's servers, Chromium, and partner sites.

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/kiosque/kiosque/app/front"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/replica"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/build/cmd/demo/wordpress"
)

const seedSlug = "hammouchi-examine-a-vienne-les-defis-du-terrorisme"

// chromium is Debian's Chromium; the tests never download a browser.
const chromium = "/usr/bin/chromium"

// startKiosque serves the bundled sample, and the articles given, from a
// temporary store with the real site, web files and built wasm, through
// the front the binary serves with (app/front).
func startKiosque(tb testing.TB, extra ...news.Article) *liveServer {
	tb.Helper()
	return startKiosqueFramedBy(tb, "*", extra...)
}

// startKiosqueFramedBy is startKiosque whose widget only the sites of
// ancestors (-frame-ancestors) may frame.
func startKiosqueFramedBy(tb testing.TB, ancestors string, extra ...news.Article) *liveServer {
	tb.Helper()
	return serveSite(tb, newSiteFramedBy(tb, ancestors, func(st *sqlite.Store) {
		if err := st.Put(context.Background(), extra...); err != nil {
			tb.Fatal(err)
		}
	}))
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
	held := &heldWasm{Handler: newSite(tb, func(*sqlite.Store) {}), held: make(chan struct{})}
	srv = serveSite(tb, held)
	tb.Cleanup(held.release)
	return srv, held.release
}

// heldWasm is a site whose wasm waits until it is released.
type heldWasm struct {
	http.Handler
	held chan struct{}
	once sync.Once
}

func (h *heldWasm) release() { h.once.Do(func() { close(h.held) }) }

func (h *heldWasm) wait(path string) {
	if strings.HasSuffix(path, ".wasm") {
		<-h.held
	}
}

func (h *heldWasm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.wait(r.URL.Path)
	h.Handler.ServeHTTP(w, r)
}

// webDir is the web folder, with the built wasm, seen from this package.
const webDir = "../../web"

// newSite is the real site over a temporary store with the sample and
// what fill adds.
func newSite(tb testing.TB, fill func(*sqlite.Store)) *server.Server {
	tb.Helper()
	return newSiteFramedBy(tb, "*", fill)
}

// newSiteFramedBy is newSite whose widget only ancestors may frame.
func newSiteFramedBy(tb testing.TB, ancestors string, fill func(*sqlite.Store)) *server.Server {
	tb.Helper()
	data := tb.TempDir()
	st := openSample(tb, data)
	tb.Cleanup(func() { st.Close() })
	fill(st)
	r, _ := runReplicaFramedBy(tb, st, data, webDir, ancestors)
	return r.Site()
}

// openSample opens the SQLite store in data, filled with the sample if
// empty.
func openSample(tb testing.TB, data string) *sqlite.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, data)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := sample.Fill(ctx, st); err != nil {
		st.Close()
		tb.Fatal(err)
	}
	return st
}

// runReplica puts a server together over st, with the web files in web,
// and runs its background work until stop is called or the test ends; it
// waits until it leads with its related lists up to date.
func runReplica(tb testing.TB, st store.Backend, data, web string) (r *replica.Replica, stop func()) {
	tb.Helper()
	return runReplicaFramedBy(tb, st, data, web, "*")
}

// runReplicaFramedBy is runReplica whose widget only ancestors may frame.
func runReplicaFramedBy(tb testing.TB, st store.Backend, data, web, ancestors string) (r *replica.Replica, stop func()) {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(web, "app.wasm")); err != nil {
		tb.Fatalf("%s/app.wasm is missing: build it first (make test does)", web)
	}
	r, err := replica.New(replica.Config{
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		Store:      st,
		Site:       server.Config{Web: os.DirFS(web), Site: "Kiosque Démo", FrameAncestors: ancestors},
		DataDir:    data,
		CacheBytes: 64 << 20,
	})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(ctx)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	tb.Cleanup(stop)
	select {
	case <-r.ListsReady():
	case <-time.After(30 * time.Second):
		tb.Fatal("the server never led, or its related lists were never up to date")
	}
	return r, stop
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
func serveSite(tb testing.TB, site http.Handler) *liveServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return serveOn(tb, ln, site, time.Second)
}

// serveOn serves site on ln; grace is how long a stop lets open requests
// finish.
func serveOn(tb testing.TB, ln net.Listener, site http.Handler, grace time.Duration) *liveServer {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &liveServer{URL: "http://" + ln.Addr().String(), stop: cancel, done: make(chan error, 1)}
	opts := front.DefaultOptions(slog.New(slog.NewTextHandler(io.Discard, nil)))
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

// newBrowser opens a tab; options given override the defaults (the
// reader's language, the window's size).
func newBrowser(t *testing.T, options ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s is missing: install Debian's chromium (make test does)", chromium)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append([]chromedp.ExecAllocatorOption{
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
	}, options...)...)
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

func mustHost(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
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

// kiosqueAt serves Kiosque from webDir on a fixed address, so that a test
// can stop it and start another release where the browser expects it.
type kiosqueAt struct {
	addr, dataDir string
	fill          func(*sqlite.Store) // adds to the sample before each start, if set
	srv           *liveServer
	background    func() // stops the server's background work
	st            *sqlite.Store
}

func newKiosqueAt(t *testing.T) *kiosqueAt {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	k := &kiosqueAt{addr: addr, dataDir: t.TempDir()}
	t.Cleanup(k.stop)
	return k
}

func (k *kiosqueAt) url() string { return "http://" + k.addr }

func (k *kiosqueAt) start(t *testing.T, web string) {
	t.Helper()
	st := openSample(t, k.dataDir)
	if k.fill != nil {
		k.fill(st)
	}
	r, stop := runReplica(t, st, k.dataDir, web)
	k.background = stop
	var (
		ln  net.Listener
		err error
	)
	for try := 0; ; try++ { // the port may linger a moment after a stop
		if ln, err = net.Listen("tcp", k.addr); err == nil || try == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	// Stopped, it is gone at once: no grace for open requests.
	k.srv, k.st = serveOn(t, ln, r.Site(), 0), st
}

func (k *kiosqueAt) stop() {
	if k.srv != nil {
		k.srv.Close()
		k.background()
		k.st.Close()
		k.srv, k.st = nil, nil
	}
}

// copyWeb copies the web folder, the built wasm included.
func copyWeb(t *testing.T, from string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "web")
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), body, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// Browser tests of the widget on other sites: on a partner's page through
// the loader (/embed.js), and in a WordPress post through oEmbed. The
// partner's pages are served on 127.0.0.1 and the widget on localhost: two
// sites, so the widget's frame runs in its own process, as on the web.

// partnerSite is a Kiosque server and a partner's site embedding it.
type partnerSite struct {
	host   string // the partner's site: http://127.0.0.1:PORT
	widget string // Kiosque, as the partner names it: http://localhost:PORT
	other  string // a third origin, for frames that pretend to be the widget
	// exclusive is an article whose canonical URL is on the partner's site.
	exclusive news.Article
}

// hostBox is a widget container on a partner's page.
type hostBox struct {
	ID, Article, Category, Layout, Target, Theme, Lang, Limit string
	Fallback, Title                                           string
}

type hostPage struct {
	Widget string
	Others []string          // other Kiosque servers whose loaders the page has, after Widget's
	Scheme string            // the page's colour scheme (<meta name="color-scheme">), if it says one
	Spacer int               // px of page before each widget and after the last
	Meta   map[string]string // the page's defaults: <meta name="kiosque:NAME">
	Boxes  []hostBox
}

// hostHTML is a partner's page. It records the layout shifts of the page
// (none follows an input here), the spoofing frames that are done, and
// when each widget's frame took its fallback's place.
var hostHTML = template.Must(template.New("host").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Un site partenaire</title>
{{with .Scheme}}<meta name="color-scheme" content="{{.}}">
{{end}}{{range $name, $value := .Meta}}<meta name="kiosque:{{$name}}" content="{{$value}}">
{{end}}<style>body{margin:0;font:16px/1.5 sans-serif}main{max-width:760px;margin:0 auto;padding:8px 16px}.spacer{height:{{.Spacer}}px;background:#eee}</style>
<script>
window.warnings = [];
(function (warn) {
  console.warn = function () { warnings.push(Array.prototype.join.call(arguments, " ")); warn.apply(console, arguments); };
})(console.warn);
window.shifts = [];
window.inputShifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { (e.hadRecentInput ? inputShifts : shifts).push(e.value); });
}).observe({type: "layout-shift", buffered: true});
window.spoofsDone = 0;
addEventListener("message", function (e) { if (e.data && e.data.type === "spoof:done") spoofsDone++; });
window.shownAt = {};
new MutationObserver(function (records) {
  records.forEach(function (r) {
    var id = r.target.id;
    if (r.target.getAttribute("data-kiosque-state") === "ready" && !shownAt[id]) {
      // Two frames later the frame has been painted.
      requestAnimationFrame(function () { requestAnimationFrame(function () { shownAt[id] = performance.now(); }); });
    }
  });
}).observe(document.documentElement, {attributes: true, attributeFilter: ["data-kiosque-state"], subtree: true});
function loaderStart() {
  return performance.getEntriesByType("resource").filter(function (e) { return /\/embed\.js$/.test(e.name); })[0].startTime;
}
</script>
</head><body><main>
<h1>Un site partenaire</h1>
<p>Un paragraphe d’introduction avant le premier widget, pour que le texte qui suit puisse bouger s’il devait bouger.</p>
{{if .Spacer}}<div class="spacer"></div>{{end}}
{{range .Boxes}}<div class="kiosque-embed" id="{{.ID}}"{{with .Article}} data-article="{{.}}"{{end}}{{with .Category}} data-category="{{.}}"{{end}}{{with .Layout}} data-layout="{{.}}"{{end}}{{with .Target}} data-target="{{.}}"{{end}}{{with .Theme}} data-theme="{{.}}"{{end}}{{with .Lang}} data-lang="{{.}}"{{end}}{{with .Limit}} data-limit="{{.}}"{{end}}>
<a href="{{.Fallback}}">{{.Title}}</a>
</div>
<p class="after">Le texte qui suit le widget. Il ne doit pas sauter quand le cadre prend la place du lien de repli, ni après.</p>
<p>Encore un paragraphe, qui occupe la largeur de la colonne, pour que tout déplacement se voie dans la mesure.</p>
{{if $.Spacer}}<div class="spacer"></div>{{end}}
{{end}}
</main>
<script async src="{{.Widget}}/embed.js"></script>
{{range .Others}}<script async src="{{.}}/embed.js"></script>
{{end}}</body></html>
`))

// spoofHTML is a page of another origin that claims to be a widget's frame.
const spoofHTML = `<!DOCTYPE html><title>spoof</title><script>
var q = new URLSearchParams(location.search);
for (var i = 0; i < 5; i++) parent.postMessage({type: "kiosque:resize", version: 1, id: q.get("id"), height: +q.get("height")}, "*");
parent.postMessage({type: "spoof:done"}, "*");
</script>`

// wordpressHTML is a post with the widget embedded as WordPress does it.
var wordpressHTML = template.Must(template.New("wordpress").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Un billet WordPress</title>
{{with .Scheme}}<meta name="color-scheme" content="{{.}}">
{{end}}<style>body{margin:0;font:16px/1.5 sans-serif}.entry-content{max-width:640px;margin:0 auto;padding:8px 16px}iframe{width:100%;border:0}</style>
</head><body><article class="entry-content"><h1>Un billet</h1><p>Avant.</p>
{{if .Details}}<details class="wp-block-details"><summary>À lire aussi</summary>
{{end}}<figure class="wp-block-embed">{{.Embed}}</figure>{{if .Details}}</details>{{end}}<p>Après.</p></article>
<script>{{.Receiver}}</script></body></html>
`))

// wordpressPost is what wordpressHTML shows: the embed, WordPress's
// script, the colour scheme the page says, and whether the embed is in a
// closed Details block.
type wordpressPost struct {
	Embed    template.HTML
	Receiver template.JS
	Scheme   string
	Details  bool
}

// startPartnerSite serves Kiosque with the sample plus an article of the
// partner's, a partner's site, and a third origin.
func startPartnerSite(tb testing.TB) *partnerSite {
	tb.Helper()
	return startPartnerSiteFramedOnlyBy(tb, "*")
}

// startPartnerSiteFramedOnlyBy is startPartnerSite with a Kiosque whose
// widget only ancestors may frame (-frame-ancestors).
func startPartnerSiteFramedOnlyBy(tb testing.TB, ancestors string) *partnerSite {
	tb.Helper()
	p := &partnerSite{}
	mux := http.NewServeMux()
	host := httptest.NewServer(mux)
	tb.Cleanup(host.Close)
	p.host = host.URL
	p.exclusive = news.Article{
		Slug: "partenaire-une-enquete-exclusive", URL: p.host + "/publisher/partenaire-une-enquete-exclusive",
		Title: "Une enquête exclusive du partenaire", Excerpt: "Publiée d’abord sur le site du partenaire.",
		Body: []string{"Publiée d’abord sur le site du partenaire."}, Category: "Société", Lang: news.French,
		Published: time.Now().Add(-time.Hour), Source: "test",
		Image: &news.Image{Src: "/web/images/societe-eau.svg", Alt: "De l’eau.", Width: 1200, Height: 675},
	}
	kiosque := startKiosqueFramedBy(tb, ancestors, p.exclusive)
	p.widget = strings.Replace(kiosque.URL, "127.0.0.1", "localhost", 1)

	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, spoofHTML)
	}))
	tb.Cleanup(other.Close)
	p.other = other.URL

	mux.HandleFunc("GET /publisher/{slug}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<!DOCTYPE html><title>Le partenaire</title><h1>%s</h1>", template.HTMLEscapeString(r.PathValue("slug")))
	})
	mux.HandleFunc("GET /page/{name}", func(w http.ResponseWriter, r *http.Request) {
		page, ok := p.pages(r.URL.Query())[r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		page.Widget = p.widget
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := hostHTML.Execute(w, page); err != nil {
			tb.Error(err)
		}
	})
	mux.HandleFunc("GET /wordpress", func(w http.ResponseWriter, r *http.Request) {
		// ?article= is the article pasted, ?theme= the option pasted with it,
		// ?scheme= the colour scheme the post's page says, ?details=1 puts
		// the embed in a Details block (closed).
		q := r.URL.Query()
		pasted := p.widget + "/a/" + cmp.Or(q.Get("article"), seedSlug)
		if theme := q.Get("theme"); theme != "" {
			pasted += "?theme=" + url.QueryEscape(theme)
		}
		embed, err := p.wordpressEmbed(pasted)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		wordpressHTML.Execute(w, wordpressPost{template.HTML(embed), template.JS(wordpress.ReceiverScript), q.Get("scheme"), q.Has("details")})
	})
	return p
}

// pages are the partner's pages the tests open, by name.
func (p *partnerSite) pages(q url.Values) map[string]hostPage {
	seed := hostBox{ID: "first", Article: seedSlug, Fallback: p.widget + "/a/" + seedSlug, Title: "Hammouchi à Vienne"}
	culture := hostBox{ID: "second", Category: "culture", Layout: "carousel", Fallback: p.widget + "/?category=culture", Title: "Culture"}
	lightCulture := culture
	lightCulture.Theme = "light"
	exclusive := hostBox{ID: "first", Article: p.exclusive.Slug, Target: q.Get("target"), Fallback: p.exclusive.URL, Title: p.exclusive.Title}
	return map[string]hostPage{
		"long":  {Spacer: 1600, Boxes: []hostBox{seed, culture}},
		"two":   {Meta: map[string]string{"theme": "dark", "limit": "3"}, Boxes: []hostBox{seed, lightCulture}},
		"links": {Boxes: []hostBox{exclusive}},
		"bench": {Boxes: []hostBox{seed}},
		"dark":  {Scheme: "dark", Boxes: []hostBox{lightCulture}},
		"wrong": {Boxes: []hostBox{
			{ID: "purple", Article: seedSlug, Theme: "purple", Fallback: p.widget + "/a/" + seedSlug, Title: "Violet"},
			{ID: "upper", Article: seedSlug, Theme: "Dark", Fallback: p.widget + "/a/" + seedSlug, Title: "Sombre"},
			{ID: "many", Category: "culture", Layout: "cards", Limit: "20", Fallback: p.widget + "/?category=culture", Title: "Vingt"},
			{ID: "grid", Article: seedSlug, Layout: "grid", Fallback: p.widget + "/a/" + seedSlug, Title: "Grille"},
			{ID: "german", Article: seedSlug, Lang: "de", Fallback: p.widget + "/a/" + seedSlug, Title: "Allemand"},
			{ID: "nosection", Category: "nope", Fallback: p.widget + "/", Title: "Aucune rubrique"},
			{ID: "missing", Article: "no-such-article", Category: "sport", Fallback: p.widget + "/", Title: "Disparu"},
			{ID: "address", Article: p.exclusive.URL, Fallback: p.exclusive.URL, Title: "Par son adresse"},
		}},
	}
}

// wordpressEmbed is what WordPress puts in a post for a pasted URL: it
// asks Kiosque's oEmbed endpoint, as it would after discovery, and
// filters the answer.
func (p *partnerSite) wordpressEmbed(pasted string) (string, error) {
	q := url.Values{"url": {pasted}, "maxwidth": {"608"}, "maxheight": {"912"}, "format": {"json"}}
	res, err := http.Get(p.widget + "/oembed?" + q.Encode())
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var answer struct{ HTML string }
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil || res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("oEmbed answered %s (%v)", res.Status, err)
	}
	return wordpress.FilterOEmbed(answer.HTML, wordpress.Secret())
}

// frame attaches to the frame of the iframe that selector names on b's
// page: a cross-site frame is a target of its own.
func frame(t *testing.T, b *browser, selector string) *browser {
	t.Helper()
	src := eval[string](t, b, `document.querySelector(`+jsString(selector)+`).src`)
	want, _, _ := strings.Cut(src, "#")
	info := waitTarget(t, b, 20*time.Second, func(info *target.Info) bool {
		got, _, _ := strings.Cut(info.URL, "#")
		return info.Type == "iframe" && got == want
	})
	if info == nil {
		t.Fatalf("no frame target for %s (%s)", selector, src)
	}
	return attach(t, b, info)
}

// waitTarget waits, at most within, until b's browser has a target that
// match takes, and returns it; nil if none came.
func waitTarget(t *testing.T, b *browser, within time.Duration, match func(*target.Info) bool) *target.Info {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		infos, err := chromedp.Targets(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if match(info) {
				return info
			}
		}
	}
	return nil
}

// attach is a browser on target info, detached at the end of the test.
func attach(t *testing.T, b *browser, info *target.Info) *browser {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
	t.Cleanup(cancel)
	return &browser{ctx: ctx}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// The height of a frame's document, as the frame's page sees it.
const documentHeight = `document.documentElement.getBoundingClientRect().height`

// frameFits waits until the iframe's height is its document's, within 2 px,
// and returns it.
func frameFits(t *testing.T, host, inside *browser, selector string) float64 {
	t.Helper()
	var outer, doc float64
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		outer = eval[float64](t, host, `document.querySelector(`+jsString(selector)+`).getBoundingClientRect().height`)
		doc = eval[float64](t, inside, documentHeight)
		if math.Abs(outer-doc) <= 2 {
			return outer
		}
	}
	t.Fatalf("%s is %.1f px high, its document %.1f px", selector, outer, doc)
	return 0
}

// cardsVisible checks that the frame shows cards: painted in the frame's
// viewport, and the frame itself shown in the page's.
func cardsVisible(t *testing.T, host, inside *browser, box string) {
	t.Helper()
	waitFor(t, inside, `document.querySelectorAll(".card").length > 0`)
	if !eval[bool](t, inside, `(() => {
		const c = document.querySelector(".card"), r = c.getBoundingClientRect(), s = getComputedStyle(c);
		return r.width > 100 && r.height > 100 && r.top >= 0 && r.top < innerHeight && s.visibility === "visible" && s.opacity === "1";
	})()`) {
		t.Errorf("%s: the first card is not in the frame's view", box)
	}
	shown := eval[bool](t, host, `(() => {
		const f = document.querySelector("#`+box+` iframe"), r = f.getBoundingClientRect(), s = getComputedStyle(f);
		return r.bottom > 0 && r.top < innerHeight && s.opacity === "1" && s.visibility === "visible" && s.position === "static";
	})()`)
	if !shown {
		t.Errorf("%s: the frame is not shown in the page", box)
	}
	if eval[bool](t, host, `Array.from(document.querySelectorAll("#`+box+` > a")).some(a => a.getBoundingClientRect().height > 0)`) {
		t.Errorf("%s: the fallback link still shows beside the frame", box)
	}
}

// clickInFrame clicks, as a reader would, the middle of an element inside
// a frame of the page: the pointer moves there until the frame sees it
// hover, then presses. (Chromium finds which frame is under the pointer
// asynchronously: the first events over a sandboxed frame can be lost.)
func clickInFrame(t *testing.T, host, inside *browser, frameSelector, selector string) {
	t.Helper()
	x, y := pointInFrame(t, host, inside, frameSelector, selector)
	host.run(t, chromedp.MouseClickXY(x, y))
}

// pointInFrame moves the pointer over an element inside a frame of the
// page, until the frame sees it hover, and returns where it is: a reader's
// intent, on which the widget starts its app.
func pointInFrame(t *testing.T, host, inside *browser, frameSelector, selector string) (x, y float64) {
	t.Helper()
	hover := `document.querySelector(` + jsString(selector) + `).matches(":hover")`
	for i := 0; ; i++ {
		// Measured again each time: the frame may still be moving (its
		// height settling, the fallback going away).
		at := eval[map[string]float64](t, inside, `(() => { const r = document.querySelector(`+jsString(selector)+`).getBoundingClientRect();
			return {x: r.left + r.width / 2, y: r.top + Math.min(r.height / 2, 40)}; })()`)
		offset := eval[map[string]float64](t, host, `(() => { const r = document.querySelector(`+jsString(frameSelector)+`).getBoundingClientRect();
			return {x: r.left, y: r.top}; })()`)
		x, y = offset["x"]+at["x"], offset["y"]+at["y"]
		if eval[bool](t, inside, hover) {
			break
		}
		if i == 50 {
			t.Fatalf("the pointer never got over %s in %s", selector, frameSelector)
		}
		host.run(t, chromedp.MouseEvent(chromedp.MouseMoved, x+float64(i%2), y))
		time.Sleep(100 * time.Millisecond)
	}
	return x, y
}

// waitLocation waits until the page is at want.
func waitLocation(t *testing.T, b *browser, want string) {
	t.Helper()
	var at string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href`)); err == nil {
			if at = v; at == want {
				return
			}
		}
	}
	t.Fatalf("the page is at %s, want %s", at, want)
}

// waitTab waits until a tab is open at want.
func waitTab(t *testing.T, b *browser, want string) {
	t.Helper()
	if waitTarget(t, b, 10*time.Second, func(info *target.Info) bool { return info.Type == "page" && info.URL == want }) == nil {
		t.Fatalf("no tab opened at %s", want)
	}
}

package browsertest

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

const alOmraneSlug = "al-omrane-inaugure-son-agence-renovee-a-paris"

// goOffline cuts the browser from the network, its service worker too,
// and stops the server, so nothing can come but from the caches.
func goOffline(t *testing.T, b *browser, k *kiosqueAt) {
	t.Helper()
	k.stop()
	if _, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: ptr(true),
		MatchedNetworkConditions:    []*network.Conditions{{Offline: true}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true}); err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// openInstalled serves the sample on a fixed address and opens its front
// page in a browser, until the service worker controls the page.
func openInstalled(t *testing.T) (*kiosqueAt, *browser) {
	t.Helper()
	k := newKiosqueAt(t)
	k.start(t, webDir)
	b := newBrowser(t)
	open(t, b, k.url()+"/")
	waitControlled(t, b)
	return k, b
}

func waitControlled(t *testing.T, b *browser) {
	t.Helper()
	waitFor(t, b, `navigator.serviceWorker.controller !== null && navigator.serviceWorker.controller.state === "activated"`)
}

// open opens a page of the site, and its app (which starts on the
// reader's intent).
func open(t *testing.T, b *browser, url string) {
	t.Helper()
	b.run(t, chromedp.Navigate(url))
	startApp(t, b)
}

func TestInstallable(t *testing.T) {
	_, b := openInstalled(t)

	res, err := chromedp.Call(b.ctx, page.GetInstallabilityErrors, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.InstallabilityErrors {
		t.Errorf("installability error %s %v", e.ErrorID, e.ErrorArguments)
	}
	broken, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(async () => {
		const m = await (await fetch("/manifest.webmanifest")).json();
		const broken = [];
		if (m.display !== "standalone" || !m.name || !m.short_name || m.start_url !== "/" || !m.lang || !m.dir) broken.push("manifest fields");
		for (const size of ["192x192", "512x512"]) if (!m.icons.some(i => i.sizes === size && i.type === "image/png")) broken.push("no PNG " + size);
		if (!m.icons.some(i => i.purpose === "maskable")) broken.push("no maskable icon");
		if (!m.icons.some(i => i.type === "image/svg+xml")) broken.push("no SVG icon");
		for (const i of m.icons) {
			const r = await fetch(i.src);
			if (!r.ok || r.headers.get("Content-Type") !== i.type || (await r.blob()).size < 100) broken.push(i.src);
		}
		return broken;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(broken) > 0 {
		t.Errorf("manifest problems: %v", broken)
	}
}

func TestOfflineReading(t *testing.T) {
	k, b := openInstalled(t)
	open(t, b, k.url()+"/a/"+seedSlug)
	open(t, b, k.url()+"/")

	// Save an article for later, at once: the press comes before the app
	// runs, starts it, and is not lost.
	b.run(t, chromedp.Navigate(k.url()+"/a/"+alOmraneSlug))
	waitFor(t, b, `document.readyState === "complete" && !!document.querySelector(".save-button")`)
	if eval[bool](t, b, appRunning) {
		t.Fatal("the app started before the reader reached for it")
	}
	b.run(t, chromedp.Click(".save-button"))
	waitFor(t, b, appRunning)
	waitFor(t, b, `document.querySelector(".save-button").getAttribute("aria-pressed") === "true"`)
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`caches.open("kiosque-saved").then(c => c.keys()).then(k => k.length >= 3)`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the saved article was not cached: %v", err)
	}

	goOffline(t, b, k)

	// The home feed reloads from the cache, and says it is offline.
	open(t, b, k.url()+"/")
	if n := eval[int](t, b, `document.querySelectorAll(".feed .card").length`); n < 6 {
		t.Errorf("offline, the home feed shows %d cards", n)
	}
	waitFor(t, b, `!!document.querySelector(".notice-offline")`)

	// An article opened before.
	open(t, b, k.url()+"/a/"+seedSlug)
	if title := eval[string](t, b, `document.querySelector(".article-title").innerText`); !strings.HasPrefix(title, "Hammouchi examine à Vienne") {
		t.Errorf("offline, the article page shows %q", title)
	}
	if n := eval[int](t, b, `document.querySelectorAll(".article-body p").length`); n < 5 {
		t.Errorf("offline, the article shows %d paragraphs", n)
	}

	// The saved list, which starts its app by itself (only the app can
	// show it), and the saved article from it.
	b.run(t, chromedp.Navigate(k.url()+"/saved"))
	waitFor(t, b, appRunning)
	waitFor(t, b, `document.querySelectorAll(".saved-grid .card").length === 1`)
	b.run(t, chromedp.Click(".saved-grid .card-link"))
	waitFor(t, b, `location.pathname === "/a/`+alOmraneSlug+`" && !!document.querySelector(".article-title")`)
	if title := eval[string](t, b, `document.querySelector(".article-title").innerText`); !strings.Contains(title, "Al Omrane") {
		t.Errorf("offline, the saved article shows %q", title)
	}
	if n := eval[int](t, b, `document.querySelectorAll(".article-body p").length`); n < 4 {
		t.Errorf("offline, the saved article shows %d paragraphs", n)
	}
}

// A server out of reach while the browser believes itself online: the page
// comes from the cache, and says so.
func TestCachedPageSaysSoWhenTheServerIsGone(t *testing.T) {
	k, b := openInstalled(t)
	open(t, b, k.url()+"/a/"+seedSlug)
	if eval[bool](t, b, `!!document.querySelector(".notice-offline")`) {
		t.Fatal("online, the page says it is offline")
	}
	k.stop()
	open(t, b, k.url()+"/a/"+seedSlug)
	waitFor(t, b, `!!document.querySelector(".article-title")`)
	waitFor(t, b, `navigator.onLine && !!document.querySelector(".notice-offline")`)
}

func TestUpdateIsOfferedNotForced(t *testing.T) {
	k, b := openInstalled(t)
	oldStyle := eval[string](t, b, `document.querySelector("link[rel=stylesheet]").getAttribute("href")`)
	b.run(t, chromedp.Evaluate[chromedp.Void](`window.kiosqueTestMark = 1`))
	// The first worker taking the page over is no new release.
	time.Sleep(500 * time.Millisecond)
	if eval[bool](t, b, `!!document.querySelector(".notice-update")`) {
		t.Fatal("a first visit is told of a new version")
	}

	// A new build: the same site with another style sheet.
	k.stop()
	next := copyWeb(t, webDir)
	f, err := os.OpenFile(filepath.Join(next, "kiosque.css"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n.site-footer { letter-spacing: .01em; }\n")
	f.Close()
	k.start(t, next)

	// The reader comes back to the page: it looks for a release.
	b.run(t, chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event("focus"))`))
	waitFor(t, b, `!!document.querySelector(".notice-update .reload-button")`)
	if !eval[bool](t, b, `window.kiosqueTestMark === 1`) {
		t.Fatal("the page reloaded by itself")
	}
	time.Sleep(time.Second)
	if !eval[bool](t, b, `window.kiosqueTestMark === 1`) {
		t.Fatal("the page reloaded by itself")
	}

	b.run(t, chromedp.Click(".reload-button"))
	waitFor(t, b, `window.kiosqueTestMark === undefined && document.readyState === "complete"`)
	startApp(t, b)
	if style := eval[string](t, b, `document.querySelector("link[rel=stylesheet]").getAttribute("href")`); style == oldStyle {
		t.Errorf("after the reload the page still uses %s", style)
	}
	// Pages kept offline from the first release still name its style sheet.
	kept, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](
		`caches.open("kiosque-files").then(c => c.match(`+jsString(oldStyle)+`)).then(r => !!r)`, chromedp.EvalAwaitPromise))
	if err != nil || !kept {
		t.Errorf("the first release's style sheet %s was not kept for its offline pages (%v)", oldStyle, err)
	}
}

func TestWidgetInASandboxedCrossOriginFrame(t *testing.T) {
	srv := startKiosque(t)
	// The host page is on 127.0.0.1, the widget on localhost: two origins,
	// and the frame has no allow-same-origin, as WordPress makes it.
	widget := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/embed?article=" + seedSlug
	host := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!DOCTYPE html><title>Partner</title><iframe id="w" sandbox="allow-scripts" style="width:800px;height:900px" src="`+widget+`"></iframe>`)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go host.Serve(ln)
	t.Cleanup(func() { host.Close() })

	b := newBrowser(t)
	b.run(t, chromedp.Navigate("http://"+ln.Addr().String()+"/"))
	inside := frame(t, b, "#w")
	startApp(t, inside)
	if n := eval[int](t, inside, `document.querySelectorAll(".card").length`); n < 4 {
		t.Errorf("the sandboxed widget shows %d cards", n)
	}
	if origin := eval[string](t, inside, `self.origin`); origin != "null" {
		t.Errorf("the frame's origin is %q, want an opaque one", origin)
	}
}

// "Read later" when the browser refuses to keep the list, its storage full
// or none for this site (private browsing, site data blocked): the button
// stays as it was and says so, in the page's language; once the browser
// takes the list again, it saves.
func TestReadLaterSaysWhenStorageRefuses(t *testing.T) {
	k := startKiosque(t)
	refused := func(b *browser, how string) {
		t.Helper()
		b.run(t, chromedp.Click(".save-button"))
		waitFor(t, b, `document.querySelector(".save-refused").textContent !== ""`)
		said := eval[string](t, b, `document.querySelector(".save-refused").textContent`)
		if !strings.Contains(said, "navigateur refuse") || eval[string](t, b, `document.querySelector(".save-refused").getAttribute("role")`) != "alert" {
			t.Errorf("%s: the page says %q", how, said)
		}
		if pressed := eval[string](t, b, `document.querySelector(".save-button").getAttribute("aria-pressed")`); pressed != "false" {
			t.Errorf("%s: the button claims the article is saved (aria-pressed=%s)", how, pressed)
		}
		if label := eval[string](t, b, `document.querySelector(".save-button").textContent`); label != "Lire plus tard" {
			t.Errorf("%s: the button reads %q", how, label)
		}
	}

	// Storage full: setItem throws.
	b := newBrowser(t)
	open(t, b, k.URL+"/a/"+seedSlug)
	b.run(t, chromedp.Evaluate[chromedp.Void](`window.realSetItem = Storage.prototype.setItem;
		Storage.prototype.setItem = function () { throw new DOMException("The quota has been exceeded.", "QuotaExceededError"); }`))
	refused(b, "storage full")

	// Room again: the article is saved, and the page stops saying otherwise.
	b.run(t, chromedp.Evaluate[chromedp.Void](`Storage.prototype.setItem = window.realSetItem`))
	b.run(t, chromedp.Click(".save-button"))
	waitFor(t, b, `document.querySelector(".save-button").getAttribute("aria-pressed") === "true"`)
	if said := eval[string](t, b, `document.querySelector(".save-refused").textContent`); said != "" {
		t.Errorf("saved, the page still says %q", said)
	}
	if saved := eval[string](t, b, `localStorage.getItem("kiosque:saved") || ""`); !strings.Contains(saved, seedSlug) {
		t.Errorf("the saved list holds %q", saved)
	}

	// No storage for the site: reading localStorage throws from the start,
	// and the page runs on a stand-in that forgets everything when it
	// closes (web/kiosque.js), which keeps no saved list.
	b = newBrowser(t)
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `Object.defineProperty(window, "localStorage", {configurable: true,
			get() { throw new DOMException("The operation is insecure.", "SecurityError"); }})`,
	}); err != nil {
		t.Fatal(err)
	}
	open(t, b, k.URL+"/a/"+seedSlug)
	refused(b, "no storage")
}

package browsertest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// TestTakenDownArticlesLeaveOfflineCopies takes down two articles a reader
// kept offline: one she saved for later, with its imported image, and one
// she only read. Back online, the page of the one she read answers that it
// is gone, and her saved list finds the other gone: neither is left in any
// of the site's caches, nor its image, the saved list drops the one it held
// and says so, and offline neither page opens from a copy.
func TestTakenDownArticlesLeaveOfflineCopies(t *testing.T) {
	k, saved := startWithImportedImage(t)
	imagePath := saved.Image.Src
	b := newBrowser(t)
	open(t, b, k.url()+"/")
	waitControlled(t, b)

	// She reads one article, and saves the other with its image.
	open(t, b, k.url()+"/a/"+seedSlug)
	open(t, b, k.url()+"/a/"+saved.Slug)
	b.run(t, chromedp.Click(".save-button"))
	waitFor(t, b, `document.querySelector(".save-button").getAttribute("aria-pressed") === "true"`)
	waitForAsync(t, b, `caches.open("kiosque-saved").then(c => c.match(`+jsString(imagePath)+`)).then(r => !!r && r.ok)`)
	waitForAsync(t, b, `caches.match("/a/`+seedSlug+`").then(r => !!r)`)

	// The publisher takes both down.
	for _, slug := range []string{saved.Slug, seedSlug} {
		if _, err := k.st.Block(context.Background(), slug); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{"/a/" + saved.Slug, "/a/" + seedSlug, imagePath} {
		waitGone(t, k.url()+path)
	}

	// She comes back later, online: what her browser keeps of the
	// server's answers (a minute, ten stale) has expired. The page she
	// read says it is gone, and the saved list finds the saved one gone.
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	b.run(t, chromedp.Navigate(k.url()+"/a/"+seedSlug))
	b.run(t, chromedp.Navigate(k.url()+"/saved"))
	waitFor(t, b, appRunning)
	if !becomes(b, `document.querySelectorAll(".saved-grid .card").length === 0`) {
		t.Errorf("the saved list still shows %d cards", eval[int](t, b, `document.querySelectorAll(".saved-grid .card").length`))
	}
	notice := `(() => { const n = document.querySelector(".saved-withdrawn"); return n ? [n.textContent, n.getAttribute("role")] : ["", ""]; })()`
	becomes(b, notice+`[0] !== ""`)
	if said := eval[[]string](t, b, notice); said[0] != "An article you saved has been withdrawn by the publisher." || said[1] != "status" {
		t.Errorf("the saved list says %q (role %q), want the article withdrawn (role status)", said[0], said[1])
	}
	if list := eval[string](t, b, `localStorage.getItem("kiosque:saved") || ""`); strings.Contains(list, saved.Slug) {
		t.Errorf("the saved list still holds the article: %s", list)
	}
	kept := `(async () => {
		const held = [];
		for (const name of await caches.keys()) {
			const cache = await caches.open(name);
			for (const r of await cache.keys()) {
				if ([` + jsString(saved.Slug) + `, ` + jsString(seedSlug) + `, ` + jsString(imagePath) + `].some(s => r.url.includes(s))) held.push(name + " " + r.url);
			}
		}
		return held;
	})()`
	if held := waitForEmpty(t, b, kept); len(held) > 0 {
		t.Errorf("the caches still hold %q", held)
	}
	// The saved list's notice is said once: opened again, the list is
	// empty and says so.
	b.run(t, chromedp.Navigate(k.url()+"/saved"))
	waitFor(t, b, appRunning)
	if !becomes(b, `!!document.querySelector(".feed .status")`) {
		t.Error("opened again, the saved list does not say it is empty")
	}
	if said := eval[[]string](t, b, notice); said[0] != "" {
		t.Errorf("opened again, the saved list says %q", said[0])
	}

	// Offline, neither page opens from a copy.
	goOffline(t, b, k)
	for _, slug := range []string{saved.Slug, seedSlug} {
		err := chromedp.Do(b.ctx, chromedp.Navigate(k.url()+"/a/"+slug))
		if err == nil && eval[bool](t, b, `!!document.querySelector(".article-title")`) {
			t.Errorf("offline, /a/%s opens from a copy: %q", slug, eval[string](t, b, `document.querySelector(".article-title").innerText`))
		}
	}
}

// A copy of an imported article's image is used while it is fresh, and
// asked for again once a day old: a taken-down image then leaves the
// caches.
func TestKeptImagesAreAskedForAgain(t *testing.T) {
	k, a := startWithImportedImage(t)
	b := newBrowser(t)
	open(t, b, k.url()+"/")
	waitControlled(t, b)
	image := jsString(a.Image.Src)
	if status := evalAsync[int](t, b, `caches.open("kiosque-saved").then(c => c.add(`+image+`)).then(() => fetch(`+image+`)).then(r => r.status)`); status != 200 {
		t.Fatalf("the image answers %d", status)
	}

	if _, err := k.st.Block(context.Background(), a.Slug); err != nil {
		t.Fatal(err)
	}
	waitGone(t, k.url()+a.Image.Src)
	// Fresh, the copy is used.
	if status := evalAsync[int](t, b, `fetch(`+image+`).then(r => r.status)`); status != 200 {
		t.Errorf("a fresh copy of the image was not used: %d", status)
	}
	// A day old, it is asked for again: the server says it is gone.
	evalAsync[bool](t, b, `(async () => {
		const cache = await caches.open("kiosque-saved"), kept = await cache.match(`+image+`);
		await cache.put(`+image+`, new Response(await kept.blob(), {headers: {
			"Content-Type": kept.headers.get("Content-Type"), "Date": new Date(Date.now() - 25 * 3600 * 1000).toUTCString()}}));
		return true;
	})()`)
	if status := evalAsync[int](t, b, `fetch(`+image+`).then(r => r.status)`); status != http.StatusNotFound {
		t.Errorf("a day-old copy of the taken-down image answers %d, want 404", status)
	}
	waitForAsync(t, b, `caches.match(`+image+`).then(r => r === undefined)`)
}

// startWithImportedImage serves the sample and an article whose image is
// imported (under /media/), on a fixed address.
func startWithImportedImage(t *testing.T) (*kiosqueAt, news.Article) {
	t.Helper()
	photo := servePhoto(t)
	a := news.Article{
		Slug: "une-enquete-retiree-a-la-demande-d-un-tribunal", URL: "https://example.ma/une-enquete-retiree",
		Title: "Une enquête que l’éditeur retirera", Excerpt: "Elle sera retirée à la demande d’un tribunal.",
		Body: []string{"Elle sera retirée à la demande d’un tribunal."}, Category: "Société", Lang: news.French,
		Published: time.Now().Add(-time.Hour), Source: "test",
		Image: &news.Image{Src: mediakey.Path(photo), Alt: "Une photo.", Width: 8, Height: 8},
	}
	k := newKiosqueAt(t)
	k.fill = func(st *sqlite.Store) {
		ctx := context.Background()
		if err := st.PutMedia(ctx, store.Media{Key: mediakey.Of(photo), URL: photo}); err != nil {
			t.Fatal(err)
		}
		if err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	k.start(t, webDir)
	return k, a
}

func evalAsync[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// servePhoto serves a small PNG, as an image of an imported article's
// source, and returns its URL.
func servePhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	img.Set(0, 0, color.RGBA{R: 0xff, A: 0xff})
	var body bytes.Buffer
	if err := png.Encode(&body, img); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(body.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/photo.png"
}

// waitGone waits until the server answers 404 or 410 for url: it hears of
// a takedown when it watches the store next.
func waitGone(t *testing.T, url string) {
	t.Helper()
	var status int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if status = res.StatusCode; status == http.StatusNotFound || status == http.StatusGone {
			return
		}
	}
	t.Fatalf("%s still answers %d after its takedown", url, status)
}

// becomes polls a JavaScript expression until it is true, and reports
// whether it became true, for a test to say what it found instead.
func becomes(b *browser, js string) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return true
		}
	}
	return false
}

// waitForAsync polls a JavaScript expression whose value is a promise
// until it settles true; a navigation meanwhile is no error.
func waitForAsync(t *testing.T, b *browser, js string) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var ok bool
		if ok, err = chromedp.Run(b.ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err == nil && ok {
			return
		}
		if b.ctx.Err() != nil {
			break
		}
	}
	t.Fatalf("waiting for %s: never true (last error: %v)", js, err)
}

// waitForEmpty polls a JavaScript expression whose value is a promise of a
// list until the list is empty, and returns the last list read.
func waitForEmpty(t *testing.T, b *browser, js string) []string {
	t.Helper()
	var (
		list []string
		err  error
	)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if list, err = chromedp.Run(b.ctx, chromedp.Evaluate[[]string](js, chromedp.EvalAwaitPromise)); err == nil && len(list) == 0 {
			return nil
		}
		if b.ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("reading the caches: %v", err)
	}
	return list
}

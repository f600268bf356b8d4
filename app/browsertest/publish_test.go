package browsertest

// The embed builder (/publish) walked as a partner would, and the share
// and embed actions of an article's page.

import (
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/kiosque/kiosque/app/replica"
	"github.com/kiosque/kiosque/build/cmd/demo/wordpress"
)

// allowClipboard lets the pages of origin read and write the clipboard, so
// that a test reads what a copy button wrote there.
func allowClipboard(t *testing.T, b *browser, origin string) {
	t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.Call(b.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: cdpbrowser.PermissionSettingGranted, Origin: origin,
		}); err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
	// The clipboard is a focused document's alone: a headless tab is not
	// always taken as focused.
	if _, err := chromedp.Call(b.ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
}

// clipboard is the text on the clipboard.
func clipboard(t *testing.T, b *browser) string {
	t.Helper()
	text, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("read the clipboard: %v", err)
	}
	return text
}

// choose sets a select of the builder as the keyboard does (the select's
// change event), and waits until the code shows it.
func choose(t *testing.T, b *browser, option, value string) {
	t.Helper()
	b.run(t, chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("publish-`+option+`");
		s.focus(); s.value = `+jsString(value)+`; s.dispatchEvent(new Event("change", {bubbles: true})); })()`))
}

// copyCode presses a code's copy button and returns what it put on the
// clipboard, once the page has said so; it must be the code shown.
func copyCode(t *testing.T, b *browser, id, confirmation string) string {
	t.Helper()
	b.run(t, chromedp.Evaluate[chromedp.Void](`navigator.clipboard.writeText("")`, chromedp.EvalAwaitPromise))
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("`+id+`-status").textContent = ""`))
	b.run(t, chromedp.Click(`button[data-copy="`+id+`"]`))
	waitFor(t, b, `document.getElementById("`+id+`-status").textContent === `+jsString(confirmation))
	copied, shown := clipboard(t, b), eval[string](t, b, `document.getElementById("`+id+`").textContent`)
	if copied != shown {
		t.Errorf("%s: copied\n%s\nbut the page shows\n%s", id, copied, shown)
	}
	return copied
}

// pastedHTML is a partner's page with code pasted into it.
var pastedHTML = template.Must(template.New("pasted").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Code collé</title></head>
<body><main style="max-width:760px;margin:0 auto"><h1>Un site partenaire</h1>
<div id="pasted">{{.}}</div>
<p>La suite de la page.</p></main></body></html>`))

// servePasted serves a partner's page for each code pasted, at /0, /1…
func servePasted(t *testing.T, codes ...string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil || i < 0 || i >= len(codes) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if strings.HasPrefix(codes[i], "<!DOCTYPE") { // a whole page: a WordPress post
			io.WriteString(w, codes[i])
			return
		}
		pastedHTML.Execute(w, template.HTML(codes[i]))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// widgetShows checks the widget in the frame that selector names: its
// theme, its language, and its layout (a carousel and no featured card).
func widgetShows(t *testing.T, b *browser, selector, theme, lang string) {
	t.Helper()
	waitFor(t, b, `document.querySelector(`+jsString(selector)+`) !== null`)
	inside := frame(t, b, selector)
	waitFor(t, inside, `document.readyState === "complete" && document.querySelectorAll(".card").length > 0`)
	got := eval[map[string]any](t, inside, `({theme: document.documentElement.dataset.theme, lang: document.documentElement.lang,
		carousel: document.querySelectorAll(".carousel").length, featured: document.querySelectorAll(".widget-featured").length})`)
	if got["theme"] != theme || got["lang"] != lang || got["carousel"] != 1.0 || got["featured"] != 0.0 {
		t.Errorf("%s: the widget shows %v, want theme %s, lang %s, a carousel alone", selector, got, theme, lang)
	}
}

// A partner pastes an article's address, changes the theme, the language
// and the layout, and copies each form of the code; pasted into a page
// of theirs, each shows the widget with those options, and the address
// for WordPress gets them from oEmbed.
func TestPublishBuilderWritesCodeThatWorks(t *testing.T) {
	p := startPartnerSite(t)
	b := newBrowser(t)
	allowClipboard(t, b, p.widget)
	b.run(t, chromedp.Navigate(p.widget+"/publish?lang=en"))
	startApp(t, b) // the builder's app starts on the partner's intent

	b.run(t, chromedp.SendKeys("#publish-article", p.widget+"/a/"+seedSlug), chromedp.KeyEvent(kb.Tab))
	waitFor(t, b, `document.getElementById("publish-code-script").textContent.includes('data-article="`+seedSlug+`"')`)
	choose(t, b, "theme", "dark")
	choose(t, b, "lang", "ar")
	choose(t, b, "layout", "carousel")
	waitFor(t, b, `document.getElementById("publish-code-script").textContent.includes('data-theme="dark" data-lang="ar" data-layout="carousel"')`)

	// The preview is the widget with these options, at each width, and
	// the plain frame's height is what the phone's measured.
	// The frames are the builder's origin's: their documents are at hand.
	tallest := 0
	for _, id := range []string{"publish-preview-320", "publish-preview-390", "publish-preview-desktop"} {
		doc := `document.getElementById("` + id + `").contentDocument`
		// The document in the frame is the one its new address names, not
		// the one before, still complete while the new one loads.
		frameNow := `(f => f.src.includes("theme=dark") && f.contentDocument !== null && f.contentDocument.location.href === f.src)(document.getElementById("` + id + `"))`
		waitFor(t, b, frameNow+` && `+doc+`.readyState === "complete" && `+doc+`.querySelectorAll(".card").length > 0`)
		got := eval[map[string]any](t, b, `(d => ({theme: d.documentElement.dataset.theme, lang: d.documentElement.lang,
			carousel: d.querySelectorAll(".carousel").length, featured: d.querySelectorAll(".widget-featured").length}))(`+doc+`)`)
		if got["theme"] != "dark" || got["lang"] != "ar" || got["carousel"] != 1.0 || got["featured"] != 0.0 {
			t.Errorf("%s: the preview shows %v, want theme dark, lang ar, a carousel alone", id, got)
		}
		// The frame takes the height its widget reports.
		fits := `Math.abs(document.getElementById("` + id + `").getBoundingClientRect().height - ` + doc + `.documentElement.getBoundingClientRect().height) <= 1`
		waitFor(t, b, fits)
		tallest = max(tallest, eval[int](t, b, `Math.ceil(`+doc+`.documentElement.getBoundingClientRect().height)`))
	}
	if width := eval[float64](t, b, `document.getElementById("publish-preview-320").getBoundingClientRect().width`); width != 320 {
		t.Errorf("the phone's preview is %.0f px wide", width)
	}
	waitFor(t, b, `document.getElementById("publish-code-iframe").textContent.includes('height="`+strconv.Itoa(tallest)+`"')`)

	const copied = "Copied to the clipboard."
	script := copyCode(t, b, "publish-code-script", copied)
	iframe := copyCode(t, b, "publish-code-iframe", copied)
	wpAddress := copyCode(t, b, "publish-code-wordpress", copied)
	if want := p.widget + "/a/" + seedSlug + "?lang=ar&layout=carousel&theme=dark"; wpAddress != want {
		t.Errorf("the WordPress address is %s, want %s", wpAddress, want)
	}

	// Pasted into a partner's pages.
	embed, err := p.wordpressEmbed(wpAddress)
	if err != nil {
		t.Fatalf("oEmbed for the address copied: %v", err)
	}
	var post strings.Builder
	if err := wordpressHTML.Execute(&post, wordpressPost{Embed: template.HTML(embed), Receiver: template.JS(wordpress.ReceiverScript)}); err != nil {
		t.Fatal(err)
	}
	pages := servePasted(t, script, iframe, post.String())
	b.run(t, chromedp.Navigate(pages+"/0"))
	waitFor(t, b, `document.querySelector("#pasted .kiosque-embed").dataset.kiosqueState === "ready"`)
	widgetShows(t, b, "#pasted .kiosque-embed iframe", "dark", "ar")
	b.run(t, chromedp.Navigate(pages+"/1"))
	widgetShows(t, b, "#pasted > iframe", "dark", "ar")
	if h := eval[float64](t, b, `document.querySelector("#pasted > iframe").getBoundingClientRect().height`); int(h) != tallest {
		t.Errorf("the plain frame is %.0f px high, want the %d px measured", h, tallest)
	}
	b.run(t, chromedp.Navigate(pages+"/2"))
	waitFor(t, b, `(() => { const f = document.querySelector("iframe.wp-embedded-content"); return f && !f.hasAttribute("style"); })()`)
	widgetShows(t, b, "iframe.wp-embedded-content", "dark", "ar")
}

// The builder reached and used with the keyboard alone: the article's
// field, a select changed with the arrow keys, and a copy button pressed
// with Enter, which says it has copied.
func TestPublishBuilderWorksWithTheKeyboardAlone(t *testing.T) {
	srv := startKiosque(t)
	b := newBrowser(t)
	allowClipboard(t, b, srv.URL)
	b.run(t, chromedp.Navigate(srv.URL+"/publish?lang=en"))
	waitFor(t, b, `document.readyState === "complete"`)
	for i := 0; i < 60 && !eval[bool](t, b, `document.activeElement && document.activeElement.id === "publish-article"`); i++ {
		b.run(t, chromedp.KeyEvent(kb.Tab))
	}
	if !eval[bool](t, b, `document.activeElement.id === "publish-article"`) {
		t.Fatal("Tab never reached the article's field")
	}
	b.run(t, chromedp.KeyEvent(srv.URL+"/a/"+seedSlug), chromedp.KeyEvent(kb.Tab)) // to the section
	b.run(t, chromedp.KeyEvent(kb.Tab))                                            // to the theme
	if id := eval[string](t, b, `document.activeElement.id`); id != "publish-theme" {
		t.Fatalf("focus on #%s, want #publish-theme", id)
	}
	before := eval[string](t, b, `document.activeElement.value`)
	b.run(t, chromedp.KeyEvent(kb.ArrowDown))
	waitFor(t, b, `document.activeElement.value !== `+jsString(before)+` && document.getElementById("publish-code-script").textContent.includes('data-theme="' + document.activeElement.value + '"')`)
	waitFor(t, b, `document.getElementById("publish-code-script").textContent.includes('data-article="`+seedSlug+`"')`)
	for i := 0; i < 60 && !eval[bool](t, b, `document.activeElement.matches('button[data-copy="publish-code-script"]')`); i++ {
		b.run(t, chromedp.KeyEvent(kb.Tab))
	}
	b.run(t, chromedp.KeyEvent(kb.Enter))
	waitFor(t, b, `document.getElementById("publish-code-script-status").textContent === "Copied to the clipboard."`)
	if got, want := clipboard(t, b), eval[string](t, b, `document.getElementById("publish-code-script").textContent`); got != want {
		t.Errorf("copied %q, want %q", got, want)
	}
}

// The builder, in each language, as served and once its app runs, passes
// axe-core's rules.
func TestPublishPassesAxe(t *testing.T) {
	axe := axeScript(t)
	srv := startKiosque(t)
	b := newBrowser(t)
	for _, path := range []string{"/publish?lang=fr", "/publish?lang=ar&theme=dark&article=" + seedSlug, "/publish?lang=en&radius=abc"} {
		b.run(t, chromedp.Navigate(srv.URL+path))
		waitFor(t, b, `document.readyState === "complete"`)
		checkAxe(t, b, axe, path+" (before its app)")
		startApp(t, b)
		checkAxe(t, b, axe, path)
	}
}

// The share button of an article's page: with the Web Share API, the
// share sheet gets the article's address and title; without it, the link
// is copied and the page says so. "Embed" opens the builder with the
// article chosen. Before the app starts (its wasm held back) and after.
func TestArticlePageSharesAndEmbeds(t *testing.T) {
	for _, withShare := range []bool{true, false} {
		name := map[bool]string{true: "share sheet", false: "copied link"}[withShare]
		t.Run(name, func(t *testing.T) {
			srv, release := startKiosqueHoldingWasm(t)
			b := newBrowser(t)
			allowClipboard(t, b, srv.URL)
			stub := `delete Navigator.prototype.share; delete navigator.share;`
			if withShare {
				stub = `window.shared = []; Navigator.prototype.share = function (d) { shared.push(d); return Promise.resolve(); };`
			}
			if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: stub}); err != nil {
				t.Fatal(err)
			}
			for _, when := range []string{"before its app", "with its app"} {
				b.run(t, chromedp.Navigate(srv.URL+"/a/"+seedSlug+"?lang=en"))
				waitFor(t, b, `document.readyState === "complete"`)
				title := eval[string](t, b, `document.querySelector(".article-title").textContent`)
				link := eval[string](t, b, `new URL(document.querySelector(".share-button").dataset.share, location.href).href`)
				if link == "" || title == "" {
					t.Fatal("no share button")
				}
				if when == "with its app" {
					release()
					startApp(t, b)
				}
				b.run(t, chromedp.Evaluate[chromedp.Void](`navigator.clipboard.writeText("")`, chromedp.EvalAwaitPromise))
				b.run(t, chromedp.Click(".share-button"))
				if withShare {
					waitFor(t, b, `window.shared.length === 1`)
					got := eval[map[string]string](t, b, `window.shared[0]`)
					if got["url"] != link || got["title"] != title {
						t.Errorf("%s: shared %v, want %s and %q", when, got, link, title)
					}
					if s := eval[string](t, b, `document.getElementById("share-status").textContent`); s != "" {
						t.Errorf("%s: the page says %q with the share sheet open", when, s)
					}
				} else {
					waitFor(t, b, `document.getElementById("share-status").textContent === "Link copied to the clipboard."`)
					if got := clipboard(t, b); got != link {
						t.Errorf("%s: copied %q, want %q", when, got, link)
					}
				}
				if when == "before its app" && eval[bool](t, b, appRunning) {
					t.Error("the app ran before its wasm was released")
				}
				// Embed: the builder, the article chosen.
				b.run(t, chromedp.Click(".embed-link"))
				waitFor(t, b, `location.pathname === "/publish" && document.getElementById("publish-code-script") !== null && document.getElementById("publish-code-script").textContent.includes('data-article="`+seedSlug+`"')`)
			}
		})
	}
}

// The address the builder copies for WordPress, pasted into a post of a
// real WordPress (make test-wordpress): the post shows the widget with
// the options chosen.
func TestWordPressPostOfTheBuildersAddress(t *testing.T) {
	widget, wp := startWordPressBesideKiosque(t)

	b := newBrowser(t)
	allowClipboard(t, b, widget)
	b.run(t, chromedp.Navigate(widget+"/publish?lang=en"))
	startApp(t, b)
	b.run(t, chromedp.SendKeys("#publish-article", widget+"/a/"+seedSlug), chromedp.KeyEvent(kb.Tab))
	choose(t, b, "theme", "dark")
	choose(t, b, "lang", "en")
	choose(t, b, "layout", "carousel")
	waitFor(t, b, `document.getElementById("publish-code-wordpress").textContent.includes("layout=carousel") && document.getElementById("publish-code-wordpress").textContent.includes("/a/`+seedSlug+`")`)
	address := copyCode(t, b, "publish-code-wordpress", "Copied to the clipboard.")

	post := wpPost{name: "the builder's address", url: wp.Post(t, "Un billet du générateur", classicPost(address)), theme: "dark", lang: "en"}
	if !checkEmbedded(t, wp, post, widget) {
		return
	}
	b.run(t, chromedp.Navigate(post.url))
	waitFor(t, b, `(() => { const f = document.querySelector("`+wpFrame+`"); return f && !f.hasAttribute("style"); })()`)
	widgetShows(t, b, wpFrame, "dark", "en")
}

// The service worker keeps the builder as it keeps the other pages: a
// builder opened online opens again offline, its code there.
func TestPublishOpensOffline(t *testing.T) {
	k, b := openInstalled(t)
	open(t, b, k.url()+"/publish?lang=en&article="+seedSlug)
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`caches.open("kiosque-pages").then(c => c.keys()).then(k => k.some(r => new URL(r.url).pathname === "/publish"))`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the builder was not kept: %v", err)
	}
	goOffline(t, b, k)
	b.run(t, chromedp.Navigate(k.url()+"/publish?lang=en&article="+seedSlug))
	waitFor(t, b, `document.readyState === "complete"`)
	if code := eval[string](t, b, `(document.getElementById("publish-code-script") || {}).textContent || ""`); !strings.Contains(code, `data-article="`+seedSlug+`"`) {
		t.Errorf("offline, the builder shows the code %q", code)
	}
}

// A choice made before the builder's app has started (its wasm held
// back) is not lost when the app takes the page over.
func TestPublishKeepsChoicesMadeBeforeItsApp(t *testing.T) {
	srv, release := startKiosqueHoldingWasm(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(srv.URL+"/publish?lang=en"))
	waitFor(t, b, `document.readyState === "complete"`)
	choose(t, b, "layout", "cards")
	if eval[bool](t, b, appRunning) {
		t.Fatal("the app runs with its wasm held back")
	}
	release()
	startApp(t, b)
	waitFor(t, b, `document.getElementById("publish-layout").value === "cards" && document.getElementById("publish-code-script").textContent.includes('data-layout="cards"')`)
}

// The builder's previews are the site framing its own widget: they count
// no view or click in the publisher's insights, where a partner's page
// does.
func TestPublishPreviewsCountNothing(t *testing.T) {
	s := startInsightsSite(t, replica.Insights{AdminToken: insightsToken})
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(s.widget+"/publish?article="+seedSlug))
	startApp(t, b)
	for _, id := range []string{"publish-preview-320", "publish-preview-390"} {
		waitFor(t, b, `document.getElementById("`+id+`").contentDocument.readyState === "complete"`)
	}
	// In view for the IAB's second, and more, for the previews to count
	// if they did.
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("publish-preview-320").scrollIntoView()`))
	time.Sleep(2 * time.Second)
	if events := s.beacons.events(); len(events) > 0 {
		t.Errorf("the builder's previews sent %v", events)
	}
	// A partner's page, meanwhile, counts.
	b.run(t, chromedp.Navigate(s.host+"/"))
	waitFor(t, b, `window.Kiosque !== undefined`)
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#held").scrollIntoView()`))
	waitFor(t, b, `document.querySelector("#held").dataset.kiosqueState === "ready"`)
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#held").scrollIntoView()`))
	s.waitCount(t, "placement|lecture|views", "1")
}

// Text typed into the builder before its app has started (its wasm held
// back) is still there once the app has taken the page over, and counts
// when the field is left. (The app's first render keeps it: this test
// passed before any change made for it, and guards it.)
func TestPublishKeepsTextTypedBeforeItsApp(t *testing.T) {
	srv, release := startKiosqueHoldingWasm(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(srv.URL+"/publish?lang=en"))
	waitFor(t, b, `document.readyState === "complete"`)
	b.run(t, chromedp.SendKeys("#publish-placement", "sidebar"))
	if eval[bool](t, b, appRunning) {
		t.Fatal("the app runs with its wasm held back")
	}
	release()
	waitFor(t, b, appRunning)
	if got := eval[string](t, b, `document.getElementById("publish-placement").value`); got != "sidebar" {
		t.Fatalf("once the app runs, the field holds %q", got)
	}
	b.run(t, chromedp.Focus("#publish-placement"), chromedp.KeyEvent(kb.Tab))
	waitFor(t, b, `document.getElementById("publish-code-script").textContent.includes('data-placement="sidebar"')`)
}

// The look the builder offers reaches its preview frames, as the frame
// takes it from the fragment (app/server/look.js), and the plain frame's
// code carries it the same way.
func TestPublishLookReachesThePreview(t *testing.T) {
	srv := startKiosque(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(srv.URL+"/publish?lang=en&article="+seedSlug+"&accent=%230a58ca&font=Georgia,+serif&radius=8"))
	doc := `document.getElementById("publish-preview-390").contentDocument`
	waitFor(t, b, doc+`.readyState === "complete" && `+doc+`.querySelectorAll(".card").length > 0`)
	got := eval[map[string]string](t, b, `(d => ({accent: getComputedStyle(d.documentElement).getPropertyValue("--look-accent").trim(),
		font: getComputedStyle(d.querySelector(".card-title")).fontFamily, radius: getComputedStyle(d.querySelector(".card")).borderTopLeftRadius}))(`+doc+`)`)
	if got["accent"] != "#0a58ca" || !strings.HasPrefix(got["font"], "Georgia") || got["radius"] != "8px" {
		t.Errorf("the preview's look: %v, want accent #0a58ca, Georgia, 8px", got)
	}
	if code := eval[string](t, b, `document.getElementById("publish-code-iframe").textContent`); !strings.Contains(code, "#accent=%230a58ca&amp;font=Georgia%2C+serif&amp;radius=8") {
		t.Errorf("the plain frame's code %s", code)
	}
}

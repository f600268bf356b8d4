package browsertest

// Kiosque's URLs pasted into posts on a real WordPress (Debian's package,
// app/wptest), looked at in Chromium as readers would. Opt-in, as it needs
// WordPress, MariaDB and PHP: make test-wordpress.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/kiosque/kiosque/app/wptest"
)

// WordPress asks providers for maxwidth=500 and maxheight=750 when the
// theme sets no content width (wp_embed_defaults), as Twenty Twenty-Three,
// Debian's default theme, does not; and it clamps frames to 200-1000 px.
const (
	wpMaxWidth  = 500
	wpMaxHeight = 750
)

// The widths a post is read at: two phones and a desktop.
var wpViewports = []struct{ width, height int64 }{{320, 568}, {390, 844}, {1280, 800}}

const wpFrame = "iframe.wp-embedded-content"

// wpPost is a post of the test site, and what its widget must show.
type wpPost struct {
	name, url      string
	theme, lang    string // the widget's
	heading        string // the carousel's heading, in the widget's language
	article        string // where its featured card leads
	viewports      []int  // indexes in wpViewports it is read at
	measureLayouts bool   // hold its layout shift to clsLimit
	block          bool   // made in the block editor
}

// startWordPressBesideKiosque starts Kiosque with the sample and a real
// WordPress that may fetch from it, and returns the widget's origin (on
// localhost, another site than WordPress's to the browser) and WordPress.
// Without KIOSQUE_WORDPRESS=1 (make test-wordpress) the test is skipped.
func startWordPressBesideKiosque(t *testing.T) (widget string, wp *wptest.Site) {
	t.Helper()
	if os.Getenv(wptest.Env) == "" {
		t.Skipf("the WordPress tests run with %s=1 (make test-wordpress)", wptest.Env)
	}
	kiosque := startKiosque(t)
	widget = strings.Replace(kiosque.URL, "127.0.0.1", "localhost", 1)
	return widget, wptest.Start(t, wptest.Options{Trusted: mustHost(t, widget)})
}

func TestWordPressPosts(t *testing.T) {
	widget, wp := startWordPressBesideKiosque(t)
	arabic := arabicSlug(t)
	article := widget + "/a/" + seedSlug

	posts := []wpPost{
		{name: "classic", url: wp.Post(t, "Un billet classique", classicPost(article)),
			theme: "light", lang: "fr", heading: "Vous aimerez aussi", article: article, viewports: []int{0, 1, 2}, measureLayouts: true},
		{name: "block", url: wp.Post(t, "Un billet en blocs", blockPost(t, widget, article)),
			theme: "light", lang: "fr", heading: "Vous aimerez aussi", article: article, viewports: []int{0, 1, 2}, measureLayouts: true, block: true},
		// Options pasted with the URL: on the article's page, and on the
		// widget's own address.
		{name: "classic, options on /a/", url: wp.Post(t, "Un billet sombre", classicPost(article+"?theme=dark&lang=en&layout=both")),
			theme: "dark", lang: "en", heading: "You may also like", article: article, viewports: []int{1}},
		{name: "block, /embed URL", url: wp.Post(t, "Un billet en arabe", blockPost(t, widget, widget+"/embed?article="+arabic+"&theme=dark")),
			theme: "dark", lang: "ar", heading: "قد يعجبك أيضا", article: widget + "/a/" + arabic, viewports: []int{0}, block: true},
	}
	for _, post := range posts {
		if !checkEmbedded(t, wp, post, widget) {
			continue
		}
		for _, v := range post.viewports {
			vp := wpViewports[v]
			t.Run(fmt.Sprintf("%s at %dpx", post.name, vp.width), func(t *testing.T) {
				readWordPressPost(t, post, vp.width, vp.height, widget)
			})
		}
	}
}

// classicPost is a post of the classic editor: the URL alone on its line
// between two paragraphs, as the editor saves it (& escaped).
func classicPost(pasted string) string {
	return "Un paragraphe avant le widget, qui occupe la largeur de la colonne pour que tout déplacement se voie.\n\n" +
		html.EscapeString(pasted) + "\n\n" +
		"Un paragraphe après le widget. Il ne doit pas sauter quand le cadre prend la place de la citation de repli.\n\n" +
		"Encore un paragraphe, pour que la page continue sous le widget."
}

// blockPost is a post of the block editor: a paragraph, the embed block
// as the editor saves it for a WordPress-style embed, and two paragraphs.
func blockPost(t *testing.T, widget, pasted string) string {
	t.Helper()
	answer := editorPreview(t, widget, pasted)
	slug := providerSlug(answer.ProviderName)
	attrs := map[string]any{"url": pasted, "type": "wp-embed", "providerNameSlug": slug}
	class := "wp-block-embed is-type-wp-embed is-provider-" + slug + " wp-block-embed-" + slug
	if aspect := editorAspectClasses(answer.HTML); aspect != "" {
		attrs["className"] = aspect
		class += " " + aspect
	}
	paragraph := func(text string) string {
		return "<!-- wp:paragraph -->\n<p>" + text + "</p>\n<!-- /wp:paragraph -->\n\n"
	}
	return paragraph("Un paragraphe avant le widget, qui occupe la largeur de la colonne pour que tout déplacement se voie.") +
		"<!-- wp:embed " + blockJSON(attrs) + " -->\n" +
		`<figure class="` + class + `"><div class="wp-block-embed__wrapper">` + "\n" + html.EscapeString(pasted) + "\n</div></figure>\n" +
		"<!-- /wp:embed -->\n\n" +
		paragraph("Un paragraphe après le widget. Il ne doit pas sauter quand le cadre prend la place de la citation de repli.") +
		paragraph("Encore un paragraphe, pour que la page continue sous le widget.")
}

// blockJSON writes a block's attributes as the editor does
// (serializeAttributes): JSON with -- < > & and quotes escaped.
func blockJSON(attrs map[string]any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true) // < > & as \u003c \u003e \u0026
	enc.Encode(attrs)
	s := strings.TrimSpace(b.String())
	s = strings.ReplaceAll(s, "--", `\u002d\u002d`)
	return s
}

// oembedAnswer is the part of an oEmbed answer the editor reads.
type oembedAnswer struct {
	HTML         string `json:"html"`
	ProviderName string `json:"provider_name"`
	Height       int    `json:"height"`
}

// editorPreview is the oEmbed answer the block editor gets for a pasted
// URL, through WordPress's proxy, which asks with the site's defaults.
func editorPreview(t *testing.T, widget, pasted string) oembedAnswer {
	t.Helper()
	q := url.Values{"url": {pasted}, "maxwidth": {fmt.Sprint(wpMaxWidth)}, "maxheight": {fmt.Sprint(wpMaxHeight)}, "format": {"json"}}
	res, err := http.Get(widget + "/oembed?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var a oembedAnswer
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("oEmbed for %s: %s (%v)", pasted, res.Status, err)
	}
	return a
}

// providerSlug is the editor's providerNameSlug: the provider's name in
// kebab case, accents dropped.
func providerSlug(name string) string {
	name = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "à", "a", "ç", "c", "ô", "o", "î", "i", "û", "u").Replace(strings.ToLower(name))
	return strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(name, "-"), "-")
}

// editorAspectClasses are the classes the block editor gives an embed
// whose frame has a fixed aspect ratio (getClassNames in its embed
// block): the frame's width over its height, compared as the strings
// toFixed(2) makes with each known ratio, widest first. A frame the
// editor takes for a video is then drawn at that ratio, whatever its
// content's height.
func editorAspectClasses(oembedHTML string) string {
	width := regexp.MustCompile(`<iframe[^>]* width="([^"]*)"`).FindStringSubmatch(oembedHTML)
	height := regexp.MustCompile(`<iframe[^>]* height="([^"]*)"`).FindStringSubmatch(oembedHTML)
	if width == nil || height == nil || width[1] == "" || height[1] == "" {
		return ""
	}
	// JavaScript divides the attributes' strings: "100%" / 750 is NaN.
	ratio := "NaN"
	w, errW := strconv.ParseFloat(width[1], 64)
	h, errH := strconv.ParseFloat(height[1], 64)
	if errW == nil && errH == nil && h != 0 {
		ratio = strconv.FormatFloat(w/h, 'f', 2, 64)
	}
	for _, r := range []struct{ ratio, class string }{
		{"2.33", "wp-embed-aspect-21-9"}, {"2.00", "wp-embed-aspect-18-9"}, {"1.78", "wp-embed-aspect-16-9"},
		{"1.33", "wp-embed-aspect-4-3"}, {"1.00", "wp-embed-aspect-1-1"}, {"0.56", "wp-embed-aspect-9-16"}, {"0.50", "wp-embed-aspect-1-2"},
	} {
		if ratio >= r.ratio { // strings compared, as in the editor: "NaN" passes
			a, _ := strconv.ParseFloat(ratio, 64)
			b, _ := strconv.ParseFloat(r.ratio, 64)
			if a-b > 0.1 {
				return ""
			}
			return r.class + " wp-has-aspect-ratio"
		}
	}
	return ""
}

// checkEmbedded checks what WordPress put in the post's HTML: a quote and
// a sandboxed frame of the widget, with the options pasted.
func checkEmbedded(t *testing.T, wp *wptest.Site, post wpPost, widget string) bool {
	t.Helper()
	res, err := http.Get(post.url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	frame := regexp.MustCompile(`<iframe class="wp-embedded-content"[^>]*>`).Find(body)
	if frame == nil {
		t.Errorf("%s: WordPress did not embed the widget; the post shows:\n%s%s", post.name, entryContent(body), wp.Log())
		return false
	}
	src := regexp.MustCompile(` src="([^"]*)"`).FindSubmatch(frame)
	if src == nil || !strings.HasPrefix(html.UnescapeString(string(src[1])), widget+"/embed?") {
		t.Errorf("%s: the frame %s is not Kiosque's widget", post.name, frame)
		return false
	}
	u, _ := url.Parse(html.UnescapeString(string(src[1])))
	if theme := u.Query().Get("theme"); post.theme == "dark" && theme != "dark" {
		t.Errorf("%s: the frame %s dropped the pasted theme", post.name, u)
	}
	t.Logf("%s: WordPress embeds %s", post.name, frame)
	return true
}

// entryContent is the post's content in a page of the site.
func entryContent(page []byte) string {
	if i := bytes.Index(page, []byte(`entry-content`)); i >= 0 {
		page = page[i:]
	}
	if i := bytes.Index(page, []byte(`</main>`)); i >= 0 {
		page = page[:i]
	}
	return string(page[:min(len(page), 3000)])
}

// hostShifts records the layout shifts of the post's page from its start.
const hostShifts = `window.kiosqueShifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) {
    if (!e.hadRecentInput) kiosqueShifts.push({value: e.value, at: e.startTime, sources: e.sources.map(function (s) {
      var n = s.node, name = n ? (n.nodeName + (n.className && n.className.baseVal === undefined ? "." + String(n.className).split(" ")[0] : "")) : "?";
      return name + " y " + Math.round(s.previousRect.y) + "→" + Math.round(s.currentRect.y) + " h " + Math.round(s.previousRect.height) + "→" + Math.round(s.currentRect.height);
    })});
  });
}).observe({type: "layout-shift", buffered: true});
// The fallback quote's height, before the frame takes its place.
document.addEventListener("DOMContentLoaded", function () {
  var q = document.querySelector("blockquote.wp-embedded-content");
  window.kiosqueQuote = q ? Math.round(q.getBoundingClientRect().height) : 0;
});`

// readWordPressPost opens the post at a width, as a reader whose system
// is in dark mode and whose browser speaks Arabic: neither may leak into
// the widget.
func readWordPressPost(t *testing.T, post wpPost, width, height int64, widget string) {
	b := newBrowser(t, chromedp.Flag("lang", "ar"), chromedp.WindowSize(int(width), int(height)))
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}, {Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, script := range []string{hostShifts, heightMessages} {
		if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script}); err != nil {
			t.Fatal(err)
		}
	}
	b.run(t, chromedp.EmulateViewport(width, height), chromedp.Navigate(post.url))

	// WordPress shows the frame once it has had a message with its secret.
	waitFor(t, b, `(() => { const f = document.querySelector("`+wpFrame+`"); return f && !f.hasAttribute("style"); })()`)
	inside := frame(t, b, wpFrame)
	waitFor(t, inside, `document.readyState === "complete" && Array.from(document.images).every(i => i.complete || i.loading === "lazy")`)
	height1 := frameFits(t, b, inside, wpFrame)
	time.Sleep(time.Second) // late shifts, late heights
	frameHeight := frameFits(t, b, inside, wpFrame)
	if frameHeight > wpMaxHeight {
		t.Errorf("the frame is %.0f px high, over the maxheight=%d WordPress asked for", frameHeight, wpMaxHeight)
	}
	if math.Abs(height1-frameHeight) > 2 {
		t.Logf("the frame went from %.0f to %.0f px after it was shown", height1, frameHeight)
	}
	if eval[bool](t, b, `getComputedStyle(document.querySelector("blockquote.wp-embedded-content")).display !== "none"`) {
		t.Error("the fallback quote still shows beside the frame")
	}

	// Fits the column: no sideways scrolling.
	overflow := eval[float64](t, b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
	frameWidth := eval[float64](t, b, `document.querySelector("`+wpFrame+`").getBoundingClientRect().width`)
	if overflow > 0 {
		t.Errorf("the page scrolls sideways by %.0f px (frame %.0f px wide, window %d)", overflow, frameWidth, width)
	}

	// Hardly any jump.
	inside.run(t, chromedp.Evaluate[chromedp.Void](`parent.postMessage({kiosqueProbe: 1}, "*")`))
	waitFor(t, b, `kiosqueProbes === 1`)
	heights := eval[[]float64](t, b, `kiosqueHeights`)
	cls := eval[float64](t, b, `kiosqueShifts.reduce((sum, s) => sum + s.value, 0)`)
	t.Logf("MEASURE %s width=%d frame=%.0fx%.0f quote=%d maxheight=%d overflow=%.0f heights=%v cls=%.4f shifts=%s",
		post.name, width, frameWidth, frameHeight, eval[int](t, b, `window.kiosqueQuote`), wpMaxHeight, max(0, overflow), heights, cls,
		eval[string](t, b, `JSON.stringify(kiosqueShifts.map(s => [+s.value.toFixed(4), Math.round(s.at), s.sources]))`))
	if limit := clsLimit(post, width); cls > limit {
		t.Errorf("cumulative layout shift %.3f, want at most %.2f", cls, limit)
	}
	// WordPress shows the frame at the first height it is told. In a block
	// post, the frame it hides is as wide as the one it shows (the embed's
	// wrapper is positioned): that first height is the frame's. In a
	// classic post, the hidden frame is as wide as the page, not the
	// column, and the widget's height there may differ by a few pixels.
	if post.block && (len(heights) == 0 || math.Abs(heights[0]-frameHeight) > 1) {
		t.Errorf("the frame told heights %v: its first is not its height, %.0f px", heights, frameHeight)
	}

	// Seen, in the widget's theme and language, on no box of its own.
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("`+wpFrame+`").scrollIntoView({block: "start"})`))
	visible := eval[bool](t, b, `(() => { const r = document.querySelector("`+wpFrame+`").getBoundingClientRect();
		return r.width > 200 && r.height >= 200 && r.top < innerHeight && r.bottom > 0; })()`)
	if !visible {
		t.Error("the frame is not in view")
	}
	if n := eval[int](t, inside, `document.querySelectorAll(".card").length`); n < 2 {
		t.Errorf("the frame shows %d cards", n)
	}
	got := eval[map[string]string](t, inside, `(() => ({
		theme: document.documentElement.dataset.theme, lang: document.documentElement.lang,
		heading: (document.querySelector(".carousel-heading") || {}).textContent || "",
		background: getComputedStyle(document.documentElement).backgroundColor + " " + getComputedStyle(document.body).backgroundColor }))()`)
	if got["theme"] != post.theme || got["lang"] != post.lang || got["heading"] != post.heading {
		t.Errorf("the widget shows theme %q, language %q, heading %q; want %q, %q, %q", got["theme"], got["lang"], got["heading"], post.theme, post.lang, post.heading)
	}
	if got["background"] != "rgba(0, 0, 0, 0) rgba(0, 0, 0, 0)" {
		t.Errorf("the frame's document has a background (html, body: %s)", got["background"])
	}
	checkNoBox(t, b, wpFrame)

	if dir := os.Getenv("KIOSQUE_WORDPRESS_SHOTS"); dir != "" {
		shot, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", strings.NewReplacer(" ", "-", ",", "", "/", "").Replace(post.name), width)), shot, 0o644)
		}
		if err != nil {
			t.Error(err)
		}
	}

	// Silent on the page's console, before and after its app starts.
	errors := consoleErrors(t, inside)
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("`+wpFrame+`").scrollIntoView({block: "start"})`))
	pointInFrame(t, b, inside, wpFrame, ".card")
	waitFor(t, inside, appRunning)
	time.Sleep(500 * time.Millisecond)
	// The app, once running, keeps the widget's language and theme.
	again := eval[map[string]string](t, inside, `(() => ({theme: document.querySelector("#kiosque").dataset.theme,
		lang: document.querySelector("#kiosque").lang, heading: (document.querySelector(".carousel-heading") || {}).textContent || ""}))()`)
	if again["theme"] != post.theme || again["lang"] != post.lang || again["heading"] != post.heading {
		t.Errorf("once the app runs, the widget shows theme %q, language %q, heading %q; want %q, %q, %q",
			again["theme"], again["lang"], again["heading"], post.theme, post.lang, post.heading)
	}
	if errs := errors(); len(errs) > 0 {
		t.Errorf("the frame wrote errors on the console:\n%s", strings.Join(errs, "\n"))
	}
	if after := frameFits(t, b, inside, wpFrame); after > wpMaxHeight {
		t.Errorf("once the app runs, the frame is %.0f px high, over maxheight=%d", after, wpMaxHeight)
	}

	// A card opens its article in the reader's window.
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("`+wpFrame+`").scrollIntoView({block: "start"})`))
	clickInFrame(t, b, inside, wpFrame, ".card")
	waitLocation(t, b, post.article)
}

// clsLimit is the most layout shift a post may have at a width: 0.1, a
// good score. But for a block post read on a phone with the widget in
// view: there the frame, hidden (clipped) below the fallback quote in the
// embed block's positioned wrapper, counts as moving up by the quote's
// height when WordPress shows it, and the text under it moves by the
// frame's height less the quote's. Whatever the quote, something in view
// moves by about half the frame's height: 0.19 at 390 px and 0.21 at
// 320 px for a frame of about 500 px (the best measured, with the title
// and excerpt as fallback; 0.58 and 0.32 with a one-line fallback and
// the full widget). The limit there keeps it from getting worse.
func clsLimit(post wpPost, width int64) float64 {
	switch {
	case !post.measureLayouts:
		return math.Inf(1) // reported only
	case post.block && width < 600:
		return 0.25
	}
	return 0.1
}

// checkNoBox compares, on a screenshot, the page just above a frame with
// the frame's padding just inside it: the same colour, or the browser
// painted a box behind the frame (a frame whose colour scheme differs
// from the page's gets an opaque one).
func checkNoBox(t *testing.T, b *browser, frame string) {
	t.Helper()
	b.run(t, chromedp.Evaluate[chromedp.Void](`scrollBy(0, document.querySelector(`+jsString(frame)+`).getBoundingClientRect().top - 100)`))
	at := eval[map[string]float64](t, b, `(() => { const r = document.querySelector(`+jsString(frame)+`).getBoundingClientRect();
		return {x: r.left + 3, y: r.top + 3, dpr: devicePixelRatio}; })()`)
	shot, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	pixel := func(x, y float64) [3]uint32 {
		r, g, bl, _ := img.At(int(x*at["dpr"]), int(y*at["dpr"])).RGBA()
		return [3]uint32{r >> 8, g >> 8, bl >> 8}
	}
	around := pixel(at["x"], max(0, at["y"]-8))
	inFrame := pixel(at["x"], at["y"])
	if around != inFrame {
		t.Errorf("%s: the frame's corner is rgb%v on a page of rgb%v: a box behind the widget", frame, inFrame, around)
	}
}

// consoleErrors reloads the frame with its console watched (the frame is
// a target of its own, attached once it runs), and returns what reads
// the errors written since: exceptions, console.error, and the browser's
// own errors (a refused service worker, a blocked request).
func consoleErrors(t *testing.T, inside *browser) func() []string {
	t.Helper()
	var mu sync.Mutex
	var errs []string
	chromedp.Listen(inside.ctx, func(ev any) {
		var line string
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			line = "exception: " + e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				line += " " + e.ExceptionDetails.Exception.Description
			}
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				line = "console.error: " + strings.Join(parts, " ")
			}
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				line = "browser: " + e.Entry.Text + " " + e.Entry.URL
			}
		}
		if line != "" {
			mu.Lock()
			errs = append(errs, line)
			mu.Unlock()
		}
	})
	if _, err := chromedp.Call(inside.ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(inside.ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	// The watch sees errors: one written on purpose is read, and left out.
	const probe = "kiosque: a probe of the console watch"
	inside.run(t, chromedp.Evaluate[chromedp.Void](`console.error(`+jsString(probe)+`)`))
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		seen := slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, probe) })
		errs = slices.DeleteFunc(errs, func(e string) bool { return strings.Contains(e, probe) })
		mu.Unlock()
		if seen {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the console watch did not see an error written on purpose")
		}
	}
	inside.run(t, chromedp.Evaluate[chromedp.Void](`window.kiosqueBeforeReload = true; location.reload()`))
	waitFor(t, inside, `!window.kiosqueBeforeReload && document.readyState === "complete"`)
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

package browsertest

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

func TestEmbedLoadsNearTheViewportAndFitsItsContent(t *testing.T) {
	p := startPartnerSite(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(p.host+"/page/long"))
	waitFor(t, b, `window.Kiosque && document.querySelector("#first").style.minHeight !== ""`)

	// Far from the viewport: the fallback only, with its height reserved.
	if n := eval[int](t, b, `document.querySelectorAll("iframe").length`); n != 0 {
		t.Fatalf("%d frames before the widgets came near", n)
	}
	reserved := eval[float64](t, b, `document.querySelector("#first").getBoundingClientRect().height`)
	if reserved < 400 {
		t.Errorf("the first container reserves %.0f px before its frame loads", reserved)
	}
	b.run(t, chromedp.Evaluate[chromedp.Void](`scrollTo(0, document.querySelector("#first").offsetTop - innerHeight - 500)`))
	time.Sleep(300 * time.Millisecond)
	if n := eval[int](t, b, `document.querySelectorAll("iframe").length`); n != 0 {
		t.Fatalf("%d frames with the first widget 500 px below the view", n)
	}

	// Near it: the frame is made, and swapped in before it is reached.
	b.run(t, chromedp.Evaluate[chromedp.Void](`scrollTo(0, document.querySelector("#first").offsetTop - innerHeight - 100)`))
	waitFor(t, b, `document.querySelector("#first iframe") !== null`)
	if n := eval[int](t, b, `document.querySelectorAll("#second iframe").length`); n != 0 {
		t.Errorf("the second widget, far below, has a frame already")
	}
	attrs := eval[map[string]string](t, b, `(() => { const f = document.querySelector("#first iframe");
		return {title: f.title, loading: f.loading, referrerpolicy: f.referrerPolicy, src: f.src}; })()`)
	if attrs["title"] == "" || attrs["loading"] != "lazy" || attrs["referrerpolicy"] == "" || !strings.HasPrefix(attrs["src"], p.widget+"/embed?article="+seedSlug) {
		t.Errorf("frame attributes: %v", attrs)
	}
	waitFor(t, b, `document.querySelector("#first").dataset.kiosqueState === "ready"`)

	if src := eval[string](t, b, `document.querySelector("#first iframe").src`); !strings.Contains(src, "lang=fr") {
		t.Errorf("the frame %s does not speak the page's language (html lang=fr)", src)
	}

	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#first").scrollIntoView()`))
	first := frame(t, b, "#first iframe")
	cardsVisible(t, b, first, "first")
	frameFits(t, b, first, "#first iframe")
	// A reader who only reads never loads the app.
	time.Sleep(time.Second)
	if loaded := appFilesLoaded(t, first); len(loaded) > 0 || eval[bool](t, first, appRunning) {
		t.Errorf("the widget loaded its app with no intent from the reader: %v", loaded)
	}
	// The pointer over it: the app takes over, and the frame still fits.
	pointInFrame(t, b, first, "#first iframe", ".carousel")
	waitFor(t, first, appRunning)
	wide := frameFits(t, b, first, "#first iframe")

	// Straight to the second widget: made and swapped in while in view.
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#second").scrollIntoView()`))
	waitFor(t, b, `document.querySelector("#second").dataset.kiosqueState === "ready"`)
	second := frame(t, b, "#second iframe")
	cardsVisible(t, b, second, "second")
	frameFits(t, b, second, "#second iframe")

	time.Sleep(500 * time.Millisecond) // late shifts
	cls := eval[float64](t, b, `shifts.reduce((a, b) => a + b, 0)`)
	t.Logf("cumulative layout shift of the partner's page: %.4f", cls)
	if cls > 0.1 {
		t.Errorf("cumulative layout shift %.3f, want at most 0.1 (shifts %v)", cls, eval[[]float64](t, b, `shifts`))
	}
	// The measure sees shifts: one made on purpose counts (and is taken back).
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#second").insertAdjacentHTML("afterend", '<div id="shift" style="height:200px"></div>')`))
	waitFor(t, b, fmt.Sprintf(`shifts.reduce((a, b) => a + b, 0) > %f`, cls+0.01))
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("#shift").remove()`))

	// A narrower window: the widget stacks its featured card, and grows.
	b.run(t, chromedp.EmulateViewport(420, 1000), chromedp.Evaluate[chromedp.Void](`document.querySelector("#first").scrollIntoView()`))
	waitFor(t, first, `innerWidth < 420`)
	var narrow float64
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if narrow = frameFits(t, b, first, "#first iframe"); narrow > wide+50 {
			break
		}
	}
	if narrow <= wide+50 {
		t.Errorf("after narrowing the window the frame is %.0f px high, was %.0f: it did not follow its content", narrow, wide)
	}
	frameFits(t, b, second, "#second iframe")
}

func TestEmbedIgnoresHeightsFromOtherWindows(t *testing.T) {
	p := startPartnerSite(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(p.host+"/page/two"))
	waitFor(t, b, `document.querySelectorAll("[data-kiosque-state=ready]").length === 2`)
	first, second := frame(t, b, "#first iframe"), frame(t, b, "#second iframe")
	id := eval[string](t, b, `new URLSearchParams(new URL(document.querySelector("#first iframe").src).hash.slice(1)).get("kiosque")`)
	height := frameFits(t, b, first, "#first iframe")
	const spoofed = 1234

	spoofs := 0
	unchanged := func(what string) {
		t.Helper()
		spoofs++
		waitFor(t, b, fmt.Sprintf(`spoofsDone >= %d`, spoofs))
		if got := eval[float64](t, b, `document.querySelector("#first iframe").getBoundingClientRect().height`); got != height {
			t.Errorf("%s: the frame went from %.0f to %.0f px", what, height, got)
		}
	}
	post := fmt.Sprintf(`parent.postMessage({type: "kiosque:resize", version: 1, id: %s, height: %d}, "*");
		parent.postMessage({type: "spoof:done"}, "*")`, jsString(id), spoofed)
	spoofPage := fmt.Sprintf("%s/spoof.html?id=%s&height=%d", p.other, id, spoofed)

	// A frame of another origin, naming the widget's frame.
	b.run(t, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.createElement("iframe"); f.src = `+jsString(spoofPage)+`; document.body.append(f); })()`))
	unchanged("a message from another origin")

	// Another window of the widget's origin: the other widget's frame.
	second.run(t, chromedp.Evaluate[chromedp.Void](post))
	unchanged("a message from the other widget's frame")

	// The frame itself may: the check above could have seen a change.
	first.run(t, chromedp.Evaluate[chromedp.Void](post))
	spoofs++
	waitFor(t, b, fmt.Sprintf(`spoofsDone >= %d`, spoofs))
	if got := eval[float64](t, b, `document.querySelector("#first iframe").getBoundingClientRect().height`); got != spoofed {
		t.Fatalf("the frame's own message left it at %.0f px, want %d", got, spoofed)
	}
	height = spoofed

	// The frame, navigated to another origin: its window, not the widget.
	first.run(t, chromedp.Evaluate[chromedp.Void](`location.href = `+jsString(strings.Replace(spoofPage, "height=1234", "height=555", 1))))
	unchanged("a message from the frame's window once on another origin")
}

func TestEmbedOptionsAndLateContainers(t *testing.T) {
	p := startPartnerSite(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(p.host+"/page/two"))
	waitFor(t, b, `document.querySelectorAll("[data-kiosque-state=ready]").length === 2`)

	// The page's <meta> defaults, and a container's attribute over them.
	for _, tc := range []struct{ box, theme string }{{"first", "dark"}, {"second", "light"}} {
		src, err := url.Parse(eval[string](t, b, `document.querySelector("#`+tc.box+` iframe").src`))
		if err != nil {
			t.Fatal(err)
		}
		if q := src.Query(); q.Get("theme") != tc.theme || q.Get("limit") != "3" {
			t.Errorf("%s: frame options %v, want theme=%s and the page's limit=3", tc.box, q, tc.theme)
		}
		if theme := eval[string](t, frame(t, b, "#"+tc.box+" iframe"), `document.documentElement.dataset.theme`); theme != tc.theme {
			t.Errorf("%s: the widget shows the %s theme, want %s", tc.box, theme, tc.theme)
		}
	}

	// A single-page app adds a container, and the loader a second time.
	b.run(t, chromedp.Evaluate[chromedp.Void](`(() => {
		const box = document.createElement("div");
		box.className = "kiosque-embed"; box.id = "later";
		box.dataset.category = "sport"; box.dataset.layout = "cards"; box.dataset.limit = "2";
		box.innerHTML = '<a href="/">Sport</a>';
		document.querySelector("main").prepend(box);
		const again = document.createElement("script");
		again.src = document.querySelector("script[src$='/embed.js']").src;
		again.onload = () => { window.loadedAgain = true; };
		document.body.append(again);
	})()`))
	waitFor(t, b, `document.querySelector("#later").dataset.kiosqueState === "ready"`)
	later := frame(t, b, "#later iframe")
	if n := eval[int](t, later, `document.querySelectorAll(".card").length`); n != 2 {
		t.Errorf("the added widget shows %d cards, want data-limit=2", n)
	}
	waitFor(t, b, `window.loadedAgain === true`)
	b.run(t, chromedp.Evaluate[chromedp.Void](`Kiosque.load()`))
	time.Sleep(300 * time.Millisecond)
	if got := eval[[]int](t, b, `Array.from(document.querySelectorAll(".kiosque-embed")).map(b => b.querySelectorAll("iframe").length)`); !slices.Equal(got, []int{1, 1, 1}) {
		t.Errorf("frames per container %v, want one each", got)
	}
}

// The widget's frame shows the page through, even on a page that says a
// colour scheme its root does not (browsers paint an opaque box behind
// such a frame): here a light widget on a dark page.
func TestEmbedFrameHasNoBoxOnADarkPage(t *testing.T) {
	p := startPartnerSite(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(p.host+"/page/dark"))
	waitFor(t, b, `document.querySelector("#second").dataset.kiosqueState === "ready"`)
	inside := frame(t, b, "#second iframe")
	if bg := eval[string](t, inside, `getComputedStyle(document.body).backgroundColor`); bg != "rgba(0, 0, 0, 0)" {
		t.Errorf("the widget's body has a background: %s", bg)
	}
	checkNoBox(t, b, "#second iframe")
}

func TestEmbedInAWordPressPost(t *testing.T) {
	p := startPartnerSite(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(p.host+"/wordpress"))
	const wpFrame = "iframe.wp-embedded-content"
	if eval[string](t, b, `document.querySelector("`+wpFrame+`").getAttribute("sandbox")`) != "allow-scripts" {
		t.Fatal("the frame is not sandboxed as WordPress does")
	}
	// WordPress shows the frame once it has posted its height with the secret.
	waitFor(t, b, `!document.querySelector("`+wpFrame+`").hasAttribute("style")`)
	inside := frame(t, b, wpFrame)
	// The reader's pointer comes over the widget: its app starts, sandbox
	// and all.
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("`+wpFrame+`").scrollIntoView()`))
	pointInFrame(t, b, inside, wpFrame, ".carousel")
	waitFor(t, inside, appRunning)
	if origin := eval[string](t, inside, `self.origin`); origin != "null" {
		t.Errorf("the frame's origin is %q, want the opaque null of a sandbox", origin)
	}
	if eval[bool](t, b, `getComputedStyle(document.querySelector("blockquote.wp-embedded-content")).display !== "none"`) {
		t.Error("the fallback quote still shows")
	}
	cards := eval[int](t, inside, `document.querySelectorAll(".card").length`)
	if cards < 3 {
		t.Errorf("the frame shows %d cards", cards)
	}
	doc := eval[float64](t, inside, documentHeight)
	want := math.Min(1000, math.Max(200, doc))
	var got float64
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = eval[float64](t, b, `document.querySelector("`+wpFrame+`").getBoundingClientRect().height`); math.Abs(got-want) <= 2 {
			break
		}
	}
	if math.Abs(got-want) > 2 {
		t.Errorf("the frame is %.0f px high for a document of %.0f px, want %.0f", got, doc, want)
	}

	// A card: WordPress follows a link to the frame's own host.
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("`+wpFrame+`").scrollIntoView()`))
	clickInFrame(t, b, inside, wpFrame, ".widget-featured .card")
	waitLocation(t, b, p.widget+"/a/"+seedSlug)
}

// In WordPress's frame, which no loader of ours makes, a widget in the
// auto theme on a page that says it is dark turns dark with the page (a
// frame prefers the scheme its page says), on no box: browsers paint an
// opaque one behind a frame whose root's colour scheme differs from the
// page's.
func TestWordPressFrameHasNoBoxOnADarkPage(t *testing.T) {
	p := startPartnerSite(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(p.host+"/wordpress?scheme=dark&theme=auto"))
	const wpFrame = "iframe.wp-embedded-content"
	waitFor(t, b, `!document.querySelector("`+wpFrame+`").hasAttribute("style")`)
	inside := frame(t, b, wpFrame)
	waitFor(t, inside, `document.readyState === "complete"`)
	got := eval[map[string]string](t, inside, `({theme: document.documentElement.dataset.theme,
		text: getComputedStyle(document.body).color, background: getComputedStyle(document.body).backgroundColor})`)
	if got["theme"] != "auto" || got["text"] != "rgb(236, 234, 230)" || got["background"] != "rgba(0, 0, 0, 0)" {
		t.Errorf("the widget has theme %q, text %s on %s; want auto, the dark theme's text on nothing", got["theme"], got["text"], got["background"])
	}
	checkNoBox(t, b, wpFrame)
}

// heightMessages records, on a post's page, the heights its frames post
// to WordPress, and a probe a frame posts after them (messages from one
// window arrive in order).
const heightMessages = `window.kiosqueHeights = []; window.kiosqueProbes = 0;
addEventListener("message", function (e) {
  if (e.data && e.data.secret && e.data.message === "height") kiosqueHeights.push(e.data.value);
  if (e.data && e.data.kiosqueProbe) kiosqueProbes++;
});`

// A frame parsed before it has a size (here in a closed Details block;
// on a busy phone, any frame whose size has not reached its process yet)
// has no height to tell: told one, WordPress shows the frame at that
// height, then at the right one, and the post jumps twice. The frame
// tells its height once it has a width, and its first is its last.
func TestWordPressFrameTellsNoHeightBeforeItHasAWidth(t *testing.T) {
	p := startPartnerSite(t)
	b := newBrowser(t)
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: heightMessages}); err != nil {
		t.Fatal(err)
	}
	b.run(t, chromedp.Navigate(p.host+"/wordpress?details"))
	const wpFrame = "iframe.wp-embedded-content"
	inside := frame(t, b, wpFrame)
	waitFor(t, inside, `document.readyState === "complete"`)
	waitFor(t, b, `document.readyState === "complete"`)
	// WordPress has greeted the frame (on its load): what the frame
	// posted before the probe has arrived.
	inside.run(t, chromedp.Evaluate[chromedp.Void](`parent.postMessage({kiosqueProbe: 1}, "*")`))
	waitFor(t, b, `kiosqueProbes === 1`)
	if got := eval[[]float64](t, b, `kiosqueHeights`); len(got) > 0 {
		t.Errorf("in a closed Details block, the frame (%.0f px wide) told heights %v", eval[float64](t, inside, `innerWidth`), got)
	}

	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("details").open = true`))
	waitFor(t, b, `!document.querySelector("`+wpFrame+`").hasAttribute("style")`)
	final := frameFits(t, b, inside, wpFrame)
	inside.run(t, chromedp.Evaluate[chromedp.Void](`parent.postMessage({kiosqueProbe: 1}, "*")`))
	waitFor(t, b, `kiosqueProbes === 2`)
	heights := eval[[]float64](t, b, `kiosqueHeights`)
	t.Logf("MEASURE heights told %v, frame %.0f px", heights, final)
	if len(heights) == 0 || math.Abs(heights[0]-final) > 1 {
		t.Errorf("the frame told heights %v: its first is not its height, %.0f px", heights, final)
	}
}

// A card for an article whose page is on the publisher's site leaves
// WordPress's frame through /go/{slug} on the widget's host, which
// WordPress follows, and lands on the publisher's page.
func TestEmbedInAWordPressPostOpensThePublishersPage(t *testing.T) {
	p := startPartnerSite(t)
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(p.host+"/wordpress?article="+p.exclusive.Slug))
	const wpFrame = "iframe.wp-embedded-content"
	waitFor(t, b, `!document.querySelector("`+wpFrame+`").hasAttribute("style")`)
	inside := frame(t, b, wpFrame)
	// A click as soon as the pointer is there, whether or not the app has
	// started by then: both ways the card leaves the frame.
	b.run(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("`+wpFrame+`").scrollIntoView()`))
	clickInFrame(t, b, inside, wpFrame, ".widget-featured .card")
	waitLocation(t, b, p.exclusive.URL)
}

func TestEmbedCardsOpenThePublishersPage(t *testing.T) {
	p := startPartnerSite(t)
	for _, target := range []string{"", "_top", "_blank"} {
		t.Run("target="+target, func(t *testing.T) {
			b := newBrowser(t)
			page := p.host + "/page/links?target=" + target
			b.run(t, chromedp.Navigate(page))
			waitFor(t, b, `document.querySelector("#first").dataset.kiosqueState === "ready"`)
			inside := frame(t, b, "#first iframe")
			// Once the app has taken over, which also handles clicks.
			pointInFrame(t, b, inside, "#first iframe", ".widget-featured .card")
			waitFor(t, inside, appRunning)
			link := eval[map[string]string](t, inside, `(() => { const a = document.querySelector(".widget-featured .card-link");
				return {href: a.href, target: a.target, rel: a.rel}; })()`)
			wantTarget := target
			if wantTarget == "" {
				wantTarget = "_top"
			}
			if link["href"] != p.exclusive.URL || link["target"] != wantTarget || !strings.Contains(link["rel"], "noopener") {
				t.Fatalf("the card links %v, want %s in %s with rel=noopener", link, p.exclusive.URL, wantTarget)
			}
			clickInFrame(t, b, inside, "#first iframe", ".widget-featured .card")
			if wantTarget == "_top" {
				waitLocation(t, b, p.exclusive.URL)
				return
			}
			waitTab(t, b, p.exclusive.URL)
			if at := eval[string](t, b, `location.href`); at != page {
				t.Errorf("the partner's page went to %s", at)
			}
		})
	}
}

// Two publishers' widgets on one page, each from its own Kiosque server
// with its own loader: each loader makes the frames of the containers that
// link to its server, and only those; a container that links to neither
// gets one frame, from one of them. Messages naming frames by ids that are
// the names of Object's own properties are ignored, not thrown on.
func TestEmbedsOfTwoServersOnOnePage(t *testing.T) {
	p := startPartnerSite(t)
	second := startKiosque(t).URL // another origin: 127.0.0.1 and its own port
	page := hostPage{Widget: p.widget, Others: []string{second}, Boxes: []hostBox{
		{ID: "first", Article: seedSlug, Fallback: p.widget + "/a/" + seedSlug, Title: "Hammouchi à Vienne"},
		{ID: "second", Category: "culture", Layout: "carousel", Fallback: second + "/?category=culture", Title: "Culture"},
		{ID: "third", Article: seedSlug, Layout: "cards", Fallback: second + "/a/" + seedSlug, Title: "Hammouchi à Vienne"},
		{ID: "neither", Category: "sport", Layout: "cards", Fallback: "/sport", Title: "Sport"},
	}}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := hostHTML.Execute(w, page); err != nil {
			t.Error(err)
		}
	}))
	defer host.Close()

	b := newBrowser(t)
	// Tall enough that every container is near the view.
	b.run(t, chromedp.EmulateViewport(900, 6000), chromedp.Navigate(host.URL+"/page"))
	b.run(t, chromedp.Evaluate[chromedp.Void](`window.errors = []; addEventListener("error", e => errors.push(e.message))`))
	waitFor(t, b, `document.querySelectorAll("[data-kiosque-state=ready]").length === 4`)
	for box, server := range map[string]string{"first": p.widget, "second": second, "third": second} {
		if src := eval[string](t, b, `document.querySelector("#`+box+` iframe").src`); !strings.HasPrefix(src, server+"/embed?") {
			t.Errorf("#%s: a frame of %s, want one of its own server %s", box, src, server)
		}
	}
	if src := eval[string](t, b, `document.querySelector("#neither iframe").src`); !strings.HasPrefix(src, p.widget+"/embed?") && !strings.HasPrefix(src, second+"/embed?") {
		t.Errorf("#neither: a frame of %s", src)
	}
	time.Sleep(300 * time.Millisecond)
	b.run(t, chromedp.Evaluate[chromedp.Void](`Kiosque.load()`))
	if got := eval[[]int](t, b, `Array.from(document.querySelectorAll(".kiosque-embed")).map(b => b.querySelectorAll("iframe").length)`); !slices.Equal(got, []int{1, 1, 1, 1}) {
		t.Errorf("frames per container %v, want one each", got)
	}
	if n := eval[int](t, b, `Kiosque.loaders.size`); n != 2 {
		t.Errorf("%d loaders on the page, want 2", n)
	}

	height := eval[float64](t, b, `document.querySelector("#first iframe").getBoundingClientRect().height`)
	b.run(t, chromedp.Evaluate[chromedp.Void](`["__proto__", "constructor", "hasOwnProperty", "toString", "valueOf"].forEach(id =>
		postMessage({type: "kiosque:resize", version: 1, id: id, height: 77}, "*"));
		postMessage({type: "spoof:done"}, "*")`))
	waitFor(t, b, `spoofsDone >= 1`)
	if errs := eval[[]string](t, b, `errors`); len(errs) > 0 {
		t.Errorf("messages naming Object's properties threw: %v", errs)
	}
	if got := eval[float64](t, b, `document.querySelector("#first iframe").getBoundingClientRect().height`); got != height {
		t.Errorf("a message from the page resized a frame from %.0f to %.0f px", height, got)
	}
}

//go:build !wasm

package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/build/cmd/demo/wordpress"
)

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
	ID, Article, Category, Layout, Target, Theme, Lang string
	Fallback, Title                                    string
}

type hostPage struct {
	Widget string
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
{{range $name, $value := .Meta}}<meta name="kiosque:{{$name}}" content="{{$value}}">
{{end}}<style>body{margin:0;font:16px/1.5 sans-serif}main{max-width:760px;margin:0 auto;padding:8px 16px}.spacer{height:{{.Spacer}}px;background:#eee}</style>
<script>
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
{{range .Boxes}}<div class="kiosque-embed" id="{{.ID}}"{{with .Article}} data-article="{{.}}"{{end}}{{with .Category}} data-category="{{.}}"{{end}}{{with .Layout}} data-layout="{{.}}"{{end}}{{with .Target}} data-target="{{.}}"{{end}}{{with .Theme}} data-theme="{{.}}"{{end}}{{with .Lang}} data-lang="{{.}}"{{end}}>
<a href="{{.Fallback}}">{{.Title}}</a>
</div>
<p class="after">Le texte qui suit le widget. Il ne doit pas sauter quand le cadre prend la place du lien de repli, ni après.</p>
<p>Encore un paragraphe, qui occupe la largeur de la colonne, pour que tout déplacement se voie dans la mesure.</p>
{{if $.Spacer}}<div class="spacer"></div>{{end}}
{{end}}
</main>
<script async src="{{.Widget}}/embed.js"></script>
</body></html>
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
<style>body{margin:0;font:16px/1.5 sans-serif}.entry-content{max-width:640px;margin:0 auto;padding:8px 16px}iframe{width:100%;border:0}</style>
</head><body><article class="entry-content"><h1>Un billet</h1><p>Avant.</p>
<figure class="wp-block-embed">{{.Embed}}</figure><p>Après.</p></article>
<script>{{.Receiver}}</script></body></html>
`))

// startPartnerSite serves Kiosque with the sample plus an article of the
// partner's, a partner's site, and a third origin.
func startPartnerSite(tb testing.TB) *partnerSite {
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
	kiosque := startKiosque(tb, p.exclusive)
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
		slug := cmp.Or(r.URL.Query().Get("article"), seedSlug)
		embed, err := p.wordpressEmbed(p.widget + "/a/" + slug)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		wordpressHTML.Execute(w, struct {
			Embed    template.HTML
			Receiver template.JS
		}{template.HTML(embed), template.JS(wordpress.ReceiverScript)})
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
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if got, _, _ := strings.Cut(info.URL, "#"); info.Type == "iframe" && got == want {
				ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
				t.Cleanup(cancel)
				return &browser{ctx: ctx}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no frame target for %s (%s)", selector, src)
	return nil
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
	id := strings.TrimPrefix(eval[string](t, b, `new URL(document.querySelector("#first iframe").src).hash`), "#kiosque=")
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
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		infos, err := chromedp.Targets(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "page" && info.URL == want {
				return
			}
		}
	}
	t.Fatalf("no tab opened at %s", want)
}

package browsertest

// The widget takes on the look of the partner's page around it (issue 22):
// the loader reads the page's font and colours, the frame checks them and
// keeps the theme's where they would not read, and nothing a page or a
// partner writes breaks the widget.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// Today's look, light theme: what a widget shows when it takes nothing
// from its page (web/kiosque.css).
const (
	themeAccent  = "rgb(179, 38, 30)"
	themeText    = "rgb(29, 31, 35)"
	themeSurface = "rgb(255, 255, 255)"
	themeRadius  = "12px"
)

// lookOf reads, in a widget's frame, what its look decides: the titles'
// font and colour, the accent (a card's section), a card's surface and
// corner.
const lookOf = `(() => {
	const title = getComputedStyle(document.querySelector(".card-title")), card = getComputedStyle(document.querySelector(".card"));
	return {
		font: title.fontFamily,
		heading: getComputedStyle(document.querySelector(".carousel-heading") || document.querySelector(".card-title")).fontFamily,
		text: title.color,
		accent: getComputedStyle(document.querySelector(".card-category")).color,
		surface: card.backgroundColor,
		radius: card.borderTopLeftRadius,
	};
})()`

type look struct{ Font, Heading, Text, Accent, Surface, Radius string }

// Hostile values of each attribute, lists too long among them.
var hostile = map[string][]string{
	"font": {`red;}body{display:none`, `</style><script>parent.hacked=1</script>`, `url(https://evil.example/x.woff)`,
		`Georgia", serif; background: red`, strings.Repeat("Arial, ", 40) + "serif", strings.Repeat("A", 300)},
	"accent": {`red;}body{display:none`, `url(https://evil.example/x.png)`, `expression(alert(1))`, `red`, `#12345`, `</style><script>parent.hacked=1</script>`},
	"radius": {`999`, `25`, `-4`, `8;color:red`, `1e3`, `calc(100px)`},
	"look":   {`none`, `kiosque;}body{display:none`, `url(https://evil.example/x)`, `</style><script>parent.hacked=1</script>`, strings.Repeat("k", 300), `expression(1)`},
}

// lookSite serves Kiosque, and a partner's site whose pages are given by
// name: each is the style of the page, then its body.
func lookSite(t *testing.T, pages map[string][2]string) (host, widget string) {
	t.Helper()
	widget = strings.Replace(startKiosque(t).URL, "127.0.0.1", "localhost", 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := pages[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Un partenaire</title>
<style>%s</style>
<script>window.warnings = []; (function (warn) {
  console.warn = function () { warnings.push(Array.prototype.join.call(arguments, " ")); warn.apply(console, arguments); };
})(console.warn);</script></head><body><main>%s</main><script async src="%s/embed.js"></script></body></html>`,
			page[0], strings.ReplaceAll(page[1], "WIDGET", widget), widget)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, widget
}

// box is a widget's container; each of a page's asks for a different
// number of articles, so that each frame has an address of its own.
func box(id string, limit int, attrs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="kiosque-embed" id="%s" data-article="%s" data-limit="%d"`, id, seedSlug, limit)
	for i := 0; i+1 < len(attrs); i += 2 {
		fmt.Fprintf(&b, ` %s="%s"`, attrs[i], strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;").Replace(attrs[i+1]))
	}
	fmt.Fprintf(&b, `><a href="WIDGET/a/%s">Hammouchi à Vienne</a></div>`, seedSlug)
	return b.String()
}

// openLooks opens a page of the site and waits for its widgets, tall
// enough for all of them to load.
func openLooks(t *testing.T, host, page string, boxes ...string) *browser {
	t.Helper()
	b := newBrowser(t)
	b.run(t, chromedp.EmulateViewport(900, 9000), chromedp.Navigate(host+"/"+page))
	waitFor(t, b, fmt.Sprintf(`document.querySelectorAll("[data-kiosque-state=ready]").length === %d`, len(boxes)))
	return b
}

func lookIn(t *testing.T, b *browser, id string) (look, *browser) {
	t.Helper()
	inside := frameAt(t, b, "#"+id+" iframe")
	waitFor(t, inside, `document.querySelectorAll(".card-category").length > 0`)
	return eval[look](t, inside, lookOf), inside
}

// frameAt is frame, for frames whose addresses differ only in their
// fragments, as widgets of different looks do: it attaches to the frame
// whose address is the iframe's, fragment and all.
func frameAt(t *testing.T, b *browser, selector string) *browser {
	t.Helper()
	src := eval[string](t, b, `document.querySelector(`+jsString(selector)+`).src`)
	info := waitTarget(t, b, 20*time.Second, func(info *target.Info) bool { return info.Type == "iframe" && info.URL == src })
	if info == nil {
		t.Fatalf("no frame target at %s (%s)", src, selector)
	}
	return attach(t, b, info)
}

// A page set in Georgia, dark text, blue links, on a cream background:
// the widget's titles are in Georgia, its accents in the links' blue, its
// cards on the page's cream; a dark widget on it keeps its own colours;
// data-look="kiosque" keeps today's look; the partner's own values win.
func TestWidgetTakesThePagesLook(t *testing.T) {
	host, _ := lookSite(t, map[string][2]string{
		"georgia": {`body{margin:0;background:#fdf6e3} main{font-family:Georgia, serif;color:#1a1a1a} a{color:#0a58ca}`,
			box("host", 2) + box("kiosque", 3, "data-look", "kiosque") + box("dark", 4, "data-theme", "dark") +
				box("own", 5, "data-font", `"Trebuchet MS", Verdana, sans-serif`, "data-accent", "#6f42C1", "data-radius", "4px") +
				box("eager", 6, "data-wasm", "eager")},
		"night": {`body{margin:0;background:#111418} main{font-family:Verdana;color:#e8e6e3} a{color:#8ab4f8}`,
			box("dark", 2, "data-theme", "dark") + box("light", 3, "data-theme", "light")},
	})
	b := openLooks(t, host, "georgia", "host", "kiosque", "dark", "own", "eager")

	got, _ := lookIn(t, b, "host")
	if want := (look{"Georgia, serif", "Georgia, serif", "rgb(26, 26, 26)", "rgb(10, 88, 202)", "rgb(253, 246, 227)", themeRadius}); got != want {
		t.Errorf("a widget on a Georgia page:\n got %+v\nwant %+v", got, want)
	}
	src := eval[string](t, b, `document.querySelector("#host iframe").src`)
	if u, _ := url.Parse(src); strings.Contains(u.RawQuery, "font") || strings.Contains(u.RawQuery, "accent") || !strings.Contains(u.Fragment, "font=Georgia") {
		t.Errorf("the look is not in the frame's fragment alone: %s", src)
	}

	got, _ = lookIn(t, b, "kiosque")
	if strings.Contains(got.Font, "Georgia") || got.Accent != themeAccent || got.Surface != themeSurface || got.Text != themeText {
		t.Errorf(`data-look="kiosque" took the page's look: %+v`, got)
	}

	// Dark on a light page: the page's cream, dark text and blue would
	// not read, or not be dark; the font is the page's.
	got, _ = lookIn(t, b, "dark")
	if want := (look{"Georgia, serif", "Georgia, serif", "rgb(236, 234, 230)", "rgb(255, 138, 128)", "rgb(31, 34, 39)", themeRadius}); got != want {
		t.Errorf("a dark widget on a light Georgia page:\n got %+v\nwant %+v", got, want)
	}

	got, _ = lookIn(t, b, "own")
	if want := (look{`"Trebuchet MS", Verdana, sans-serif`, `"Trebuchet MS", Verdana, sans-serif`, "rgb(26, 26, 26)", "rgb(111, 66, 193)", "rgb(253, 246, 227)", "4px"}); got != want {
		t.Errorf("the partner's data-font, data-accent and data-radius:\n got %+v\nwant %+v", got, want)
	}

	// The app, once it has taken over, keeps the look.
	_, inside := lookIn(t, b, "eager")
	waitFor(t, inside, appRunning)
	if got = eval[look](t, inside, lookOf); got.Font != "Georgia, serif" || got.Accent != "rgb(10, 88, 202)" {
		t.Errorf("once the app runs, the widget's look is %+v", got)
	}
	if w := eval[[]string](t, b, `warnings`); len(w) > 0 {
		t.Errorf("warnings on a page with nothing wrong: %q", w)
	}

	// A dark page: a dark widget takes its background, text and links; a
	// light one keeps its light cards, and so its own colours.
	b = openLooks(t, host, "night", "dark", "light")
	if got, _ = lookIn(t, b, "dark"); got != (look{"Verdana", "Verdana", "rgb(232, 230, 227)", "rgb(138, 180, 248)", "rgb(17, 20, 24)", themeRadius}) {
		t.Errorf("a dark widget on a dark page: %+v", got)
	}
	if got, _ = lookIn(t, b, "light"); got != (look{"Verdana", "Verdana", themeText, themeAccent, themeSurface, themeRadius}) {
		t.Errorf("a light widget on a dark page: %+v", got)
	}
}

// A pale link colour on white does not read: the widget's accent is the
// theme's. Pale text likewise.
func TestWidgetKeepsTheThemesColoursThatReadWhereThePagesWouldNot(t *testing.T) {
	host, _ := lookSite(t, map[string][2]string{
		"pale": {`body{margin:0;background:#fff} main{color:#1a1a1a} a{color:#d0e4ff}`, box("links", 2)},
		"grey": {`body{margin:0;background:#777} main{color:#888;font-family:Verdana} a{color:#999}`, box("text", 3)},
	})
	b := openLooks(t, host, "pale", "links")
	if got, _ := lookIn(t, b, "links"); got.Accent != themeAccent || got.Text != "rgb(26, 26, 26)" {
		t.Errorf("links #d0e4ff on white: accent %s, text %s; want the theme's accent %s and the page's text", got.Accent, got.Text, themeAccent)
	}
	b = openLooks(t, host, "grey", "text")
	if got, _ := lookIn(t, b, "text"); got.Accent != themeAccent || got.Text != themeText || got.Surface != themeSurface || got.Font != "Verdana" {
		t.Errorf("grey on grey: %+v; want the theme's colours (and the page's font)", got)
	}
}

// Hostile values of data-font, data-accent, data-radius and data-look
// change nothing and break nothing: each is left out with a warning
// naming it, and the widget looks as it does with none.
func TestWidgetIgnoresHostileLooks(t *testing.T) {
	page := box("plain", 1)
	var boxes []string
	// A box of each attribute's i-th hostile value.
	for i := range hostile["font"] {
		id := fmt.Sprintf("hostile%d", i)
		boxes = append(boxes, id)
		page += box(id, 2+i, "data-font", hostile["font"][i], "data-accent", hostile["accent"][i], "data-radius", hostile["radius"][i], "data-look", hostile["look"][i])
	}
	host, _ := lookSite(t, map[string][2]string{
		"hostile": {`body{margin:0} main{font-family:Georgia, serif;color:#1a1a1a} a{color:#0a58ca}`, page},
	})
	b := openLooks(t, host, "hostile", append(boxes, "plain")...)
	plain, _ := lookIn(t, b, "plain")
	if plain.Font != "Georgia, serif" || plain.Accent != "rgb(10, 88, 202)" {
		t.Fatalf("the page's own look is not taken: %+v", plain)
	}
	for _, id := range boxes {
		got, inside := lookIn(t, b, id)
		if got != plain {
			t.Errorf("%s: the widget looks %+v, with no attribute %+v", id, got, plain)
		}
		cardsVisible(t, b, inside, id)
		if eval[bool](t, inside, `getComputedStyle(document.body).display === "none" || window.hacked === 1`) {
			t.Errorf("%s: the value reached the widget's page", id)
		}
	}
	warned := strings.Join(eval[[]string](t, b, `warnings`), "\n")
	for name, values := range hostile {
		if n := strings.Count(warned, "data-"+name+"="); n != len(values) {
			t.Errorf("%d warnings name data-%s, want %d:\n%s", n, name, len(values), warned)
		}
	}
	if eval[bool](t, b, `window.hacked === 1`) {
		t.Error("a value ran a script on the partner's page")
	}
}

// A plain iframe, for a page that allows no script, gets the look from
// its fragment; the frame checks what its fragment says as the loader
// does, and names what it leaves out.
func TestPlainFrameTakesTheLookInItsFragment(t *testing.T) {
	host, widget := lookSite(t, map[string][2]string{
		"plain": {`iframe{width:100%;height:1200px;border:0}`,
			`<iframe id="f" title="Kiosque" src="WIDGET/embed?article=` + seedSlug + `#font=Georgia%2C+serif&accent=%230a58ca&radius=4"></iframe>`},
	})
	b := newBrowser(t)
	b.run(t, chromedp.Navigate(host+"/plain"))
	inside := frameAt(t, b, "#f")
	waitFor(t, inside, `document.querySelectorAll(".card-category").length > 0`)
	if got := eval[look](t, inside, lookOf); got.Font != "Georgia, serif" || got.Accent != "rgb(10, 88, 202)" || got.Radius != "4px" {
		t.Errorf("a plain iframe with the look in its fragment: %+v", got)
	}

	// The frame on its own: hostile values leave its look as it is with
	// none, each with a warning naming it; look=kiosque leaves the page's
	// colours out, not the partner's.
	plain, _ := widgetAlone(t, widget+"/embed?article="+seedSlug)
	for _, tc := range []struct {
		name     string
		fragment url.Values
		want     func(look) look
		warns    bool // of each value
	}{
		{"hostile", url.Values{
			"font": {`red;}body{display:none`}, "accent": {`url(https://evil.example/x)`}, "text": {`expression(alert(1))`},
			"surface": {`</style><script>alert(1)</script>`}, "radius": {`99`},
		}, func(l look) look { return l }, true},
		{"long", url.Values{"font": {strings.Repeat("Arial, ", 40) + "serif"}}, func(l look) look { return l }, true},
		{"too long", url.Values{"font": {strings.Repeat("A", 300)}}, func(l look) look { return l }, true},
		{"quoted", url.Values{"font": {`"Georgia", serif`}, "radius": {"0"}}, func(l look) look {
			l.Font, l.Heading, l.Radius = "Georgia, serif", "Georgia, serif", "0px"
			return l
		}, false},
		{"kiosque", url.Values{"look": {"kiosque"}, "text": {"#1a1a1a"}, "surface": {"#fdf6e3"}, "accent": {"#0a58ca"}}, func(l look) look {
			l.Accent = "rgb(10, 88, 202)"
			return l
		}, false},
	} {
		got, warned := widgetAlone(t, widget+"/embed?article="+seedSlug+"#"+tc.fragment.Encode())
		if want := tc.want(plain); got != want {
			t.Errorf("%s: the fragment %s gives\n %+v\nwant %+v", tc.name, tc.fragment.Encode(), got, want)
		}
		for name, values := range tc.fragment {
			if tc.warns && !strings.Contains(warned, "widget's "+name+" ") {
				t.Errorf("%s: no warning names the fragment's %s (%.40q):\n%s", tc.name, name, values[0], warned)
			}
		}
	}
}

// widgetAlone opens the widget at address in a page of its own, and
// returns its look and the warnings on its console; the page writes no
// error (a script the CSP refused would be one).
func widgetAlone(t *testing.T, address string) (look, string) {
	t.Helper()
	var mu sync.Mutex
	var warned []string
	b := newBrowser(t)
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventConsoleAPICalled); ok && e.Type == runtime.ConsoleAPICalledTypeWarning && len(e.Args) > 0 {
			mu.Lock()
			warned = append(warned, string(e.Args[0].Value))
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	b.run(t, chromedp.Navigate(address))
	errs := consoleErrors(t, b) // reloads the page, watching its console
	got := eval[look](t, b, lookOf)
	if e := errs(); len(e) > 0 {
		t.Errorf("%s: errors in the widget's page: %q", address, e)
	}
	mu.Lock()
	defer mu.Unlock()
	return got, strings.Join(warned, "\n")
}

// axe finds nothing wrong in widgets themed from deliberately bad pages
// (pale text and links, a grey background, in both themes), nor in one
// that takes a page's look whole.
func TestWidgetsThemedFromABadPagePassAxe(t *testing.T) {
	axe := axeScript(t)
	host, _ := lookSite(t, map[string][2]string{
		"bad": {`body{margin:0;background:#777} main{color:#888;font-family:Verdana} a{color:#d0e4ff}
			#good{background:#fdf6e3;color:#1a1a1a;font-family:Georgia, serif} #good a{color:#0a58ca}`,
			box("light", 2, "data-theme", "light") + box("dark", 3, "data-theme", "dark") + box("accent", 4, "data-accent", "#ffff00") + box("good", 5)},
	})
	b := openLooks(t, host, "bad", "light", "dark", "accent", "good")
	if got, _ := lookIn(t, b, "good"); got.Surface != "rgb(253, 246, 227)" || got.Accent != "rgb(10, 88, 202)" {
		t.Errorf("a container with a look of its own on the page: %+v", got)
	}
	for _, id := range []string{"light", "dark", "accent", "good"} {
		_, inside := lookIn(t, b, id)
		checkAxe(t, inside, axe, id+" on a bad page")
		if id == "good" { // and once the app has taken over
			startApp(t, inside)
			checkAxe(t, inside, axe, id+" on a bad page, app running")
		}
	}
}

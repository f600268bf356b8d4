package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/htmltest"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/sanitize"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/ui"
	"github.com/kiosque/kiosque/app/webtest"
)

func parsePage(t *testing.T, body []byte) *html.Node {
	t.Helper()
	doc, err := htmltest.Parse(string(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// Short names for the queries the tests make.
var (
	elements  = htmltest.All
	attribute = htmltest.Attr
	text      = htmltest.Text
	hasClass  = htmltest.Class
)

// embeddedView reads the view a page carries for the wasm's first render.
func embeddedView(t *testing.T, doc *html.Node) ui.View {
	t.Helper()
	var v ui.View
	decodeEmbedded(t, doc, &v)
	return v
}

// decodeEmbedded decodes the view a page embeds into v.
func decodeEmbedded(t *testing.T, doc *html.Node, v any) {
	t.Helper()
	scripts := elements(doc, func(n *html.Node) bool { return attribute(n, "id") == ui.ViewElementID })
	if len(scripts) != 1 {
		t.Fatalf("found %d embedded views", len(scripts))
	}
	if err := json.Unmarshal([]byte(text(scripts[0])), v); err != nil {
		t.Fatalf("embedded view: %v", err)
	}
}

func TestPagesArePrerenderedPerLanguageAndTheme(t *testing.T) {
	srv := newTestServer(t)
	for _, tc := range []struct {
		path, acceptLanguage string
		lang, dir, theme     string
		heading              string
	}{
		// Without a theme, the widget takes the server's for partner sites.
		{"/embed?article=" + seedSlug, "fr-FR,fr;q=0.9", "fr", "ltr", "light", "Vous aimerez aussi"},
		{"/embed?article=" + seedSlug + "&theme=auto", "fr-FR,fr;q=0.9", "fr", "ltr", "auto", "Vous aimerez aussi"},
		{"/embed?article=" + seedSlug + "&lang=ar&theme=dark", "fr", "ar", "rtl", "dark", "قد يعجبك أيضا"},
		// The widget speaks its content's language, never the browser's.
		{"/embed?article=" + seedSlug + "&theme=light", "en-GB,en;q=0.8", "fr", "ltr", "light", "Vous aimerez aussi"},
		{"/embed?article=" + seedSlug + "&lang=en&theme=light", "ar", "en", "ltr", "light", "You may also like"},
		{"/a/" + seedSlug, "en", "fr", "ltr", "auto", "Vous aimerez aussi"},
		{"/a/" + seedSlug + "?lang=ar&theme=dark", "", "ar", "rtl", "dark", "قد يعجبك أيضا"},
	} {
		res, body := webtest.Get(t, srv.URL+tc.path, "Accept-Language", tc.acceptLanguage)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", tc.path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		doc := parsePage(t, body)
		htmlEl := elements(doc, func(n *html.Node) bool { return n.Data == "html" })[0]
		root := elements(doc, func(n *html.Node) bool { return attribute(n, "id") == "kiosque" })
		if len(root) != 1 {
			t.Fatalf("%s: %d roots", tc.path, len(root))
		}
		for _, n := range []*html.Node{htmlEl, root[0]} {
			if attribute(n, "lang") != tc.lang || attribute(n, "dir") != tc.dir || attribute(n, "data-theme") != tc.theme {
				t.Errorf("%s: <%s> lang %q dir %q theme %q, want %s %s %s", tc.path, n.Data,
					attribute(n, "lang"), attribute(n, "dir"), attribute(n, "data-theme"), tc.lang, tc.dir, tc.theme)
			}
		}
		cards := elements(doc, hasClass("card"))
		slides := elements(doc, func(n *html.Node) bool { return attribute(n, "aria-roledescription") == "slide" })
		if len(cards) < 4 || len(slides) < 3 {
			t.Errorf("%s: %d cards and %d slides prerendered", tc.path, len(cards), len(slides))
		}
		headings := elements(doc, hasClass("carousel-heading"))
		if len(headings) != 1 || text(headings[0]) != tc.heading {
			t.Errorf("%s: carousel heading %v, want %q", tc.path, headings, tc.heading)
		}
		v := embeddedView(t, doc)
		if v.Path != strings.TrimPrefix(tc.path, "") || string(v.Lang) != tc.lang || string(v.Theme) != tc.theme || len(v.Related) != len(slides) {
			t.Errorf("%s: embedded view path %q lang %s theme %s with %d related", tc.path, v.Path, v.Lang, v.Theme, len(v.Related))
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval'") {
			t.Errorf("%s: CSP %q", tc.path, csp)
		}
	}
}

func TestTheWidgetTakesThePublishersThemeUnlessItsAddressSaysOne(t *testing.T) {
	srv := newTestServerWith(t, func(c *Config) { c.EmbedTheme = params.ThemeDark })
	for path, want := range map[string]string{
		"/embed?article=" + seedSlug:                  "dark",
		"/embed?article=" + seedSlug + "&theme=light": "light",
		"/a/" + seedSlug:                              "auto", // the site's own pages follow the reader
	} {
		_, body := webtest.Get(t, srv.URL+path)
		root := elements(parsePage(t, body), func(n *html.Node) bool { return attribute(n, "id") == "kiosque" })
		if len(root) != 1 || attribute(root[0], "data-theme") != want {
			t.Errorf("%s: theme %v, want %s", path, root, want)
		}
	}
}

// In a frame, a root that says a colour scheme other than the page's gets
// an opaque backdrop from the browser: a widget's page says none (its
// style sheet gives one to the root only outside a frame).
func TestWidgetPagesSayNoColourSchemeOfTheirOwn(t *testing.T) {
	srv := newTestServer(t)
	for path, want := range map[string]bool{"/embed?article=" + seedSlug + "&theme=dark": false, "/a/" + seedSlug: true} {
		_, body := webtest.Get(t, srv.URL+path)
		metas := elements(parsePage(t, body), func(n *html.Node) bool { return n.Data == "meta" && attribute(n, "name") == "color-scheme" })
		if (len(metas) > 0) != want {
			t.Errorf("%s: %d color-scheme metas", path, len(metas))
		}
	}
}

func TestHomeFiltersBySectionAndLanguage(t *testing.T) {
	srv := newTestServer(t)
	_, body := webtest.Get(t, srv.URL+"/?category=sport&lang=ar")
	doc := parsePage(t, body)
	v := embeddedView(t, doc)
	if v.Category == nil || v.Category.Slug != "sport" || v.Filter != news.Arabic || v.Lang != news.Arabic {
		t.Fatalf("view: %+v", v)
	}
	cards := elements(doc, hasClass("card"))
	if len(cards) == 0 || len(cards) != len(v.Articles) {
		t.Fatalf("%d cards for %d articles", len(cards), len(v.Articles))
	}
	for _, a := range v.Articles {
		if a.CategorySlug != "sport" || a.Lang != news.Arabic {
			t.Errorf("%s (%s, %s) in the sport/ar feed", a.Slug, a.CategorySlug, a.Lang)
		}
		if len(a.Body) != 0 {
			t.Errorf("the feed's view carries the body of %s", a.Slug)
		}
	}
	current := elements(doc, func(n *html.Node) bool { return attribute(n, "aria-current") == "page" })
	if len(current) != 2 {
		t.Errorf("%d links marked current, want the section and the language", len(current))
	}
}

func TestBadPageParametersGetA400Page(t *testing.T) {
	srv := newTestServer(t)
	for _, path := range []string{"/embed?limit=0", "/embed?theme=neon", "/?lang=xx", "/?category=nope", "/embed?layout=grid"} {
		res, body := webtest.Get(t, srv.URL+path)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "role=\"alert\"") {
			t.Errorf("%s: got %d", path, res.StatusCode)
		}
		if strings.Contains(string(body), "/app.js") {
			t.Errorf("%s: an error page loads the app", path)
		}
	}
	for _, path := range []string{"/a/no-such-article", "/nowhere"} {
		res, _ := webtest.Get(t, srv.URL+path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: got %d, want 404", path, res.StatusCode)
		}
	}
}

// A widget whose article is not here (never imported, taken down, a slug
// mistyped, an address) shows the latest of the section it names, else the
// latest, and no error: a partner's page is no place for one. It is found
// by its slug, its page's address here, or its address at the publisher.
func TestAWidgetOfAMissingArticleShowsTheLatest(t *testing.T) {
	const wpURL = "https://publisher.example/2026/12/07/un-article/"
	extra := news.Article{Slug: "un-article-du-publieur", URL: wpURL, Title: "Un article du publieur", Category: "Sport",
		Lang: news.French, Published: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC), Body: []string{"Un paragraphe."}}
	srv := newTestServer(t, extra)
	for path, want := range map[string]string{
		"/embed?article=no-such-article":                                                    "",
		"/embed?article=no-such-article&category=culture":                                   "culture",
		"/embed?url=" + url.QueryEscape("https://elsewhere.example/x/") + "&category=sport": "sport",
		"/embed?article=" + url.QueryEscape(srv.URL+"/a/nope"):                              "",
	} {
		res, body := webtest.Get(t, srv.URL+path)
		v := embeddedView(t, parsePage(t, body))
		if res.StatusCode != http.StatusOK || v.Error != "" || v.Article != nil || len(v.Articles) == 0 {
			t.Errorf("%s: %d, error %q, article %v, %d articles", path, res.StatusCode, v.Error, v.Article != nil, len(v.Articles))
			continue
		}
		if want != "" && (v.Category == nil || v.Category.Slug != want) {
			t.Errorf("%s: lists section %v, want %s", path, v.Category, want)
		}
		if strings.Contains(string(body), `role="alert"`) {
			t.Errorf("%s: shows an error", path)
		}
	}
	// A post named by its permalink alone, not here yet: 404, and the
	// loader keeps the post's fallback.
	if res, _ := webtest.Get(t, srv.URL+"/embed?url="+url.QueryEscape("https://elsewhere.example/x/")); res.StatusCode != http.StatusNotFound {
		t.Errorf("a permalink not here, with no section: %d, want 404", res.StatusCode)
	}
	for _, name := range []string{"article=" + extra.Slug, "url=" + url.QueryEscape(wpURL), "url=" + url.QueryEscape(strings.TrimSuffix(wpURL, "/")),
		"article=" + url.QueryEscape(wpURL), "article=" + url.QueryEscape(srv.URL+"/a/"+extra.Slug)} {
		_, body := webtest.Get(t, srv.URL+"/embed?"+name)
		if v := embeddedView(t, parsePage(t, body)); v.Article == nil || v.Article.Slug != extra.Slug {
			t.Errorf("/embed?%s: shows %v, want the article %s", name, v.Article, extra.Slug)
		}
	}
}

// A widget asked with options it does not take, or whose store fails,
// says so inside the partner's frame in the reader's language, never in
// the API's English.
func TestWidgetErrorsSpeakTheReadersLanguage(t *testing.T) {
	failing := false
	srv := newTestServerWith(t, func(c *Config) { c.Store = failingStore{Reader: c.Store, failing: &failing} })
	words := map[news.Lang]string{news.French: "réglage", news.Arabic: "الإعداد", news.English: "setting"}
	failedWords := map[news.Lang]string{news.French: "pour le moment", news.Arabic: "حاليا", news.English: "right now"}
	check := func(path string, status int, lang news.Lang, want ...string) {
		t.Helper()
		res, body := webtest.Get(t, srv.URL+path)
		doc := parsePage(t, body)
		alerts := elements(doc, func(n *html.Node) bool { return attribute(n, "role") == "alert" })
		roots := elements(doc, htmltest.Tag("html"))
		if res.StatusCode != status || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || len(alerts) != 1 || len(roots) != 1 {
			t.Fatalf("%s: %d %s with %d alerts, want %d and one alert in a page", path, res.StatusCode, res.Header.Get("Content-Type"), len(alerts), status)
		}
		said := text(alerts[0])
		for _, w := range want {
			if !strings.Contains(said, w) {
				t.Errorf("%s: the frame says %q, want %q in it", path, said, w)
			}
		}
		for _, english := range []string{"must be", "parameter", "no such", "server could not"} {
			if strings.Contains(said, english) {
				t.Errorf("%s: the frame says %q, the API's words", path, said)
			}
		}
		if got := attribute(roots[0], "lang"); got != string(lang) {
			t.Errorf("%s: the page speaks %q, want %q", path, got, lang)
		}
		if title := text(elements(doc, htmltest.Tag("title"))[0]); !strings.Contains(title, said) {
			t.Errorf("%s: the frame's title %q does not say it", path, title)
		}
	}
	for _, lang := range []news.Lang{news.French, news.Arabic, news.English} {
		check("/embed?limit=99&lang="+string(lang), http.StatusBadRequest, lang, words[lang], "limit")
		check("/embed?lang="+string(lang)+"&theme=neon", http.StatusBadRequest, lang, words[lang], "theme")
		check("/embed?category=nope&lang="+string(lang), http.StatusBadRequest, lang, words[lang], "category")
	}
	check("/embed?lang=de", http.StatusBadRequest, news.French, words[news.French], "lang")
	check("/?cursor=x&lang=ar", http.StatusBadRequest, news.Arabic, words[news.Arabic], "cursor")

	failing = true
	for _, lang := range []news.Lang{news.French, news.Arabic, news.English} {
		check("/embed?article="+seedSlug+"&lang="+string(lang), http.StatusInternalServerError, lang, failedWords[lang])
		check("/embed?category=sport&lang="+string(lang), http.StatusInternalServerError, lang, failedWords[lang])
	}
	check("/?lang=ar", http.StatusInternalServerError, news.Arabic, failedWords[news.Arabic])
}

// failingStore fails every read while *failing is set, as a store out of
// reach does.
type failingStore struct {
	store.Reader
	failing *bool
}

var errStoreDown = errors.New("the store is out of reach")

func (f failingStore) Article(ctx context.Context, slug string) (news.Article, error) {
	if *f.failing {
		return news.Article{}, errStoreDown
	}
	return f.Reader.Article(ctx, slug)
}

func (f failingStore) Articles(ctx context.Context, q store.Query) (store.Page, error) {
	if *f.failing {
		return store.Page{}, errStoreDown
	}
	return f.Reader.Articles(ctx, q)
}

func (f failingStore) Categories(ctx context.Context) ([]news.Category, error) {
	if *f.failing {
		return nil, errStoreDown
	}
	return f.Reader.Categories(ctx)
}

// The payloads try to set window.pwned: a browser test would see it; here
// the parsed page must hold the text as written and no script of its own.
func TestHostileArticleStaysInertOnEveryRoute(t *testing.T) {
	hostile := `Guillemets "doubles" & <script>window.pwned=1</script> \ '<img src=x onerror=window.pwned=1>`
	a := news.Article{
		Slug: "hostile", Title: hostile, Excerpt: hostile, Body: []string{hostile},
		Category: hostile, Tags: []string{hostile}, Author: hostile,
		Published: time.Now().Add(-time.Hour), Lang: news.French, Source: hostile,
		URL:   `javascript:window.pwned=1`,
		Image: &news.Image{Src: `/web/images/x.svg" onerror="window.pwned=1`, Alt: hostile, Width: 1200, Height: 675},
	}
	srv := newTestServer(t, a)
	section := store.Slugify(hostile)
	for _, path := range []string{"/", "/a/hostile", "/embed?article=hostile", "/embed?category=" + section, "/embed?category=" + section + "&layout=carousel", "/?category=" + section} {
		res, body := webtest.Get(t, srv.URL+path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		doc := parsePage(t, body)
		for _, s := range elements(doc, func(n *html.Node) bool { return n.Data == "script" }) {
			// The widget's own (the look's) is allowed by its hash; no
			// other inline script would run.
			sum := sha256.Sum256([]byte(text(s)))
			own := strings.Contains(res.Header.Get("Content-Security-Policy"), "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
			if src := attribute(s, "src"); src == "" && attribute(s, "type") != "application/json" && !own {
				t.Errorf("%s: an inline script ran: %q", path, text(s))
			}
		}
		for _, n := range elements(doc, func(*html.Node) bool { return true }) {
			for _, at := range n.Attr {
				if strings.HasPrefix(at.Key, "on") {
					t.Errorf("%s: <%s %s=%q>", path, n.Data, at.Key, at.Val)
				}
				if (at.Key == "href" || at.Key == "src") && strings.HasPrefix(strings.ToLower(at.Val), "javascript:") {
					t.Errorf("%s: <%s %s=%q>", path, n.Data, at.Key, at.Val)
				}
			}
		}
		titles := elements(doc, func(n *html.Node) bool {
			return hasClass("card-link")(n) || hasClass("article-title")(n)
		})
		found := false
		for _, n := range titles {
			found = found || text(n) == hostile
		}
		if !found {
			t.Errorf("%s: the hostile title is not shown as written", path)
		}
		for _, img := range elements(doc, func(n *html.Node) bool { return n.Data == "img" && attribute(n, "alt") == hostile }) {
			if attribute(img, "src") != a.Image.Src {
				t.Errorf("%s: img src %q", path, attribute(img, "src"))
			}
		}
		if v := embeddedView(t, doc); v.Path == "" {
			t.Errorf("%s: the embedded view did not survive the page", path)
		}
		if strings.HasSuffix(path, "layout=carousel") {
			// The section's name labels the carousel, inside aria-label="…".
			tracks := elements(doc, hasClass("carousel-track"))
			headings := elements(doc, hasClass("carousel-heading"))
			if len(tracks) != 1 || attribute(tracks[0], "aria-label") != hostile || len(headings) != 1 || text(headings[0]) != hostile {
				t.Errorf("%s: the carousel is not named by the section's name as written (%d tracks, %d headings)", path, len(tracks), len(headings))
			}
		}
	}
}

// Everything a page loads comes from its own server.
var absoluteRef = regexp.MustCompile(`(?i)(?:src|href)="((?:https?:)?//[^"/]*)`)

func TestPagesLoadNothingFromOtherHosts(t *testing.T) {
	srv := newTestServer(t)
	for _, path := range []string{"/", "/a/" + seedSlug, "/embed?article=" + alOmraneSlug, "/?lang=ar", "/app.js", "/manifest.webmanifest", "/app-worker.js"} {
		_, body := webtest.Get(t, srv.URL+path)
		for _, m := range absoluteRef.FindAllStringSubmatch(string(body), -1) {
			if m[1] != srv.URL {
				t.Errorf("%s refers to another host: %s", path, m[0])
			}
		}
		if strings.Contains(string(body), "githubusercontent") {
			t.Errorf("%s still names go-app's default icons", path)
		}
	}
}

func TestArticleHTMLKeepsItsSpaces(t *testing.T) {
	a := news.Article{
		Slug: "espaces", Title: "Espaces", Category: "Culture", Lang: news.French, Published: time.Now().Add(-time.Hour),
		Body: []string{"Paris lundi"}, HTML: sanitize.Stored("<p><strong>Paris</strong> <em>lundi</em>, puis\n<a href=\"https://x.example/\">Rabat</a></p>"),
	}
	srv := newTestServer(t, a)
	_, body := webtest.Get(t, srv.URL+"/a/espaces")
	doc := parsePage(t, body)
	bodies := elements(doc, hasClass("article-body"))
	if len(bodies) != 1 {
		t.Fatalf("%d article bodies", len(bodies))
	}
	if got := text(bodies[0]); got != "Paris lundi, puis\nRabat" {
		t.Errorf("the article reads %q", got)
	}
}

func TestSlugsAreDecodedOnce(t *testing.T) {
	srv := newTestServer(t)
	// %2561 is "%61" once decoded, never "a".
	res, _ := webtest.Get(t, srv.URL+"/a/%2561l-omrane-inaugure-son-agence-renovee-a-paris")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("a slug decoded twice found an article: %d", res.StatusCode)
	}
}

// A widget's error answer may be framed where its widget may: a browser
// that blocked it would leave the partner's page a blank frame, with only
// a CSP report in the console.
func TestAWidgetsErrorMayBeFramedWhereTheWidgetMay(t *testing.T) {
	srv := newTestServerWith(t, func(c *Config) { c.FrameAncestors = "https://partner.example" })
	for _, path := range []string{"/embed?theme=purple", "/embed?limit=20", "/embed?layout=grid", "/embed?lang=de", "/embed?category=nope"} {
		res, _ := webtest.Get(t, srv.URL+path)
		if res.StatusCode != http.StatusBadRequest || !strings.HasSuffix(res.Header.Get("Content-Security-Policy"), "frame-ancestors https://partner.example 'self'") ||
			res.Header.Get("X-Frame-Options") != "" {
			t.Errorf("%s: %d, CSP %q, X-Frame-Options %q", path, res.StatusCode, res.Header.Get("Content-Security-Policy"), res.Header.Get("X-Frame-Options"))
		}
	}
}

// A list widget may keep to the articles of one language (content-lang),
// whatever language its labels speak (lang): partners of an Arabic page
// want Arabic articles.
func TestAListWidgetKeepsToItsContentLanguage(t *testing.T) {
	srv := newTestServer(t)
	for _, tc := range []struct{ query, labels string }{
		{"category=sport&content-lang=ar", "ar"},
		{"content-lang=en&lang=fr&limit=12", "fr"},
		{"content-lang=fr&layout=cards", "fr"},
	} {
		res, body := webtest.Get(t, srv.URL+"/embed?"+tc.query)
		v := embeddedView(t, parsePage(t, body))
		if res.StatusCode != http.StatusOK || len(v.Articles) == 0 {
			t.Fatalf("%s: %d, %d articles", tc.query, res.StatusCode, len(v.Articles))
		}
		want := news.Lang(strings.TrimPrefix(strings.Split(strings.SplitN(tc.query, "content-lang=", 2)[1], "&")[0], ""))
		for _, a := range v.Articles {
			if a.Lang != want {
				t.Errorf("%s: an article in %s (%s)", tc.query, a.Lang, a.Slug)
			}
		}
		if string(v.Lang) != tc.labels {
			t.Errorf("%s: labels in %s, want %s", tc.query, v.Lang, tc.labels)
		}
	}
	res, body := webtest.Get(t, srv.URL+"/embed?content-lang=de")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "content-lang") {
		t.Errorf("content-lang=de: %d", res.StatusCode)
	}
}

// A widget whose article was taken down (kiosque remove) shows the latest
// of its section, with no error, as any article not here does.
func TestAWidgetOfARemovedArticleShowsTheLatest(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, articles...); err != nil {
		t.Fatal(err)
	}
	kept := answers.NewCache(0)
	h, err := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Store: st, Lists: st,
		Web: withoutWasm{os.DirFS("../../web")}, Site: "Kiosque Test", Answers: kept})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	path := "/embed?article=" + seedSlug + "&category=culture"
	_, before := webtest.Get(t, srv.URL+path)
	if v := embeddedView(t, parsePage(t, before)); v.Article == nil || v.Article.Slug != seedSlug {
		t.Fatalf("before the takedown: shows %v, want the article", v.Article)
	}
	if _, err := st.Block(ctx, seedSlug); err != nil {
		t.Fatal(err)
	}
	kept.Drop() // as the server's replica does on every commit
	res, body := webtest.Get(t, srv.URL+path)
	v := embeddedView(t, parsePage(t, body))
	if res.StatusCode != http.StatusOK || v.Error != "" || v.Article != nil || len(v.Articles) == 0 ||
		v.Category == nil || v.Category.Slug != "culture" || strings.Contains(string(body), `role="alert"`) {
		t.Errorf("after the takedown: %d, error %q, article %v, %d articles of %v", res.StatusCode, v.Error, v.Article, len(v.Articles), v.Category)
	}
}

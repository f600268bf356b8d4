package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kiosque/kiosque/app/webtest"
)

// The embed builder is prerendered like every page, in the three
// languages (Arabic right to left), named in the site's navigation, with
// the code for the article its address names already in the page.
func TestPublishIsPrerenderedInEachLanguage(t *testing.T) {
	srv := newTestServer(t)
	for _, tc := range []struct {
		query, lang, dir, title, nav string
	}{
		{"", "fr", "ltr", "Intégrer le widget sur votre site", "Intégrer"},
		{"?lang=ar", "ar", "rtl", "ضمّن الأداة في موقعك", "تضمين"},
		{"?lang=en", "en", "ltr", "Embed the widget on your site", "Embed"},
	} {
		path := "/publish" + tc.query
		res, body := webtest.Get(t, srv.URL+path, "Accept-Language", "fr")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		doc := parsePage(t, body)
		htmlEl := elements(doc, func(n *html.Node) bool { return n.Data == "html" })[0]
		if attribute(htmlEl, "lang") != tc.lang || attribute(htmlEl, "dir") != tc.dir {
			t.Errorf("%s: <html lang=%q dir=%q>", path, attribute(htmlEl, "lang"), attribute(htmlEl, "dir"))
		}
		if h1 := elements(doc, func(n *html.Node) bool { return n.Data == "h1" }); len(h1) != 1 || text(h1[0]) != tc.title {
			t.Errorf("%s: h1 %v, want %q", path, h1, tc.title)
		}
		if links := elements(doc, func(n *html.Node) bool { return n.Data == "a" && attribute(n, "href") == "/publish" }); len(links) != 1 || text(links[0]) != tc.nav {
			t.Errorf("%s: the navigation names the builder %v, want %q", path, links, tc.nav)
		}
		for _, id := range []string{"publish-code-script", "publish-code-iframe", "publish-code-wordpress", "publish-preview-320", "publish-preview-390", "publish-preview-desktop"} {
			if len(elements(doc, func(n *html.Node) bool { return attribute(n, "id") == id })) != 1 {
				t.Errorf("%s: no #%s", path, id)
			}
		}
		if v := embeddedView(t, doc); v.Publish == nil || v.Publish.Origin != srv.URL {
			t.Errorf("%s: the view says the builder's origin is %+v, want %s", path, v.Publish, srv.URL)
		}
	}
}

// The builder's address holds the choice: the code is prerendered for
// it, options at their default left out, the article named by its page's
// address found, and a value the widget does not take left out of the code
// and marked.
func TestPublishPrerendersTheCodeItsAddressAsksFor(t *testing.T) {
	srv := newTestServer(t)
	article := srv.URL + "/a/" + seedSlug
	_, body := webtest.Get(t, srv.URL+"/publish?lang=en&url="+article+"&widget-theme=dark&widget-lang=ar&layout=carousel&limit=6&accent=%230A58CA&placement=Bas+de+page&radius=abc")
	doc := parsePage(t, body)
	code := func(id string) string {
		n := elements(doc, func(n *html.Node) bool { return attribute(n, "id") == id })
		if len(n) != 1 {
			t.Fatalf("no #%s", id)
		}
		return text(n[0])
	}
	script := code("publish-code-script")
	want := `<div class="kiosque-embed" data-article="` + seedSlug + `" data-theme="dark" data-lang="ar" data-layout="carousel" data-placement="bas-de-page" data-accent="#0a58ca">` + "\n" +
		`  <a href="` + srv.URL + `/a/` + seedSlug + `">`
	if !strings.HasPrefix(script, want) || !strings.HasSuffix(script, `</a>`+"\n</div>\n"+`<script async src="`+srv.URL+`/embed.js"></script>`) {
		t.Errorf("script snippet:\n%s\nwant it to start with\n%s", script, want)
	}
	if got, want := code("publish-code-wordpress"), article+"?lang=ar&layout=carousel&theme=dark"; got != want {
		t.Errorf("WordPress address %q, want %q", got, want)
	}
	frame := code("publish-code-iframe")
	if !strings.Contains(frame, `src="`+srv.URL+`/embed?article=`+seedSlug+`&amp;lang=ar&amp;layout=carousel&amp;theme=dark#accent=%230a58ca&amp;placement=bas-de-page"`) {
		t.Errorf("iframe code %s", frame)
	}
	// The page carries the article's summary, not its text.
	if v := embeddedView(t, doc); v.Article == nil || v.Article.Slug != seedSlug || v.Article.HTML != "" || len(v.Article.Body) > 0 {
		t.Errorf("the builder's view holds the article %+v", v.Article)
	}
	bad := elements(doc, func(n *html.Node) bool { return attribute(n, "id") == "publish-radius" })
	if len(bad) != 1 || attribute(bad[0], "aria-invalid") != "true" || strings.Contains(script, "data-radius") {
		t.Errorf("a radius of abc is not marked refused, or is in the code: %s", script)
	}
}

// The article page offers to share the article and to embed it: a share
// button that carries the article's address and title, and a plain link
// to the builder with the article chosen.
func TestArticlePageOffersShareAndEmbed(t *testing.T) {
	srv := newTestServer(t)
	_, body := webtest.Get(t, srv.URL+"/a/"+seedSlug+"?lang=en")
	doc := parsePage(t, body)
	share := elements(doc, hasClass("share-button"))
	if len(share) != 1 || attribute(share[0], "data-share") == "" || attribute(share[0], "data-title") == "" || text(share[0]) != "Share" {
		t.Errorf("share button %v", share)
	}
	embed := elements(doc, hasClass("embed-link"))
	if len(embed) != 1 || attribute(embed[0], "href") != "/publish?article="+seedSlug+"&lang=en" {
		t.Errorf("embed link %v", embed)
	}
}

// The builder's maximum height for WordPress travels in the widget's
// address it writes; oEmbed keeps the lower of it and the consumer's.
func TestPublishMaximumHeightReachesWordPressFrames(t *testing.T) {
	srv := newTestServer(t)
	_, body := webtest.Get(t, srv.URL+"/publish?article="+seedSlug+"&maxheight=400")
	doc := parsePage(t, body)
	wp := elements(doc, func(n *html.Node) bool { return attribute(n, "id") == "publish-code-wordpress" })
	if len(wp) != 1 {
		t.Fatal("no WordPress address")
	}
	address := text(wp[0])
	if want := srv.URL + "/embed?article=" + seedSlug + "&maxheight=400"; address != want {
		t.Fatalf("WordPress address %q, want %q", address, want)
	}
	for _, consumer := range []string{"750", "300"} {
		_, body := webtest.Get(t, oembedURL(srv.URL, address, "maxwidth", "500", "maxheight", consumer))
		answer := decode[OEmbed](t, body)
		frame := elements(parsePage(t, []byte(answer.HTML)), func(n *html.Node) bool { return n.Data == "iframe" })
		want := min(400, atoi(t, consumer))
		if len(frame) != 1 || !strings.Contains(attribute(frame[0], "src"), "maxheight="+strconv.Itoa(want)) || answer.Height > want {
			t.Errorf("consumer's maxheight %s: height %d, frame %v; want at most %d", consumer, answer.Height, frame, want)
		}
	}
}

// A server whose widget only some sites may frame lets its own pages
// frame it too: the builder's previews; its pages stay unframeable.
func TestTheSiteMayFrameItsOwnWidget(t *testing.T) {
	for list, want := range map[string]string{
		"https://a.example":        "frame-ancestors https://a.example 'self'",
		"'self' https://a.example": "frame-ancestors 'self' https://a.example",
		"*":                        "frame-ancestors *",
		"'none'":                   "frame-ancestors 'none'",
	} {
		srv := newTestServerWith(t, func(c *Config) { c.FrameAncestors = list })
		res, _ := webtest.Get(t, srv.URL+"/embed?article="+seedSlug)
		if csp := res.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "; "+want) {
			t.Errorf("-frame-ancestors %q: the widget's policy ends %q, want %q", list, csp[strings.LastIndex(csp, ";")+1:], want)
		}
		res, _ = webtest.Get(t, srv.URL+"/publish")
		if csp := res.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "; frame-ancestors 'self'") || res.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
			t.Errorf("-frame-ancestors %q: the builder's policy %q", list, csp)
		}
	}
}

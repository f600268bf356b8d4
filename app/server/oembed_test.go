package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/webtest"
	"golang.org/x/net/html"
)

// The loader's budget: partners' pages load it on every view. It was 2 KB
// until the loader checked its options and gave a failed frame's place
// back (2,135 bytes then): a tenth of a kilobyte for a page that never
// shows a hole. Reading the page's look and checking the partner's
// (data-look, data-font, data-accent, data-radius) took it from 2,145 to
// 2,653 bytes.
const embedScriptMaxGzip = 2700

func TestEmbedScriptIsSmallAndCacheable(t *testing.T) {
	srv := newTestServer(t)
	source, err := os.ReadFile("../../web/embed.js")
	if err != nil {
		t.Fatal(err)
	}
	res, raw := webtest.Get(t, srv.URL+"/embed.js", "Accept-Encoding", "identity")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, raw)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("Content-Type %q, want text/javascript", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != embedScriptCache {
		t.Errorf("Cache-Control %q, want %q", cc, embedScriptCache)
	}
	tag := res.Header.Get("ETag")
	if tag == "" {
		t.Error("no ETag")
	}
	if len(raw) >= len(source) || bytes.Contains(raw, []byte("// ")) {
		t.Errorf("not minified: %d bytes served for a source of %d", len(raw), len(source))
	}
	if !bytes.Contains(raw, []byte("kiosque:resize")) {
		t.Error("the served loader does not speak the resize protocol")
	}

	res, zipped := webtest.Get(t, srv.URL+"/embed.js", "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("asked for gzip, got Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	if len(zipped) > embedScriptMaxGzip {
		t.Errorf("embed.js is %d bytes gzipped, over its budget of %d", len(zipped), embedScriptMaxGzip)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	if unzipped, err := io.ReadAll(zr); err != nil || !bytes.Equal(unzipped, raw) {
		t.Errorf("the gzipped loader differs from the plain one (%v)", err)
	}
	t.Logf("embed.js: source %d B, minified %d B, gzip %d B", len(source), len(raw), len(zipped))

	res, body := webtest.Get(t, srv.URL+"/embed.js", "If-None-Match", tag)
	if res.StatusCode != http.StatusNotModified || len(body) != 0 || res.Header.Get("Cache-Control") != embedScriptCache {
		t.Errorf("revalidation: %d, %d bytes, Cache-Control %q", res.StatusCode, len(body), res.Header.Get("Cache-Control"))
	}
	head, _ := webtest.Raw(t, http.MethodHead, srv.URL+"/embed.js")
	if head.StatusCode != http.StatusOK || head.Header.Get("Cache-Control") != embedScriptCache {
		t.Errorf("HEAD: %d, Cache-Control %q", head.StatusCode, head.Header.Get("Cache-Control"))
	}
}

func oembedURL(srv, target string, params ...string) string {
	q := url.Values{"url": {target}}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	return srv + "/oembed?" + q.Encode()
}

// oembedFrame parses an answer's HTML as WordPress sees it: the elements
// it keeps, the frame's source, and the fallback's first link.
func oembedFrame(t *testing.T, answer OEmbed) (tags []string, src, link string) {
	t.Helper()
	doc := parsePage(t, []byte(answer.HTML))
	body := elements(doc, func(n *html.Node) bool { return n.Data == "body" })[0]
	for n := range body.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		tags = append(tags, n.Data)
		switch n.Data {
		case "iframe":
			src = attribute(n, "src")
		case "a":
			if link == "" {
				link = attribute(n, "href")
			}
		}
	}
	return tags, src, link
}

func TestOEmbedForAnArticlePage(t *testing.T) {
	srv := newTestServer(t)
	res, body := webtest.Get(t, oembedURL(srv.URL, srv.URL+"/a/"+seedSlug, "format", "json"))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	answer := decode[OEmbed](t, body)
	_, article := webtest.Get(t, srv.URL+"/api/v1/articles/"+seedSlug)
	a := decode[news.Article](t, article)

	if answer.Type != "rich" || answer.Version != "1.0" || answer.Title != a.Title ||
		answer.ProviderName != "Kiosque Test" || answer.ProviderURL != srv.URL+"/" || answer.CacheAge <= 0 {
		t.Errorf("answer: %+v", answer)
	}
	if answer.Width != oembedWidth || answer.Height < 200 || answer.Height > 1000 {
		t.Errorf("size %d×%d, want %d wide and a height WordPress keeps", answer.Width, answer.Height, oembedWidth)
	}
	tags, src, link := oembedFrame(t, answer)
	if strings.Join(tags, " ") != "blockquote a iframe" {
		t.Errorf("HTML elements %v, want only the ones WordPress keeps: blockquote a iframe", tags)
	}
	if src != srv.URL+"/embed?article="+seedSlug {
		t.Errorf("frame source %q", src)
	}
	if link != srv.URL+"/a/"+seedSlug {
		t.Errorf("fallback link %q, want the article's page", link)
	}
	// The fallback quote has some height: the title, then the excerpt,
	// on no line of its own (WordPress drops line breaks).
	if !strings.Contains(answer.HTML, "</a> — "+html.EscapeString(a.Excerpt)) || strings.Contains(answer.HTML, "\n") {
		t.Errorf("the fallback quote is not the title and the excerpt: %s", answer.HTML)
	}
	if res, _ := webtest.Get(t, src); res.StatusCode != http.StatusOK || res.Header.Get("X-Frame-Options") != "" {
		t.Errorf("the frame's page: %d, X-Frame-Options %q", res.StatusCode, res.Header.Get("X-Frame-Options"))
	}

	if !strings.HasPrefix(answer.ThumbnailURL, srv.URL+"/web/") || answer.ThumbnailWidth != a.Image.Width || answer.ThumbnailHeight != a.Image.Height {
		t.Errorf("thumbnail %q %d×%d, want the article's image on this server", answer.ThumbnailURL, answer.ThumbnailWidth, answer.ThumbnailHeight)
	}
	if res, _ := webtest.Get(t, answer.ThumbnailURL); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
		t.Errorf("thumbnail: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestOEmbedRespectsMaximumSizes(t *testing.T) {
	srv := newTestServer(t)
	for _, tc := range []struct{ maxWidth, maxHeight string }{{"300", "200"}, {"1000", "250"}, {"480", "5000"}} {
		_, body := webtest.Get(t, oembedURL(srv.URL, srv.URL+"/a/"+seedSlug, "maxwidth", tc.maxWidth, "maxheight", tc.maxHeight))
		answer := decode[OEmbed](t, body)
		if answer.Width <= 0 || answer.Height <= 0 || answer.Width > atoi(t, tc.maxWidth) || answer.Height > atoi(t, tc.maxHeight) ||
			answer.ThumbnailWidth > atoi(t, tc.maxWidth) || answer.ThumbnailHeight > atoi(t, tc.maxHeight) {
			t.Errorf("max %s×%s: frame %d×%d, thumbnail %d×%d", tc.maxWidth, tc.maxHeight,
				answer.Width, answer.Height, answer.ThumbnailWidth, answer.ThumbnailHeight)
		}
		frame := elements(parsePage(t, []byte(answer.HTML)), func(n *html.Node) bool { return n.Data == "iframe" })[0]
		// WordPress drops the style, keeps width and height: the frame
		// spans the column, and has no height attribute, which the block
		// editor would take for a video's aspect ratio.
		if attribute(frame, "width") != "100%" || hasAttribute(frame, "height") ||
			!strings.Contains(attribute(frame, "style"), "height:"+strconv.Itoa(answer.Height)+"px") {
			t.Errorf("the frame's attributes: %v, want width 100%%, no height, and %d px in its style", frame.Attr, answer.Height)
		}
		// The widget is asked to fit within the consumer's maximum height.
		if src, _ := url.Parse(attribute(frame, "src")); src.Query().Get("maxheight") != tc.maxHeight {
			t.Errorf("the frame %s does not pass maxheight=%s on", src, tc.maxHeight)
		}
	}
	// The widget's height follows its width: narrow frames stack the featured card.
	_, narrow := webtest.Get(t, oembedURL(srv.URL, srv.URL+"/a/"+seedSlug, "maxwidth", "360"))
	_, wide := webtest.Get(t, oembedURL(srv.URL, srv.URL+"/a/"+seedSlug))
	if n, w := decode[OEmbed](t, narrow), decode[OEmbed](t, wide); n.Height <= w.Height {
		t.Errorf("a %d px frame is given %d px, a %d px one %d px", n.Width, n.Height, w.Width, w.Height)
	}
}

func TestOEmbedForACanonicalURL(t *testing.T) {
	canonical := "https://publisher.example/2026/05/une-breve-du-jour/"
	srv := newTestServer(t, news.Article{
		Slug: "une-breve-du-jour", URL: canonical, Title: "Une brève « du jour »",
		Excerpt: "Une brève.", Body: []string{"Une brève."}, Category: "Société", Lang: news.French,
		Published: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC), Source: "test",
	})
	for _, asked := range []string{canonical, "http://publisher.example/2026/05/une-breve-du-jour", canonical + "#comments"} {
		res, body := webtest.Get(t, oembedURL(srv.URL, asked))
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %s", asked, res.StatusCode, body)
			continue
		}
		answer := decode[OEmbed](t, body)
		_, src, link := oembedFrame(t, answer)
		if src != srv.URL+"/embed?article=une-breve-du-jour" || link != canonical || answer.Title != "Une brève « du jour »" {
			t.Errorf("%s: frame %q, link %q, title %q", asked, src, link, answer.Title)
		}
		if answer.ThumbnailURL != "" {
			t.Errorf("%s: a thumbnail %q for an article without an image", asked, answer.ThumbnailURL)
		}
	}
	for _, unknown := range []string{
		"https://publisher.example/2026/05/autre-chose/",
		"https://elsewhere.example/2026/05/une-breve-du-jour/", // the slug, on another site
		"https://publisher.example/2026/05/une-breve-du-jour/?p=2",
		"https://elsewhere.example/a/" + seedSlug, // our path, on another host
		srv.URL + "/a/no-such-article",
		srv.URL + "/a/" + seedSlug + "/extra",
		srv.URL + "/embed?article=no-such-article",
		srv.URL + "/embed?category=no-such-section",
		srv.URL + "/",
	} {
		if res, body := webtest.Get(t, oembedURL(srv.URL, unknown)); res.StatusCode != http.StatusNotFound || !isProblem(res) {
			t.Errorf("%s: %d %s %s, want a 404 problem", unknown, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
}

func TestOEmbedForAWidgetURL(t *testing.T) {
	srv := newTestServer(t)
	res, body := webtest.Get(t, oembedURL(srv.URL, srv.URL+"/embed?category=culture&theme=dark&utm_source=x#kiosque=k1"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	answer := decode[OEmbed](t, body)
	_, src, link := oembedFrame(t, answer)
	if src != srv.URL+"/embed?category=culture&theme=dark" {
		t.Errorf("frame source %q, want the widget's options only", src)
	}
	if link != srv.URL+"/?category=culture" || !strings.Contains(answer.Title, "Culture") || answer.ThumbnailURL != "" {
		t.Errorf("link %q, title %q, thumbnail %q", link, answer.Title, answer.ThumbnailURL)
	}

	_, body = webtest.Get(t, oembedURL(srv.URL, srv.URL+"/embed?article="+seedSlug+"&layout=cards&limit=3", "maxwidth", "900"))
	cards := decode[OEmbed](t, body)
	_, body = webtest.Get(t, oembedURL(srv.URL, srv.URL+"/embed?article="+seedSlug+"&layout=carousel", "maxwidth", "900"))
	carousel := decode[OEmbed](t, body)
	if cards.Height <= carousel.Height {
		t.Errorf("a grid of 4 cards is given %d px, a carousel %d px", cards.Height, carousel.Height)
	}
}

func TestOEmbedBadRequests(t *testing.T) {
	srv := newTestServer(t)
	page := srv.URL + "/a/" + seedSlug
	for _, tc := range []struct {
		name   string
		query  string
		status int
		param  string
	}{
		{"no url", "/oembed?format=json", 400, "url"},
		{"relative url", "/oembed?url=/a/" + seedSlug, 400, "url"},
		{"not the web", "/oembed?url=" + url.QueryEscape("javascript:alert(1)"), 400, "url"},
		{"ftp", "/oembed?url=" + url.QueryEscape("ftp://x.example/a/"+seedSlug), 400, "url"},
		{"maxwidth word", "/oembed?maxwidth=wide&url=" + url.QueryEscape(page), 400, "maxwidth"},
		{"maxwidth zero", "/oembed?maxwidth=0&url=" + url.QueryEscape(page), 400, "maxwidth"},
		{"maxheight negative", "/oembed?maxheight=-5&url=" + url.QueryEscape(page), 400, "maxheight"},
		{"bad widget option", "/oembed?url=" + url.QueryEscape(srv.URL+"/embed?article="+seedSlug+"&limit=99"), 400, "url"},
		{"xml", "/oembed?format=xml&url=" + url.QueryEscape(page), 501, ""},
		{"yaml", "/oembed?format=yaml&url=" + url.QueryEscape(page), 501, ""},
	} {
		res, body := webtest.Get(t, srv.URL+tc.query)
		if res.StatusCode != tc.status || !isProblem(res) {
			t.Errorf("%s: %d %s, want a %d problem", tc.name, res.StatusCode, res.Header.Get("Content-Type"), tc.status)
			continue
		}
		if p := decode[Problem](t, body); p.Param != tc.param {
			t.Errorf("%s: the problem names %q, want %q", tc.name, p.Param, tc.param)
		}
	}
	res, err := http.Post(oembedURL(srv.URL, page), "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", res.StatusCode)
	}
}

func TestArticlePagesOfferOEmbedDiscovery(t *testing.T) {
	srv := newTestServer(t)
	behindProxy := newTestServerWith(t, func(c *Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	})
	// X-Forwarded-Proto counts from a trusted proxy only.
	for _, tc := range []struct {
		srv           *httptest.Server
		proto, scheme string
	}{{srv, "", "http"}, {srv, "https", "http"}, {behindProxy, "https", "https"}} {
		srv := tc.srv
		var header []string
		if tc.proto != "" {
			header = []string{"X-Forwarded-Proto", tc.proto}
		}
		_, body := webtest.Get(t, srv.URL+"/a/"+seedSlug, header...)
		links := elements(parsePage(t, body), func(n *html.Node) bool {
			return n.Data == "link" && attribute(n, "rel") == "alternate" && attribute(n, "type") == "application/json+oembed"
		})
		if len(links) != 1 {
			t.Fatalf("%d oEmbed discovery links, want 1", len(links))
		}
		href, err := url.Parse(attribute(links[0], "href"))
		if err != nil || href.Scheme != tc.scheme || href.Host != strings.TrimPrefix(srv.URL, "http://") || href.Path != "/oembed" {
			t.Fatalf("discovery href %q, want an absolute %s URL of /oembed", attribute(links[0], "href"), tc.scheme)
		}
		if asked := href.Query().Get("url"); asked != tc.scheme+"://"+href.Host+"/a/"+seedSlug {
			t.Errorf("discovery asks about %q", asked)
		}
		href.Scheme = "http" // the test server speaks http; the proxy would have ended TLS
		res, answer := webtest.Get(t, href.String(), header...)
		if res.StatusCode != http.StatusOK || !strings.Contains(string(answer), `"type":"rich"`) ||
			!strings.Contains(string(answer), tc.scheme+"://"+href.Host+"/embed?article=") {
			t.Errorf("following discovery: %d %s", res.StatusCode, answer)
		}
	}
	for _, path := range []string{"/", "/a/no-such-article", "/embed?article=no-such-article"} {
		_, body := webtest.Get(t, srv.URL+path)
		if strings.Contains(string(body), "json+oembed") {
			t.Errorf("%s offers oEmbed discovery; only article and widget pages should", path)
		}
	}
}

// Options pasted with an article's or a widget's address reach the
// widget's frame: through discovery, and through /oembed asked directly.
func TestPastedOptionsReachTheFrame(t *testing.T) {
	srv := newTestServer(t)
	for _, tc := range []struct{ pasted, frame string }{
		{"/a/" + seedSlug + "?theme=dark&utm_source=x&lang=ar&layout=carousel&limit=3",
			"/embed?article=" + seedSlug + "&lang=ar&layout=carousel&maxheight=750&theme=dark"},
		{"/embed?article=" + seedSlug + "&theme=dark&limit=3&wasm=eager",
			"/embed?article=" + seedSlug + "&limit=3&maxheight=750&theme=dark"},
	} {
		_, body := webtest.Get(t, srv.URL+tc.pasted)
		links := elements(parsePage(t, body), func(n *html.Node) bool {
			return n.Data == "link" && attribute(n, "type") == "application/json+oembed"
		})
		if len(links) != 1 {
			t.Errorf("%s: %d oEmbed discovery links, want 1", tc.pasted, len(links))
			continue
		}
		// WordPress adds its sizes, and asks about the address pasted.
		discovered, _ := url.Parse(attribute(links[0], "href"))
		q := discovered.Query()
		q.Set("maxwidth", "500")
		q.Set("maxheight", "750")
		for _, asked := range []string{discovered.Path + "?" + q.Encode(), oembedURL("", srv.URL+tc.pasted, "maxwidth", "500", "maxheight", "750")} {
			res, answer := webtest.Get(t, srv.URL+asked)
			if res.StatusCode != http.StatusOK {
				t.Errorf("%s: %d %s", asked, res.StatusCode, answer)
				continue
			}
			if _, src, _ := oembedFrame(t, decode[OEmbed](t, answer)); src != srv.URL+tc.frame {
				t.Errorf("%s: frame %s, want %s", asked, src, srv.URL+tc.frame)
			}
		}
	}
	// A bad option is the page's error, not a broken frame later.
	if res, _ := webtest.Get(t, srv.URL+"/a/"+seedSlug+"?layout=grid"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("layout=grid on an article's page: %d, want 400", res.StatusCode)
	}
}

func hasAttribute(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func isProblem(res *http.Response) bool {
	return res.Header.Get("Content-Type") == "application/problem+json"
}

// A widget of the latest articles names its origin in its oEmbed
// discovery link, as an article's page does: without a public URL, each
// origin asked for gets its own (the answer kept for one origin is never
// another's).
func TestAWidgetsDiscoveryNamesTheOriginItWasAskedAt(t *testing.T) {
	srv := newTestServer(t)
	for _, host := range []string{"first.localhost", "second.localhost", "first.localhost"} {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/embed?theme=dark", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		links := elements(parsePage(t, body), func(n *html.Node) bool {
			return n.Data == "link" && attribute(n, "type") == "application/json+oembed"
		})
		if len(links) != 1 {
			t.Fatalf("asked at %s: %d oEmbed discovery links, want 1", host, len(links))
		}
		if href, want := attribute(links[0], "href"), "http://"+host+"/oembed?"; !strings.HasPrefix(href, want) {
			t.Errorf("asked at %s, the discovery link is %s", host, href)
		}
	}
}

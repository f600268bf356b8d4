package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/related"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store/sqlite"
	"github.com/kiosque/kiosque/app/webtest"
)

// The slug of the seed article and of the article its page links to.
const (
	seedSlug     = "hammouchi-examine-a-vienne-les-defis-du-terrorisme"
	alOmraneSlug = "al-omrane-inaugure-son-agence-renovee-a-paris"
)

// newTestServer serves the bundled sample from a store in a temporary
// folder, with the real ranker and the real web files.
func newTestServer(t *testing.T, extra ...news.Article) *httptest.Server {
	t.Helper()
	return newTestServerWith(t, func(*Config) {}, extra...)
}

// newTestServerWith is newTestServer with a configuration that set changes.
func newTestServerWith(t *testing.T, set func(*Config), extra ...news.Article) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(newTestHandler(t, set, extra...))
	t.Cleanup(srv.Close)
	return srv
}

// newTestHandler is the handler newTestServerWith serves.
func newTestHandler(t testing.TB, set func(*Config), extra ...news.Article) http.Handler {
	t.Helper()
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
	if err := st.Put(ctx, append(articles, extra...)...); err != nil {
		t.Fatal(err)
	}
	all, err := st.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The lists the leader's index would keep in the store.
	index := related.NewIndex(related.DefaultOptions())
	index.Put(all...)
	changed, _ := index.Dirty()
	if err := st.PutRelatedLists(ctx, index.Lists(changed)); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Store: st,
		Lists: st,
		Web:   withoutWasm{os.DirFS("../../web")},
		Site:  "Kiosque Test",
	}
	set(&cfg)
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// withoutWasm hides the built wasm, which these tests do not load: reading
// and compressing it would only slow them down.
type withoutWasm struct{ fs.FS }

func (w withoutWasm) Open(name string) (fs.File, error) {
	if strings.HasPrefix(path.Base(name), "app.wasm") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return w.FS.Open(name)
}

func (w withoutWasm) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(w.FS, name)
	kept := entries[:0]
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "app.wasm") {
			kept = append(kept, e)
		}
	}
	return kept, err
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

type articleList struct {
	Articles []news.Article `json:"articles"`
	Next     string         `json:"next"`
}

func TestListArticlesPagesThroughEverything(t *testing.T) {
	srv := newTestServer(t)
	seen := map[string]bool{}
	var last time.Time
	next := ""
	for pages := 0; pages < 20; pages++ {
		res, body := webtest.Get(t, srv.URL+"/api/v1/articles?limit=7&cursor="+url.QueryEscape(next))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		page := decode[articleList](t, body)
		if len(page.Articles) > 7 {
			t.Fatalf("a page of %d articles for limit 7", len(page.Articles))
		}
		for _, a := range page.Articles {
			if seen[a.Slug] {
				t.Errorf("%s listed twice", a.Slug)
			}
			if !last.IsZero() && a.Published.After(last) {
				t.Errorf("%s is newer than the article before it", a.Slug)
			}
			seen[a.Slug], last = true, a.Published
		}
		if next = page.Next; next == "" {
			break
		}
	}
	articles, _ := sample.Articles()
	if len(seen) != len(articles) {
		t.Errorf("paging listed %d articles, the store has %d", len(seen), len(articles))
	}
}

func TestListArticlesDefaultsAndFilters(t *testing.T) {
	srv := newTestServer(t)
	_, body := webtest.Get(t, srv.URL+"/api/v1/articles")
	if n := len(decode[articleList](t, body).Articles); n != 12 {
		t.Errorf("default page holds %d articles, want 12", n)
	}
	for _, q := range []string{"category=economie", "category=%C3%89conomie"} {
		_, body = webtest.Get(t, srv.URL+"/api/v1/articles?limit=50&"+q)
		list := decode[articleList](t, body).Articles
		if len(list) == 0 {
			t.Errorf("%s: no articles", q)
		}
		for _, a := range list {
			if a.Category != "Économie" {
				t.Errorf("%s: got an article of %s", q, a.Category)
			}
		}
	}
	_, body = webtest.Get(t, srv.URL+"/api/v1/articles?limit=50&lang=ar")
	list := decode[articleList](t, body).Articles
	if len(list) < 5 {
		t.Errorf("only %d Arabic articles", len(list))
	}
	for _, a := range list {
		if a.Lang != news.Arabic {
			t.Errorf("lang=ar gave an article in %s", a.Lang)
		}
	}
}

func TestBadInputIsAProblemNamingTheParameter(t *testing.T) {
	srv := newTestServer(t)
	for _, tc := range []struct{ path, param string }{
		{"/api/v1/articles?limit=abc", "limit"},
		{"/api/v1/articles?limit=0", "limit"},
		{"/api/v1/articles?limit=51", "limit"},
		{"/api/v1/articles?limit=-1", "limit"},
		{"/api/v1/articles?limit=1e9", "limit"},
		{"/api/v1/articles?lang=de", "lang"},
		{"/api/v1/articles?cursor=garbage", "cursor"},
		{"/api/v1/articles/" + seedSlug + "/related?limit=0", "limit"},
		{"/api/v1/articles/" + seedSlug + "/related?limit=13", "limit"},
		{"/api/v1/view?path=https://evil.example/", "path"},
		{"/api/v1/view?path=/embed?limit=99", "limit"},
	} {
		res, body := webtest.Get(t, srv.URL+tc.path)
		if res.StatusCode != http.StatusBadRequest || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: got %d %s, want 400 problem+json", tc.path, res.StatusCode, res.Header.Get("Content-Type"))
			continue
		}
		p := decode[Problem](t, body)
		if p.Param != tc.param || p.Status != 400 || p.Title != "Bad Request" || !strings.Contains(p.Detail, tc.param) {
			t.Errorf("%s: problem %+v, want it to name %s", tc.path, p, tc.param)
		}
	}
}

func TestUnknownThingsAre404Problems(t *testing.T) {
	srv := newTestServer(t)
	for _, path := range []string{
		"/api/v1/articles/no-such-article",
		"/api/v1/articles/no-such-article/related",
		"/api/v1/articles/%22%3E%3Cscript%3E",
		"/api/v2/articles",
		"/api/v1/view?path=/nowhere",
	} {
		res, body := webtest.Get(t, srv.URL+path)
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: got %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if p := decode[Problem](t, body); p.Status != 404 || p.Detail == "" {
			t.Errorf("%s: problem %+v", path, p)
		}
	}
}

func TestWrongMethodIs405(t *testing.T) {
	srv := newTestServer(t)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		for _, path := range []string{"/api/v1/articles", "/api/v1/articles/" + seedSlug, "/api/v1/categories", "/embed"} {
			req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader("{}"))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD, OPTIONS" ||
				res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s: got %d, Allow %q", method, path, res.StatusCode, res.Header.Get("Allow"))
			}
		}
	}
}

// A partner's script that reads the API with a header browsers do not
// send on their own (If-None-Match, to revalidate what it kept) is
// preceded by a preflight: it gets leave to read, from any origin.
func TestPreflightsGetLeaveToRead(t *testing.T) {
	srv := newTestServer(t)
	for _, path := range []string{
		"/api/v1/articles", "/api/v1/articles/" + seedSlug, "/api/v1/articles/" + seedSlug + "/related",
		"/api/v1/categories", "/api/v1/view?path=%2F", "/api/v1/nothing-here", "/oembed", "/embed",
	} {
		res, _ := webtest.Raw(t, http.MethodOptions, srv.URL+path, "Origin", "https://partner.example",
			"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "if-none-match,x-partner")
		h := res.Header
		if res.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), "GET") || h.Get("Access-Control-Allow-Headers") != "*" ||
			h.Get("Access-Control-Max-Age") == "" || h.Get("Allow") != "GET, HEAD, OPTIONS" {
			t.Errorf("OPTIONS %s: %d, headers %v", path, res.StatusCode, h)
		}
	}
}

func TestGetArticle(t *testing.T) {
	srv := newTestServer(t)
	res, body := webtest.Get(t, srv.URL+"/api/v1/articles/"+seedSlug)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	a := decode[news.Article](t, body)
	if a.Slug != seedSlug || a.Lang != news.French || a.Category != "International" || len(a.Body) < 5 {
		t.Errorf("got %+v", a)
	}
	if !strings.HasPrefix(a.Body[0], "Abdelatif Hammouchi, directeur général de la sécurité nationale") {
		t.Errorf("first paragraph: %q", a.Body[0])
	}
}

func TestRelatedNeverHoldsTheArticleItself(t *testing.T) {
	srv := newTestServer(t)
	articles, _ := sample.Articles()
	for _, a := range articles {
		res, body := webtest.Get(t, srv.URL+"/api/v1/articles/"+a.Slug+"/related")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", a.Slug, res.StatusCode)
		}
		list := decode[articleList](t, body).Articles
		if len(list) == 0 || len(list) > 6 {
			t.Errorf("%s: %d related, want 1 to 6", a.Slug, len(list))
		}
		for _, r := range list {
			if r.Slug == a.Slug {
				t.Errorf("%s is related to itself", a.Slug)
			}
		}
	}
	_, body := webtest.Get(t, srv.URL+"/api/v1/articles/"+seedSlug+"/related?limit=2")
	if n := len(decode[articleList](t, body).Articles); n != 2 {
		t.Errorf("limit=2 gave %d", n)
	}
}

func TestCategories(t *testing.T) {
	srv := newTestServer(t)
	_, body := webtest.Get(t, srv.URL+"/api/v1/categories")
	list := decode[struct{ Categories []news.Category }](t, body).Categories
	if len(list) < 6 {
		t.Fatalf("%d categories, want at least 6", len(list))
	}
	total := 0
	for _, c := range list {
		total += c.Count
		if c.Slug == "" || c.Name == "" || c.Count < 1 {
			t.Errorf("category %+v", c)
		}
	}
	articles, _ := sample.Articles()
	if total != len(articles) {
		t.Errorf("categories count %d articles, the store has %d", total, len(articles))
	}
}

func TestETagAndCachingHeaders(t *testing.T) {
	srv := newTestServer(t)
	for _, path := range []string{
		"/api/v1/articles", "/api/v1/articles/" + seedSlug, "/api/v1/articles/" + seedSlug + "/related",
		"/api/v1/categories", "/", "/a/" + seedSlug, "/embed?article=" + seedSlug,
	} {
		res, _ := webtest.Get(t, srv.URL+path)
		tag := res.Header.Get("ETag")
		if res.StatusCode != http.StatusOK || tag == "" {
			t.Errorf("%s: status %d, ETag %q", path, res.StatusCode, tag)
			continue
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=") || !strings.Contains(cc, "stale-while-revalidate=") {
			t.Errorf("%s: Cache-Control %q", path, cc)
		}
		if res.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: no CORS header", path)
		}
		again, body := webtest.Get(t, srv.URL+path, "If-None-Match", tag)
		if again.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("%s: If-None-Match with its ETag gave %d and %d bytes", path, again.StatusCode, len(body))
		}
		other, _ := webtest.Get(t, srv.URL+path, "If-None-Match", `"something-else"`)
		if other.StatusCode != http.StatusOK {
			t.Errorf("%s: another ETag gave %d", path, other.StatusCode)
		}
	}
}

func TestHealthz(t *testing.T) {
	srv := newTestServer(t)
	res, body := webtest.Get(t, srv.URL+"/healthz")
	if res.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("got %d %q", res.StatusCode, body)
	}
}

func TestNoCookiesAnywhere(t *testing.T) {
	srv := newTestServer(t)
	for _, path := range []string{"/", "/a/" + seedSlug, "/embed", "/api/v1/articles", "/app.js", "/manifest.webmanifest"} {
		res, _ := webtest.Get(t, srv.URL+path)
		if len(res.Cookies()) > 0 || res.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s sets a cookie", path)
		}
	}
}

func TestLargeAnswersAreGzippedForClientsThatTakeIt(t *testing.T) {
	srv := newTestServer(t)
	for _, path := range []string{"/api/v1/articles", "/a/" + seedSlug} {
		res, zipped := webtest.Raw(t, http.MethodGet, srv.URL+path, "Accept-Encoding", "gzip")
		if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("%s: Content-Encoding %q, Vary %q", path, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, _ := io.ReadAll(zr)
		_, plain := webtest.Get(t, srv.URL+path, "Accept-Encoding", "identity")
		if path == "/api/v1/articles" && !bytes.Equal(unzipped, plain) {
			t.Errorf("%s: the gzipped body is not the plain one", path)
		}
		if len(zipped) >= len(unzipped) {
			t.Errorf("%s: gzip made %d bytes of %d", path, len(zipped), len(unzipped))
		}
		again, _ := webtest.Get(t, srv.URL+path, "Accept-Encoding", "gzip", "If-None-Match", res.Header.Get("ETag"))
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("%s: If-None-Match with the gzip tag gave %d", path, again.StatusCode)
		}
	}
}

func TestConfiguredPublicURLNamesTheServer(t *testing.T) {
	srv := newTestServerWith(t, func(c *Config) { c.PublicURL = "https://widget.example" })
	_, body := webtest.Get(t, srv.URL+"/a/"+seedSlug)
	if !strings.Contains(string(body), `href="https://widget.example/oembed?`) {
		t.Error("the discovery link does not use the public URL")
	}
	_, body = webtest.Get(t, srv.URL+"/oembed?url="+url.QueryEscape("https://widget.example/a/"+seedSlug))
	answer := decode[struct{ HTML string }](t, body)
	if !strings.Contains(answer.HTML, `src="https://widget.example/embed?`) {
		t.Errorf("the oEmbed iframe does not use the public URL: %s", answer.HTML)
	}
}

func TestGoRedirectsToThePublishersPage(t *testing.T) {
	withURL := news.Article{
		Slug: "chez-l-editeur", URL: "https://publisher.example/2026/11/chez-l-editeur",
		Title: "Chez l’éditeur", Category: "Culture", Lang: news.French, Published: time.Now().Add(-time.Hour),
	}
	srv := newTestServer(t, withURL)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for slug, want := range map[string]string{withURL.Slug: withURL.URL, seedSlug: "/a/" + seedSlug} {
		res, err := client.Get(srv.URL + "/go/" + slug)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != want {
			t.Errorf("/go/%s: %d to %q, want 302 to %q", slug, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	if res, _ := webtest.Get(t, srv.URL+"/go/no-such-article"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/go/no-such-article: %d", res.StatusCode)
	}
}

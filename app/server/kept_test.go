package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/webtest"
)

// keptRoutes are routes whose answers are kept, as a reader or a partner
// asks them of the server at base.
func keptRoutes(base string) []string {
	return []string{
		"/api/v1/articles",
		"/api/v1/articles?lang=fr&limit=5",
		"/api/v1/articles/" + seedSlug,
		"/api/v1/articles/" + seedSlug + "/related",
		"/api/v1/categories",
		"/api/v1/view?path=" + url.QueryEscape("/a/"+seedSlug),
		"/embed?article=" + seedSlug + "&lang=fr",
		"/embed?category=economie",
		"/a/" + seedSlug,
		"/",
		"/?lang=ar",
		"/oembed?format=json&url=" + url.QueryEscape(base+"/a/"+seedSlug),
	}
}

// decoded reads a body in the coding it came in.
func decoded(t *testing.T, res *http.Response, body []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch coding := res.Header.Get("Content-Encoding"); coding {
	case "":
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(r)
	default:
		t.Fatalf("unexpected Content-Encoding %q", coding)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEachEncodingDecodesToThePlainAnswer(t *testing.T) {
	srv := newTestServer(t)
	for _, route := range keptRoutes(srv.URL) {
		res, plain := webtest.Raw(t, http.MethodGet, srv.URL+route)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", route, res.StatusCode, plain)
		}
		tags := map[string]bool{res.Header.Get("ETag"): true}
		for _, accept := range []string{"gzip", "br", "gzip, deflate, br, zstd"} {
			res, body := webtest.Raw(t, http.MethodGet, srv.URL+route, "Accept-Encoding", accept)
			if res.Header.Get("Content-Encoding") == "" {
				if len(plain) >= 512 {
					t.Errorf("%s: not compressed for %q (%d bytes)", route, accept, len(plain))
				}
				continue
			}
			if got := decoded(t, res, body); !bytes.Equal(got, plain) {
				t.Errorf("%s: the %s form decodes to other bytes than the plain answer", route, res.Header.Get("Content-Encoding"))
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: Vary %q", route, res.Header.Get("Vary"))
			}
			tags[res.Header.Get("ETag")] = true
		}
		if len(plain) >= 512 && len(tags) != 3 {
			t.Errorf("%s: tags %v, want one per form", route, tags)
		}
	}
}

func TestConditionalRequestsAreAnsweredFromTheTag(t *testing.T) {
	kept := answers.NewCache(0)
	srv := newTestServerWith(t, func(c *Config) { c.Answers = kept })
	for _, route := range keptRoutes(srv.URL) {
		for _, accept := range []string{"identity", "br"} {
			res, _ := webtest.Raw(t, http.MethodGet, srv.URL+route, "Accept-Encoding", accept)
			tag := res.Header.Get("ETag")
			before := kept.Stats()
			again, body := webtest.Raw(t, http.MethodGet, srv.URL+route, "Accept-Encoding", accept, "If-None-Match", tag)
			if again.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("%s (%s): If-None-Match %s got %d with %d bytes", route, accept, tag, again.StatusCode, len(body))
			}
			if again.Header.Get("ETag") != tag || again.Header.Get("Cache-Control") == "" {
				t.Errorf("%s: the 304 has ETag %q and Cache-Control %q", route, again.Header.Get("ETag"), again.Header.Get("Cache-Control"))
			}
			if after := kept.Stats(); after.Misses != before.Misses {
				t.Errorf("%s: a conditional request built its answer again", route)
			}
		}
	}
}

func TestAnswersAreKeptUntilDropped(t *testing.T) {
	kept := answers.NewCache(0)
	var st store.Store
	srv := newTestServerWith(t, func(c *Config) {
		c.Answers = kept
		st = c.Store.(store.Store)
	})
	route := srv.URL + "/api/v1/articles?limit=1"
	_, first := webtest.Get(t, route)
	_, second := webtest.Get(t, route)
	if s := kept.Stats(); s.Hits < 1 || s.Misses != 1 {
		t.Errorf("two requests of one route: %+v, want one miss then a hit", s)
	}
	if !bytes.Equal(first, second) {
		t.Error("a kept answer changed between two requests")
	}

	fresh := news.Article{
		Slug: "une-nouvelle-du-jour", Title: "Une nouvelle du jour", Excerpt: "Tout juste arrivée.",
		Body: []string{"Un paragraphe."}, Category: "Société", CategorySlug: "societe",
		Published: time.Now().UTC().Truncate(time.Second), Lang: news.French,
	}
	if err := st.Put(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	if _, body := webtest.Get(t, route); !bytes.Equal(body, first) {
		t.Fatal("the kept answer changed before it was dropped: the test shows nothing")
	}
	kept.Drop()
	if _, body := webtest.Get(t, route); !strings.Contains(string(body), fresh.Slug) {
		t.Errorf("after a drop the newest article is not listed: %s", body)
	}
}

// The same question asked in other words is one answer, kept once.
func TestQueriesAreKeptInCanonicalForm(t *testing.T) {
	kept := answers.NewCache(0)
	srv := newTestServerWith(t, func(c *Config) { c.Answers = kept })
	var tag string
	for i, query := range []string{
		"article=" + seedSlug + "&lang=fr",
		"lang=fr&article=" + seedSlug,
		"lang=fr&utm_source=newsletter&article=" + seedSlug + "&lang=ar",
	} {
		res, body := webtest.Get(t, srv.URL+"/embed?"+query)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", query, res.StatusCode)
		}
		if i > 0 && res.Header.Get("ETag") != tag {
			t.Errorf("%s: tag %s, want %s as the canonical query's", query, res.Header.Get("ETag"), tag)
		}
		tag = res.Header.Get("ETag")
		if v := embeddedView(t, parsePage(t, body)); v.Path != "/embed?article="+seedSlug+"&lang=fr" {
			t.Errorf("%s: the page's view names %q", query, v.Path)
		}
	}
	if s := kept.Stats(); s.Misses != 1 {
		t.Errorf("%d answers built for one question, want 1", s.Misses)
	}
}

func TestAnswersCarryCDNHeaders(t *testing.T) {
	srv := newTestServer(t)
	_, body := webtest.Get(t, srv.URL+"/api/v1/articles/"+seedSlug+"/related")
	related := decode[articleList](t, body)
	if len(related.Articles) == 0 {
		t.Fatal("no related articles")
	}
	for _, route := range []string{"/embed?article=" + seedSlug, "/a/" + seedSlug, "/api/v1/articles/" + seedSlug + "/related"} {
		res, _ := webtest.Get(t, srv.URL+route)
		cc := res.Header.Get("Cache-Control")
		if !strings.Contains(cc, "s-maxage=") || !strings.Contains(cc, "stale-while-revalidate=") || !strings.Contains(cc, "public") {
			t.Errorf("%s: Cache-Control %q, want public with s-maxage and stale-while-revalidate", route, cc)
		}
		keys := strings.Fields(res.Header.Get("Surrogate-Key"))
		tags := strings.Split(res.Header.Get("Cache-Tag"), ",")
		for _, want := range []string{"kiosque", ArticleKey(seedSlug), ArticleKey(related.Articles[0].Slug), RelatedKey(seedSlug)} {
			if !slices.Contains(keys, want) || !slices.Contains(tags, want) {
				t.Errorf("%s: Surrogate-Key %q, Cache-Tag %q: %s missing", route, keys, tags, want)
			}
		}
		// A new article in a section purges the section's lists, not
		// every answer that shows one of its articles.
		if section := sectionKey(related.Articles[0].CategorySlug); slices.Contains(keys, section) {
			t.Errorf("%s: Surrogate-Key %q names the section of an article it shows, %s", route, keys, section)
		}
	}
	res, _ := webtest.Get(t, srv.URL+"/?category=economie")
	if keys := strings.Fields(res.Header.Get("Surrogate-Key")); !slices.Contains(keys, sectionKey("economie")) || !slices.Contains(keys, "latest") {
		t.Errorf("a section's page: Surrogate-Key %q", keys)
	}
}

// The widget's language is in its address: no reader's browser changes it,
// so a shared cache can't serve one reader's language to another.
func TestWidgetDoesNotVaryByTheReadersLanguage(t *testing.T) {
	srv := newTestServer(t)
	var first []byte
	for _, accept := range []string{"ar", "en-US,en;q=0.9", ""} {
		res, body := webtest.Get(t, srv.URL+"/embed?article="+seedSlug, "Accept-Language", accept)
		if strings.Contains(res.Header.Get("Vary"), "Accept-Language") {
			t.Errorf("/embed varies by Accept-Language: %q", res.Header.Get("Vary"))
		}
		v := embeddedView(t, parsePage(t, body))
		if v.Lang != news.French {
			t.Errorf("Accept-Language %q: the widget of a French article speaks %q", accept, v.Lang)
		}
		if first == nil {
			first = body
		} else if !bytes.Equal(body, first) {
			t.Errorf("Accept-Language %q: another answer", accept)
		}
	}
	// The front page does speak the reader's language, and says so.
	res, body := webtest.Get(t, srv.URL+"/", "Accept-Language", "ar")
	if !strings.Contains(res.Header.Get("Vary"), "Accept-Language") || embeddedView(t, parsePage(t, body)).Lang != news.Arabic {
		t.Errorf("/ for an Arabic reader: Vary %q", res.Header.Get("Vary"))
	}
}

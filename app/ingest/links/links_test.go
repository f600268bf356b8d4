package links

import (
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestInHeader(t *testing.T) {
	base := mustURL(t, "https://example.com/blog/")
	for _, tc := range []struct {
		name   string
		values []string
		want   []Link
	}{
		{"WordPress's own", []string{`<https://example.com/blog/wp-json/>; rel="https://api.w.org/"`},
			[]Link{{URL: "https://example.com/blog/wp-json/", Rel: []string{"https://api.w.org/"}}}},
		{"two headers, one with two values", []string{
			`<https://example.com/?p=5>; rel=shortlink`,
			`<https://example.com/index.php?rest_route=/>; rel="https://api.w.org/", </index.php?rest_route=/wp/v2/posts/5>; rel="alternate"; type="application/json"`,
		}, []Link{
			{URL: "https://example.com/?p=5", Rel: []string{"shortlink"}},
			{URL: "https://example.com/index.php?rest_route=/", Rel: []string{"https://api.w.org/"}},
			{URL: "https://example.com/index.php?rest_route=/wp/v2/posts/5", Rel: []string{"alternate"}, Type: "application/json"},
		}},
		{"relative, several rels, quoted commas and semicolons", []string{
			`<wp-json/>; title="a, b; c"; REL="Alternate https://API.w.org/"; rel=ignored`,
		}, []Link{{URL: "https://example.com/blog/wp-json/", Rel: []string{"alternate", "https://api.w.org/"}, Title: "a, b; c"}}},
		{"garbage is skipped", []string{`nonsense, <ftp://x/>; rel=a, <https://ok.example/>; rel=b, <unterminated`},
			[]Link{{URL: "https://ok.example/", Rel: []string{"b"}}}},
	} {
		h := http.Header{"Link": tc.values}
		if got := InHeader(h, base); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func TestInHead(t *testing.T) {
	base := mustURL(t, "https://example.com/blog/page/")
	for _, tc := range []struct {
		name, page string
		want       []Link
	}{
		{"WordPress 6.1's head (single quotes, escaped ampersands)", `<!DOCTYPE html><html><head>
<link rel="alternate" type="application/rss+xml" title="Un blog &raquo; Flux" href="https://example.com/?feed=rss2" />
<link rel='https://api.w.org/' href='https://example.com/index.php?rest_route=/&#038;lang=fr' />
</head><body><link rel="alternate" type="application/rss+xml" href="/in-body"></body></html>`,
			[]Link{
				{URL: "https://example.com/?feed=rss2", Rel: []string{"alternate"}, Type: "application/rss+xml", Title: "Un blog » Flux"},
				{URL: "https://example.com/index.php?rest_route=/&lang=fr", Rel: []string{"https://api.w.org/"}},
			}},
		{"relative to the page", `<link rel=alternate type="Application/Atom+XML; charset=utf-8" href="../feed/">`,
			[]Link{{URL: "https://example.com/blog/feed/", Rel: []string{"alternate"}, Type: "application/atom+xml"}}},
		{"relative to the first base", `<base href="/news/"><base href="/other/"><link rel=alternate href="feed.xml"><link rel=alternate href=""><link rel=alternate href="javascript:x">`,
			[]Link{{URL: "https://example.com/news/feed.xml", Rel: []string{"alternate"}}}},
		{"not HTML", `{"name": "x"}`, nil},
	} {
		if got := InHead([]byte(tc.page), base); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

package wordpress_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/ingest/wordpress"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

func testClient() *fetch.Client { return fetch.New(fetch.Options{Timeout: 5 * time.Second}) }

// serve starts h and returns its address.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Where the site's page names its API, or does not, and what is found.
func TestFindAPI(t *testing.T) {
	site := func(configure func(*ingesttest.WordPress)) *ingesttest.WordPress {
		wp := ingesttest.NewWordPress()
		configure(wp)
		return wp
	}
	for _, tc := range []struct {
		name    string
		wp      *ingesttest.WordPress
		root    string // the site's address, then the API's root, below the server's
		want    string
		wantHow string
	}{
		{"Link header and head link", site(func(*ingesttest.WordPress) {}), "", "/wp-json/", "Link header"},
		{"Link header only", site(func(w *ingesttest.WordPress) { w.NoHeadLink = true }), "", "/wp-json/", "Link header"},
		{"head link only", site(func(w *ingesttest.WordPress) { w.NoLinkHeader = true }), "", "/wp-json/", "<link> in its page's head"},
		{"plain permalinks", site(func(w *ingesttest.WordPress) { w.Plain = true }), "", "/index.php?rest_route=/", "Link header"},
		{"a subfolder", site(func(w *ingesttest.WordPress) { w.Folder = "/blog" }), "/blog", "/blog/wp-json/", "Link header"},
		{"a subfolder, plain permalinks, head link only", site(func(w *ingesttest.WordPress) { w.Folder, w.Plain, w.NoLinkHeader = "/blog", true, true }),
			"/blog", "/blog/index.php?rest_route=/", "<link> in its page's head"},
		{"neither: /wp-json/", site(func(w *ingesttest.WordPress) { w.NoLinkHeader, w.NoHeadLink = true, true }), "", "/wp-json/", "at /wp-json/"},
		// /wp-json/ answers with the site's page, as WordPress does with
		// plain permalinks: not the API.
		{"neither, plain permalinks: ?rest_route=/", site(func(w *ingesttest.WordPress) { w.Plain, w.NoLinkHeader, w.NoHeadLink = true, true, true }),
			"", "/?rest_route=/", "at ?rest_route=/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			origin := serve(t, tc.wp)
			api, err := wordpress.FindAPI(context.Background(), testClient(), origin+tc.root)
			if err != nil {
				t.Fatal(err)
			}
			if api.Root != origin+tc.want || !strings.Contains(api.How, tc.wantHow) {
				t.Errorf("found %+v, want %s%s %s", api, origin, tc.want, tc.wantHow)
			}
			if line := api.String(); !strings.HasPrefix(line, "WordPress site, API at "+api.Root) || strings.Contains(line, "\n") {
				t.Errorf("line %q", line)
			}
		})
	}
}

// The Link header wins over the head link, and relative references are
// resolved against the page's address.
func TestFindAPIPrefersTheLinkHeaderAndResolvesRelativeLinks(t *testing.T) {
	for _, tc := range []struct {
		name, header, head, want string
	}{
		{"both, different", `<https://api.example/from-header/>; rel="https://api.w.org/"`, `<link rel="https://api.w.org/" href="https://api.example/from-head/">`, "https://api.example/from-header/"},
		{"relative header", `</blog/wp-json/>; rel="https://api.w.org/"`, "", "{origin}/blog/wp-json/"},
		{"relative head link", "", `<link rel='https://api.w.org/' href='wp-json/'>`, "{origin}/blog/wp-json/"},
		{"head link under a base", "", `<base href="/other/"><link rel="https://api.w.org/" href="wp-json/">`, "{origin}/other/wp-json/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			origin := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.header != "" {
					w.Header().Set("Link", tc.header)
				}
				fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>Blog</title>%s</head><body></body></html>", tc.head)
			}))
			api, err := wordpress.FindAPI(context.Background(), testClient(), origin+"/blog")
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.ReplaceAll(tc.want, "{origin}", origin); api.Root != want {
				t.Errorf("root %s, want %s", api.Root, want)
			}
		})
	}
}

// A site that is not WordPress: the error says what was looked for.
func TestFindAPIOnASiteWithoutOne(t *testing.T) {
	origin := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "<!DOCTYPE html><title>Pas WordPress</title>")
	}))
	_, err := wordpress.FindAPI(context.Background(), testClient(), origin)
	if err == nil {
		t.Fatal("found an API on a site without one")
	}
	for _, want := range []string{"names no API", `rel="https://api.w.org/"`, origin + "/wp-json/?_fields=namespaces answered 404", "/?rest_route=/&_fields=namespaces is not a WordPress REST API index"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestAPIURL(t *testing.T) {
	for _, tc := range []struct{ root, route, query, want string }{
		{"https://example.com/wp-json/", "wp/v2/posts", "_embed&per_page=100&page=2", "https://example.com/wp-json/wp/v2/posts?_embed&per_page=100&page=2"},
		{"https://example.com/wp-json/", "", "_fields=name", "https://example.com/wp-json/?_fields=name"},
		{"https://example.com/blog/index.php?rest_route=/", "wp/v2/posts", "_fields=id&page=1", "https://example.com/blog/index.php?rest_route=/wp/v2/posts&_fields=id&page=1"},
		{"https://example.com/index.php?rest_route=/", "", "_fields=name", "https://example.com/index.php?rest_route=/&_fields=name"},
		{"https://example.com/?lang=fr&rest_route=%2F", "wp/v2/posts", "page=1", "https://example.com/?lang=fr&rest_route=/wp/v2/posts&page=1"},
		{"https://example.com/api/", "wp/v2/posts", "", "https://example.com/api/wp/v2/posts"},
	} {
		got, err := wordpress.API{Root: tc.root}.URL(tc.route, tc.query)
		if err != nil || got != tc.want {
			t.Errorf("%s + %s + %s = %s, %v; want %s", tc.root, tc.route, tc.query, got, err, tc.want)
		}
	}
	if _, err := (wordpress.API{Root: "/wp-json/"}).URL("wp/v2/posts", ""); err == nil {
		t.Error("a relative root gave a URL")
	}
}

// A site with plain permalinks, or in a subfolder, is imported from its
// address: every request (posts, ids, pages) goes to the API it names.
func TestImportFromTheSitesAddress(t *testing.T) {
	for _, tc := range []struct {
		name   string
		plain  bool
		folder string
		prefix string // of every API request
	}{
		{"plain permalinks", true, "", "/index.php?rest_route=/wp/v2/posts&"},
		{"subfolder", false, "/blog", "/blog/wp-json/wp/v2/posts?"},
		{"subfolder, plain permalinks", true, "/blog", "/blog/index.php?rest_route=/wp/v2/posts&"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wp := ingesttest.NewWordPress(ingesttest.Posts(t, "wordpress/posts.json")...)
			wp.Plain, wp.Folder, wp.PageSize = tc.plain, tc.folder, 2
			origin := serve(t, wp)
			st, err := sqlite.Open(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			src, err := wordpress.New(origin+tc.folder+"/", testClient(), ingest.NewCleaner(news.French), wordpress.Options{FullListEvery: -1})
			if err != nil {
				t.Fatal(err)
			}
			report, err := ingest.Import(context.Background(), st, src, nil)
			if err != nil || len(report.Added) != 5 {
				t.Fatalf("first import: %+v, %v", report, err)
			}
			if !strings.HasPrefix(report.Found, "WordPress site, API at "+wp.Root(origin)+" ") {
				t.Errorf("found %q", report.Found)
			}
			state, _ := st.SourceState(context.Background(), src.Key())
			if state.Endpoint != wp.Root(origin) {
				t.Errorf("endpoint kept: %q, want %q", state.Endpoint, wp.Root(origin))
			}

			// The next import asks the API it found, for changes and for
			// every id, and nothing else.
			before := len(wp.Requests())
			wp.Delete(105)
			report, err = ingest.Import(context.Background(), st, src, nil)
			if err != nil || len(report.Removed) != 1 || report.Found != "" {
				t.Fatalf("second import: %+v, %v", report, err)
			}
			var modified, ids bool
			for _, r := range wp.Requests()[before:] {
				if !strings.HasPrefix(r, tc.prefix) {
					t.Errorf("request %s, want all under %s", r, tc.prefix)
				}
				modified = modified || strings.Contains(r, "modified_after=")
				ids = ids || strings.Contains(r, "_fields=id&")
			}
			if !modified || !ids {
				t.Errorf("second import's requests: %q", wp.Requests()[before:])
			}
		})
	}
}

// The API kept with the source is asked first; if it is gone (the site
// moved it), the source looks again where the site says it is now.
func TestAnAPIThatMovedIsFoundAgain(t *testing.T) {
	wp := ingesttest.NewWordPress(ingesttest.Posts(t, "wordpress/posts.json")...)
	wp.Plain = true
	origin := serve(t, wp)
	src, err := wordpress.New(origin, testClient(), ingest.NewCleaner(news.French), wordpress.Options{FullListEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	// Found at /wp-json/ once; the site has plain permalinks now.
	state := store.SourceState{Key: src.Key(), Endpoint: origin + "/wp-json/"}
	pull, err := src.Pull(context.Background(), state, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pull.Articles) != 5 || pull.State.Endpoint != wp.Root(origin) || !strings.Contains(pull.Found, wp.Root(origin)) {
		t.Errorf("pull: %d articles, endpoint %q, found %q", len(pull.Articles), pull.State.Endpoint, pull.Found)
	}
}

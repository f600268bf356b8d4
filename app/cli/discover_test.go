//go:build !wasm

package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/ingest/ingesttest"
)

// A publisher gives a WordPress site's address (plain permalinks, the
// default of a new site): `kiosque ingest` says in one line what it found
// there, for -wordpress and for -feed, imports, and `kiosque sources`
// shows it.
func TestIngestSaysWhatItFoundAtASitesAddress(t *testing.T) {
	wp := ingesttest.NewWordPress(ingesttest.Posts(t, "wordpress/posts.json")...)
	wp.Plain = true
	srv := httptest.NewServer(wp)
	defer srv.Close()
	data := t.TempDir()

	for _, tc := range []struct{ flag, found, summary string }{
		{"-wordpress", "WordPress site, API at " + srv.URL + "/index.php?rest_route=/ (named by the Link header of its page)\n",
			"wordpress:" + srv.URL + ": 5 added"},
		{"-feed", "feed at " + srv.URL + "/?feed=rss2, the main feed of the page at " + srv.URL + " (",
			"feed:" + srv.URL + ": 3 added"},
	} {
		var out bytes.Buffer
		if err := Run(context.Background(), []string{"ingest", "-data", data, tc.flag, srv.URL}, noEnv, &out, io.Discard); err != nil {
			t.Fatalf("ingest %s %s: %v", tc.flag, srv.URL, err)
		}
		if !strings.HasPrefix(out.String(), tc.found) || !strings.Contains(out.String(), tc.summary) {
			t.Errorf("ingest %s printed:\n%s\nwant it to start with %q and say %q", tc.flag, out.String(), tc.found, tc.summary)
		}
	}

	var out bytes.Buffer
	if err := Run(context.Background(), []string{"sources", "-data", data}, noEnv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`feed:` + regexp.QuoteMeta(srv.URL) + ` +` + regexp.QuoteMeta(srv.URL+"/?feed=rss2") + ` +\d`,
		`wordpress:` + regexp.QuoteMeta(srv.URL) + ` +` + regexp.QuoteMeta(srv.URL+"/index.php?rest_route=/") + ` +5 `,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("sources does not show what was found (%s):\n%s", want, out.String())
		}
	}
}

// An address where nothing is found: the error says what was looked for.
func TestIngestSaysWhatItLookedForAndDidNotFind(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Un site</title></head><body></body></html>")
	}))
	defer srv.Close()
	for flag, want := range map[string]string{
		"-wordpress": `import wordpress:` + srv.URL + `: find the WordPress REST API of ` + srv.URL + `: its page names no API (no Link header or <link> with rel="https://api.w.org/"); ` +
			srv.URL + `/wp-json/?_fields=namespaces answered 404; ` + srv.URL + `/?rest_route=/&_fields=namespaces is not a WordPress REST API index`,
		"-feed": "import feed:" + srv.URL + ": " + srv.URL + ` is not an RSS or Atom feed, and links to none (no <link rel="alternate"> of type application/rss+xml or application/atom+xml in its head)`,
	} {
		err := Run(context.Background(), []string{"ingest", "-data", t.TempDir(), flag, srv.URL}, noEnv, io.Discard, io.Discard)
		if err == nil || err.Error() != want {
			t.Errorf("ingest %s:\n got %v\nwant %s", flag, err, want)
		}
	}
}

// serve -source says in its log what it found at each address.
func TestServeLogsWhatItFoundAtASitesAddress(t *testing.T) {
	wp := ingesttest.NewWordPress(ingesttest.Posts(t, "wordpress/posts.json")...)
	wp.Folder = "/blog"
	srv := httptest.NewServer(wp)
	defer srv.Close()
	_, log, stop := serveWith(t, noEnv, "-data", t.TempDir(), "-web", webDir, "-sample=false",
		"-source", "wordpress:"+srv.URL+"/blog/", "-source", "feed:"+srv.URL+"/blog/")
	defer stop()
	for _, want := range []string{
		`msg="WordPress site, API at ` + srv.URL + `/blog/wp-json/ (named by the Link header of its page)" source=wordpress:` + srv.URL + "/blog",
		`msg="feed at ` + srv.URL + `/blog/feed/, the main feed of the page at ` + srv.URL + `/blog/ (`,
	} {
		eventually(t, 10*time.Second, "the log says "+want, func() bool { return strings.Contains(log.String(), want) })
	}
}

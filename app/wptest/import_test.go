package wptest

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/cli"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// A publisher gives Kiosque the address of a WordPress site as WordPress
// makes it, with its default plain permalinks, at a server's root and in a
// subfolder: `kiosque ingest -wordpress` finds the REST API the site names
// and imports its posts; `kiosque ingest -feed` finds the posts' feed the
// page links to (not the comments') and imports it.
func TestWordPressImportFromTheSitesAddress(t *testing.T) {
	for _, folder := range []string{"", "/blog"} {
		t.Run("folder="+folder, func(t *testing.T) {
			site := Start(t, Options{Trusted: "localhost:9", Folder: folder})
			titles := []string{"Premier billet importé", "Second billet importé"}
			for _, title := range titles {
				site.Post(t, title, "<!-- wp:paragraph -->\n<p>Le texte de « "+title+" ».</p>\n<!-- /wp:paragraph -->")
			}
			data := t.TempDir()
			for _, tc := range []struct{ flag, found, key string }{
				{"-wordpress", "WordPress site, API at " + site.URL + "/index.php?rest_route=/ (named by the Link header of its page)\n", "wordpress:" + site.URL},
				{"-feed", "feed at " + site.URL + "/?feed=rss2, the main feed of the page at " + site.URL + ` ("Un blog » Feed"); it also links to ` +
					site.URL + `/?feed=comments-rss2 ("Un blog » Comments Feed"): give a feed's own address to import it instead` + "\n", "feed:" + site.URL},
			} {
				var out bytes.Buffer
				if err := cli.Run(context.Background(), []string{"ingest", "-data", data, tc.flag, site.URL}, func(string) string { return "" }, &out, io.Discard); err != nil {
					t.Fatalf("kiosque ingest %s %s: %v%s", tc.flag, site.URL, err, site.Log())
				}
				t.Logf("kiosque ingest %s %s:\n%s", tc.flag, site.URL, out.String())
				// The posts, and WordPress's own first post.
				if !strings.HasPrefix(out.String(), tc.found) || !strings.Contains(out.String(), tc.key+": 3 added, 0 updated, 0 removed, 0 unchanged, 0 skipped") {
					t.Errorf("kiosque ingest %s printed:\n%s\nwant it to start with:\n%s", tc.flag, out.String(), tc.found)
				}
			}

			st, err := sqlite.Open(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			all, err := st.All(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, title := range titles {
				n := 0
				for _, a := range all {
					if a.Title == title && strings.Contains(a.Excerpt+strings.Join(a.Body, " ")+a.HTML, "Le texte de") {
						n++
					}
				}
				if n != 2 {
					t.Errorf("%q imported %d times with its text, want twice (from the API and from the feed)", title, n)
				}
			}
			sources, err := st.Sources(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			endpoints := []string{}
			for _, s := range sources {
				endpoints = append(endpoints, s.Endpoint)
			}
			if want := []string{site.URL + "/?feed=rss2", site.URL + "/index.php?rest_route=/"}; !slices.Equal(endpoints, want) {
				t.Errorf("endpoints kept: %q, want %q", endpoints, want)
			}
		})
	}
}

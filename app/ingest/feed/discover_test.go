package feed_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/feed"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// Which feeds a page links to, and which is the site's main feed.
func TestAlternatesAndTheMainFeed(t *testing.T) {
	const page = "https://example.ma/blog/2024/03/un-billet/"
	for _, tc := range []struct {
		name, head string
		feeds      []feed.Alternate
		main       int // index in feeds; -1 for none
	}{
		{"WordPress in English", `<link rel="alternate" type="application/rss+xml" title="Un blog &raquo; Feed" href="https://example.ma/?feed=rss2" />
<link rel="alternate" type="application/rss+xml" title="Un blog &raquo; Comments Feed" href="https://example.ma/?feed=comments-rss2" />`,
			[]feed.Alternate{{"https://example.ma/?feed=rss2", "Un blog » Feed"}, {"https://example.ma/?feed=comments-rss2", "Un blog » Comments Feed"}}, 0},
		// The comments feed first: its title and address say what it is.
		{"WordPress in French, a post's page", `<link rel="alternate" type="application/rss+xml" title="Le Quotidien &raquo; Flux des commentaires" href="https://example.ma/comments/feed/" />
<link rel="alternate" type="application/rss+xml" title="Le Quotidien &raquo; Un billet Flux des commentaires" href="https://example.ma/2024/03/un-billet/feed/" />
<link rel="alternate" type="application/rss+xml" title="Le Quotidien &raquo; Flux" href="https://example.ma/feed/" />`,
			[]feed.Alternate{{"https://example.ma/comments/feed/", "Le Quotidien » Flux des commentaires"},
				{"https://example.ma/2024/03/un-billet/feed/", "Le Quotidien » Un billet Flux des commentaires"}, {"https://example.ma/feed/", "Le Quotidien » Flux"}}, 2},
		{"relative, Atom, under a base, twice, with other links", `<base href="https://example.ma/news/">
<link rel="stylesheet" href="style.css"><link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/5">
<link rel="alternate" hreflang="ar" href="/ar/"><link rel="Alternate" type="application/atom+xml" href="atom.xml"><link rel="alternate" type="application/atom+xml" href="/news/atom.xml">`,
			[]feed.Alternate{{"https://example.ma/news/atom.xml", ""}}, 0},
		{"relative to the page", `<link rel="alternate" type="application/rss+xml" href="../feed/">`,
			[]feed.Alternate{{"https://example.ma/blog/2024/03/feed/", ""}}, 0},
		{"comments only", `<link rel="alternate" type="application/rss+xml" href="/?feed=comments-rss2">`,
			[]feed.Alternate{{"https://example.ma/?feed=comments-rss2", ""}}, -1},
		{"none", `<link rel="alternate" hreflang="en" href="/en/">`, nil, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			feeds := feed.Alternates([]byte("<!DOCTYPE html><html><head>"+tc.head+"</head><body></body></html>"), page)
			if !reflect.DeepEqual(feeds, tc.feeds) {
				t.Fatalf("feeds:\n got %q\nwant %q", feeds, tc.feeds)
			}
			main, ok := feed.MainFeed(feeds)
			if ok != (tc.main >= 0) || (ok && main != tc.feeds[tc.main]) {
				t.Errorf("main feed %q, %v; want #%d", main, ok, tc.main)
			}
		})
	}
}

// The site's address given for a feed: WordPress's page (recorded) names
// its posts' feed and its comments'; the posts' is imported, and kept.
func TestFeedFoundAtTheSitesAddress(t *testing.T) {
	for _, plain := range []bool{true, false} {
		t.Run("plain permalinks "+strconv.FormatBool(plain), func(t *testing.T) {
			wp := ingesttest.NewWordPress()
			wp.Plain = plain
			srv := httptest.NewServer(wp)
			defer srv.Close()
			main, comments := srv.URL+"/feed/", srv.URL+"/comments/feed/"
			if plain {
				main, comments = srv.URL+"/?feed=rss2", srv.URL+"/?feed=comments-rss2"
			}
			st := openStore(t)
			src := newSource(t, srv.URL)
			report := importOnce(t, st, src)
			if len(report.Added) != 3 {
				t.Errorf("report: %+v", report)
			}
			want := fmt.Sprintf(`feed at %s, the main feed of the page at %s ("Le Quotidien de Casablanca » Feed"); it also links to %s ("Le Quotidien de Casablanca » Comments Feed"): give a feed's own address to import it instead`,
				main, srv.URL, comments)
			if report.Found != want {
				t.Errorf("found:\n %s\nwant\n %s", report.Found, want)
			}
			state, _ := st.SourceState(context.Background(), src.Key())
			if src.Key() != "feed:"+srv.URL || state.Endpoint != main {
				t.Errorf("key %s, endpoint %q; want the address given, and the feed found", src.Key(), state.Endpoint)
			}

			// A new process (a restart) asks the feed kept, not the page.
			before := len(wp.Requests())
			report = importOnce(t, st, newSource(t, srv.URL))
			if report.Found != "" || report.Unchanged != 3 {
				t.Errorf("second import: %+v", report)
			}
			if asked := wp.Requests()[before:]; len(asked) != 1 || srv.URL+asked[0] != main {
				t.Errorf("second import asked %q, want the feed only", asked)
			}

			// The publisher names the comments feed itself: it is taken as
			// it is.
			report = importOnce(t, st, newSource(t, comments))
			if report.Found != "feed at "+comments || len(report.Added) != 1 {
				t.Errorf("the comments feed, named: %+v", report)
			}
		})
	}
}

// A page may link to a feed on another host: it is followed as the
// fetcher follows any address, within its rules.
func TestFeedOnAnotherHostIsFetchedWithinTheFetchersRules(t *testing.T) {
	feedSrv := httptest.NewServer(ingesttest.NewFeed(ingesttest.Fixture(t, "feeds/rss.xml"), "application/rss+xml", false))
	defer feedSrv.Close()
	elsewhere := strings.Replace(feedSrv.URL, "127.0.0.1", "localhost", 1) + "/rss"
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="%s"></head></html>`, elsewhere)
	}))
	defer page.Close()
	pagePort := mustPort(t, page.URL)

	// A client that may connect to any port follows it.
	pull, err := newSource(t, page.URL).Pull(context.Background(), store.SourceState{}, nil)
	if err != nil || len(pull.Articles) != 3 || pull.State.Endpoint != elsewhere {
		t.Fatalf("followed: %d articles, endpoint %q, %v", len(pull.Articles), pull.State.Endpoint, err)
	}
	// One that may connect to the page's port only does not.
	strict := fetch.New(fetch.Options{Timeout: 5 * time.Second, Ports: []uint16{pagePort}})
	src, err := feed.New(page.URL, strict, ingest.NewCleaner(news.French))
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Pull(context.Background(), store.SourceState{}, nil)
	if !errors.Is(err, fetch.ErrPortNotAllowed) || !strings.Contains(err.Error(), elsewhere) {
		t.Errorf("err = %v, want the feed's port refused", err)
	}
}

func mustPort(t *testing.T, u string) uint16 {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.ParseUint(parsed.Port(), 10, 16)
	if err != nil {
		t.Fatal(err)
	}
	return uint16(port)
}

// A page that links to no feed, or only to comments feeds: the error says
// what was looked for.
func TestNoFeedAtTheAddress(t *testing.T) {
	for _, tc := range []struct{ head, want string }{
		{`<title>Rien</title>`, `links to none (no <link rel="alternate"> of type application/rss+xml or application/atom+xml in its head)`},
		{`<link rel="alternate" type="application/rss+xml" title="Flux des commentaires" href="/comments/feed/">`, "links only to comments feeds"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "<!DOCTYPE html><html><head>%s</head><body></body></html>", tc.head)
		}))
		_, err := newSource(t, srv.URL).Pull(context.Background(), store.SourceState{}, nil)
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), srv.URL+" is not an RSS or Atom feed, and "+tc.want) {
			t.Errorf("err = %v, want it to say %q", err, tc.want)
		}
	}
}

// A feed kept with the source that is gone (the site moved it) is looked
// for again at the address given.
func TestAFeedThatMovedIsFoundAgain(t *testing.T) {
	wp := ingesttest.NewWordPress()
	srv := httptest.NewServer(wp)
	defer srv.Close()
	src := newSource(t, srv.URL)
	pull, err := src.Pull(context.Background(), store.SourceState{Key: src.Key(), Endpoint: srv.URL + "/old-feed.xml", ETag: `"old"`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pull.State.Endpoint != srv.URL+"/feed/" || len(pull.Articles) != 3 || !strings.HasPrefix(pull.Found, "feed at "+srv.URL+"/feed/") {
		t.Errorf("endpoint %q, %d articles, found %q", pull.State.Endpoint, len(pull.Articles), pull.Found)
	}
	if pull.State.ETag == `"old"` {
		t.Error("the gone feed's validators were kept")
	}
}

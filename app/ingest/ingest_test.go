package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/htmltest"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/feed"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/ingest/wordpress"
	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

func openStore(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// switchable serves good until told to misbehave.
type switchable struct {
	good http.Handler
	mode atomic.Value // string
}

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mode, _ := s.mode.Load().(string)
	switch mode {
	case "":
		s.good.ServeHTTP(w, r)
	case "500":
		http.Error(w, "Erreur interne", http.StatusInternalServerError)
	case "timeout":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	case "huge":
		ingesttest.HugeBody(50<<20).ServeHTTP(w, r)
	case "malformed-xml":
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>cassé</title><item><title>x</item></channel>`)
	case "malformed-json":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-WP-Total", "5")
		w.Header().Set("X-WP-TotalPages", "1")
		fmt.Fprint(w, `[{"id": 101, "title": {"rendered": "tronqué"`)
	case "html-page":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><title>Maintenance</title><p>Site en maintenance</p>`)
	}
}

// snapshot is what a failed import must leave as it was.
func snapshot(t *testing.T, st *sqlite.Store) string {
	t.Helper()
	all, err := st.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, a := range all {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%v\n", a.Slug, a.Title, a.Excerpt, a.Updated, a.Body)
	}
	return b.String()
}

func TestFailingSourceLeavesStoreUnchanged(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	client := fetch.New(fetch.Options{}) // the default 20 MB limit
	impatient := fetch.New(fetch.Options{Timeout: 300 * time.Millisecond})
	clean := ingest.NewCleaner(news.French)

	rssServer := &switchable{good: ingesttest.NewFeed(ingesttest.Fixture(t, "feeds/rss.xml"), "application/rss+xml", true)}
	site := ingesttest.NewWordPress(ingesttest.Posts(t, "wordpress/posts.json")...)
	wpServer := &switchable{good: site}
	rssSrv, wpSrv := httptest.NewServer(rssServer), httptest.NewServer(wpServer)
	defer rssSrv.Close()
	defer wpSrv.Close()
	rss, err := feed.New(rssSrv.URL+"/feed/", client, clean)
	if err != nil {
		t.Fatal(err)
	}
	wp, err := wordpress.New(wpSrv.URL, client, clean, wordpress.Options{FullListEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	// The same sources (same keys, same state) with a short timeout.
	rssImpatient, _ := feed.New(rssSrv.URL+"/feed/", impatient, clean)
	wpImpatient, _ := wordpress.New(wpSrv.URL, impatient, clean, wordpress.Options{FullListEvery: -1, Logger: slog.New(slog.DiscardHandler)})
	for _, src := range []ingest.Source{rss, wp} {
		if _, err := ingest.Import(ctx, st, src, nil); err != nil {
			t.Fatal(err)
		}
	}
	// The site changes, so a working sync would write something.
	site.Put(ingesttest.Posts(t, "wordpress/post-101-edited.json")[0])
	site.Delete(105)
	before := snapshot(t, st)

	for _, tc := range []struct {
		src      ingest.Source
		server   *switchable
		mode     string
		errorHas string
	}{
		{rss, rssServer, "500", "answered 500 Internal Server Error"},
		{rssImpatient, rssServer, "timeout", "Client.Timeout exceeded"},
		{rss, rssServer, "huge", "response too large"},
		{rss, rssServer, "malformed-xml", "parse feed " + rssSrv.URL},
		{rss, rssServer, "html-page", "parse feed"},
		{wp, wpServer, "500", "answered 500"},
		{wpImpatient, wpServer, "timeout", "Client.Timeout exceeded"},
		{wp, wpServer, "huge", "response too large"},
		{wp, wpServer, "malformed-json", "not a WordPress posts listing"},
		{wp, wpServer, "html-page", "not a WordPress posts listing"},
	} {
		t.Run(tc.src.Key()[:strings.Index(tc.src.Key(), ":")]+"-"+tc.mode, func(t *testing.T) {
			stateBefore, _ := st.SourceState(ctx, tc.src.Key())
			tc.server.mode.Store(tc.mode)
			defer tc.server.mode.Store("")
			start := time.Now()
			_, err := ingest.Import(ctx, st, tc.src, nil)
			if err == nil || !strings.Contains(err.Error(), tc.errorHas) || !strings.Contains(err.Error(), tc.src.Key()) {
				t.Fatalf("err = %v, want one naming the source and saying %q", err, tc.errorHas)
			}
			if tc.mode == "huge" && !errors.Is(err, fetch.ErrTooLarge) {
				t.Errorf("err = %v, want ErrTooLarge", err)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("the failure took %s", time.Since(start))
			}
			if after := snapshot(t, st); after != before {
				t.Errorf("stored articles changed:\nbefore\n%s\nafter\n%s", before, after)
			}
			state, _ := st.SourceState(ctx, tc.src.Key())
			if state.Failures != stateBefore.Failures+1 || state.LastError == "" ||
				state.ETag != stateBefore.ETag || !state.Cursor.Equal(stateBefore.Cursor) || !state.FullSync.Equal(stateBefore.FullSync) {
				t.Errorf("state after failure: %+v\nbefore: %+v", state, stateBefore)
			}
		})
	}

	// Healthy again: the next sync applies the edit and the deletion, and
	// the failure count is reset.
	report, err := ingest.Import(ctx, st, wp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Updated) != 1 || len(report.Removed) != 1 {
		t.Errorf("recovery: %+v", report)
	}
	if state, _ := st.SourceState(ctx, wp.Key()); state.Failures != 0 || state.LastError != "" {
		t.Errorf("state after recovery: %+v", state)
	}
}

func TestHostileFixturesAreStoredInert(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	slugs := ingesttest.IngestHostile(t, st)
	if len(slugs) != 8 {
		t.Errorf("%d hostile articles stored, want 8 (3 RSS, 2 Atom, 3 WordPress): %q", len(slugs), slugs)
	}
	articles, err := st.ArticlesBySlug(ctx, slugs)
	if err != nil {
		t.Fatal(err)
	}
	var sawBrokenUTF8, sawScriptAsText, sawQuoteInAlt bool
	for _, a := range articles {
		if err := htmltest.CheckInert(a.HTML); err != nil {
			t.Errorf("%s: html: %v\n%s", a.Slug, err, a.HTML)
		}
		if a.URL != "" && !strings.HasPrefix(a.URL, "http://") && !strings.HasPrefix(a.URL, "https://") {
			t.Errorf("%s: url %q", a.Slug, a.URL)
		}
		if a.Image != nil {
			// Served from here, fetched from an http(s) URL.
			src, err := st.MediaURL(ctx, strings.TrimPrefix(a.Image.Src, mediakey.Prefix))
			if err != nil || (!strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://")) {
				t.Errorf("%s: image %q stands for %q (%v)", a.Slug, a.Image.Src, src, err)
			}
		}
		texts := append([]string{a.Title, a.Excerpt, a.Author, a.Category, a.Source}, append(a.Body, a.Tags...)...)
		if a.Image != nil {
			texts = append(texts, a.Image.Alt)
			// Kept as text: the UI must escape it inside alt="…".
			sawQuoteInAlt = sawQuoteInAlt || strings.Contains(a.Image.Alt, `" onerror="`)
		}
		for _, s := range texts {
			if !utf8.ValidString(s) {
				t.Errorf("%s: invalid UTF-8 in %q", a.Slug, s)
			}
			// Plain text may show markup as text, but never markup that a
			// tag-stripping reader would still find executable.
			if strings.Contains(s, "<img") || strings.Contains(s, "<svg") || strings.Contains(s, "<b ") {
				t.Errorf("%s: raw markup kept in text %q", a.Slug, s)
			}
			sawBrokenUTF8 = sawBrokenUTF8 || strings.ContainsRune(s, utf8.RuneError)
			sawScriptAsText = sawScriptAsText || strings.Contains(s, "<script>window.__kiosquePwned=1</script>")
		}
	}
	if !sawBrokenUTF8 || !sawScriptAsText || !sawQuoteInAlt {
		t.Errorf("fixtures not exercised: broken UTF-8 repaired %v, escaped script kept as text %v, quote in alt %v",
			sawBrokenUTF8, sawScriptAsText, sawQuoteInAlt)
	}
}

func TestPollerGoesOnWhenOneSourceFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st := openStore(t)
	client := fetch.New(fetch.Options{Timeout: time.Second})
	clean := ingest.NewCleaner(news.French)

	atom := ingesttest.NewFeed(ingesttest.Fixture(t, "feeds/atom.xml"), "application/atom+xml", true)
	var failures atomic.Int64
	busy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		failures.Add(1)
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	healthySrv, busySrv := httptest.NewServer(atom), httptest.NewServer(busy)
	defer healthySrv.Close()
	defer busySrv.Close()
	healthy, _ := feed.New(healthySrv.URL+"/atom.xml", client, clean)
	failing, _ := feed.New(busySrv.URL+"/rss.xml", client, clean)

	var (
		mu      sync.Mutex
		changes []ingest.Report
	)
	changed := make(chan struct{}, 10)
	p := ingest.NewPoller(st, []ingest.Source{failing, healthy}, ingest.PollerOptions{
		Interval: 20 * time.Millisecond,
		Logger:   slog.New(slog.DiscardHandler),
		OnChange: func(ctx context.Context, c ingest.Report) {
			mu.Lock()
			changes = append(changes, c)
			mu.Unlock()
			changed <- struct{}{}
		},
	})
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()

	<-changed // the first import
	atom.SetBody([]byte(strings.Replace(string(ingesttest.Fixture(t, "feeds/atom.xml")), "reach a record", "reach a new record", 1)))
	select {
	case <-changed:
	case <-ctx.Done():
		t.Fatal("the edit was never imported")
	}
	// Several polls of the healthy feed answered 304 meanwhile.
	for atom.NotModified() == 0 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done

	mu.Lock()
	defer mu.Unlock()
	if len(changes) != 2 || changes[0].Source != healthy.Key() || len(changes[0].Put()) != 2 ||
		!slices.Equal(changes[1].Put(), []string{"phosphate-exports-record"}) {
		t.Errorf("changes: %+v", changes)
	}
	// The busy source asked for an hour: it was polled once.
	if n := failures.Load(); n != 1 {
		t.Errorf("busy source polled %d times despite Retry-After", n)
	}
	state, err := st.SourceState(context.Background(), failing.Key())
	if err != nil || state.Failures != 1 || !strings.Contains(state.LastError, "503") {
		t.Errorf("failing source state: %+v, %v", state, err)
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		failures int
		jitter   float64
		min, max time.Duration
	}{
		{1, 0, 30 * time.Second, 30 * time.Second},
		{1, 0.999, 59 * time.Second, time.Minute},
		{3, 0, 2 * time.Minute, 2 * time.Minute},
		{3, 0.5, 3 * time.Minute, 3 * time.Minute},
		{30, 0, 30 * time.Minute, 30 * time.Minute},
		{30, 0.999, 59 * time.Minute, time.Hour},
	} {
		got := ingest.Backoff(time.Minute, time.Hour, tc.failures, tc.jitter)
		if got < tc.min || got > tc.max {
			t.Errorf("Backoff(1m, 1h, %d, %v) = %s, want in [%s, %s]", tc.failures, tc.jitter, got, tc.min, tc.max)
		}
	}
}

func TestImportSkipsInvalidItemsWithReasons(t *testing.T) {
	st := openStore(t)
	future := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC1123Z)
	body := `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><language>fr</language>
<item><title>Bon article</title><link>https://example.ma/bon-article</link><pubDate>Mon, 04 Mar 2024 10:00:00 +0000</pubDate><description>Un texte.</description></item>
<item><title>Du futur</title><link>https://example.ma/du-futur</link><pubDate>` + future + `</pubDate></item>
<item><title></title><link>https://example.ma/sans-titre</link><pubDate>Mon, 04 Mar 2024 10:00:00 +0000</pubDate></item>
<item><title>Sans lien ni guid</title><pubDate>Mon, 04 Mar 2024 10:00:00 +0000</pubDate></item>
</channel></rss>`
	srv := httptest.NewServer(ingesttest.NewFeed([]byte(body), "application/rss+xml", false))
	defer srv.Close()
	src, _ := feed.New(srv.URL, fetch.New(fetch.Options{}), ingest.NewCleaner(news.French))
	report, err := ingest.Import(context.Background(), st, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, s := range report.Skipped {
		reasons = append(reasons, s.Reason)
	}
	if !slices.Equal(report.Added, []string{"bon-article"}) || len(reasons) != 3 ||
		!strings.Contains(strings.Join(reasons, "|"), "in the future") {
		t.Errorf("added %v, skipped %q", report.Added, reasons)
	}
}

// failingImports is a store whose imports fail when they are applied.
type failingImports struct{ *sqlite.Store }

func (failingImports) ApplyImport(context.Context, store.Import) (store.ImportResult, error) {
	return store.ImportResult{}, errors.New("the disk is full")
}

// An import's images are recorded with its articles, in one transaction:
// a store that keeps only sources is enough, and an import that fails
// records no image.
func TestImportRecordsItsImagesWithItsArticles(t *testing.T) {
	st := openStore(t)
	body := `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><language>fr</language>
<item><title>Avec image</title><link>https://example.ma/avec-image</link><pubDate>Mon, 04 Mar 2024 10:00:00 +0000</pubDate>
<description>&lt;p&gt;Un texte.&lt;img src="/img/a.jpg"&gt;&lt;/p&gt;</description></item>
</channel></rss>`
	srv := httptest.NewServer(ingesttest.NewFeed([]byte(body), "application/rss+xml", false))
	defer srv.Close()
	src, _ := feed.New(srv.URL, fetch.New(fetch.Options{}), ingest.NewCleaner(news.French))
	want := "https://example.ma/img/a.jpg" // resolved against the item's link

	if _, err := ingest.Import(context.Background(), failingImports{st}, src, nil); err == nil {
		t.Fatal("an import whose articles could not be written succeeded")
	}
	if got, err := st.MediaURL(context.Background(), mediakey.Of(want)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an import that failed recorded its image: %q, %v", got, err)
	}

	sourcesOnly := struct{ store.SourceStore }{st}
	report, err := ingest.Import(context.Background(), sourcesOnly, src, nil)
	if err != nil || len(report.Added) != 1 {
		t.Fatalf("import: %+v, %v", report, err)
	}
	a, _ := st.Article(context.Background(), report.Added[0])
	if !strings.Contains(a.HTML, `<img src="`+mediakey.Path(want)+`"/>`) {
		t.Errorf("html = %s", a.HTML)
	}
	if got, err := st.MediaURL(context.Background(), mediakey.Of(want)); err != nil || got != want {
		t.Errorf("media stands for %q, %v", got, err)
	}
}

var (
	_ store.SourceStore = (*sqlite.Store)(nil)
	_ store.MediaStore  = (*sqlite.Store)(nil)
)

// pulled is a source that brings the same pull each time.
type pulled ingest.Pull

func (pulled) Key() string { return "feed:https://example.ma/rss" }

func (p pulled) Pull(context.Context, store.SourceState, ingest.Progress) (ingest.Pull, error) {
	return ingest.Pull(p), nil
}

// An item the store would refuse (here, one without an identity at its
// source) is skipped with its reason: the others import.
func TestImportSkipsAnItemWithoutIdentity(t *testing.T) {
	st := openStore(t)
	item := func(id, slug string) store.Imported {
		return store.Imported{OriginID: id, Article: news.Article{Slug: slug, Title: "Titre de " + slug, Category: "Société",
			Lang: news.French, Published: time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)}}
	}
	src := pulled{Articles: []store.Imported{item("1", "premier"), item("", "sans-identite"), item("3", "troisieme")}}
	report, err := ingest.Import(t.Context(), st, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(report.Added, []string{"premier", "troisieme"}) || len(report.Skipped) != 1 ||
		!strings.Contains(report.Skipped[0].Reason, "identity") {
		t.Errorf("added %v, skipped %+v", report.Added, report.Skipped)
	}
}

package ingesttest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/feed"
	"github.com/kiosque/kiosque/app/ingest/wordpress"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// Feed serves one feed document. With Validators it sends an ETag and a
// Last-Modified and answers 304 to a request that repeats either.
type Feed struct {
	ContentType string
	Validators  bool

	mu           sync.Mutex
	body         []byte
	lastModified time.Time

	requests    atomic.Int64
	notModified atomic.Int64
}

// NewFeed returns a Feed serving body.
func NewFeed(body []byte, contentType string, validators bool) *Feed {
	f := &Feed{ContentType: contentType, Validators: validators}
	f.SetBody(body)
	return f
}

// SetBody changes the document, as a new item does.
func (f *Feed) SetBody(body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.body = body
	f.lastModified = time.Now().UTC().Truncate(time.Second)
}

// Requests counts the requests served, NotModified the 304s among them.
func (f *Feed) Requests() int64    { return f.requests.Load() }
func (f *Feed) NotModified() int64 { return f.notModified.Load() }

func (f *Feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	f.mu.Lock()
	body, modified := f.body, f.lastModified
	f.mu.Unlock()
	if f.Validators {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
		since, _ := http.ParseTime(r.Header.Get("If-Modified-Since"))
		if r.Header.Get("If-None-Match") == etag || (r.Header.Get("If-None-Match") == "" && !since.IsZero() && !modified.After(since)) {
			f.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// HugeBody streams size bytes of an endless feed, without announcing its
// length, and stops early once the client hangs up.
func HugeBody(size int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		chunk := []byte("<item><title>encore</title><description>" + strings.Repeat("x", 4000) + "</description></item>\n")
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>huge</title>`))
		for sent := int64(0); sent < size; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte(`</channel></rss>`))
	})
}

// hostileServer starts a server with every hostile fixture: an RSS feed at
// /rss.xml, an Atom feed at /atom.xml and a WordPress site at its root.
func hostileServer(t testing.TB) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/rss.xml", NewFeed(Fixture(t, "hostile/rss.xml"), "application/rss+xml; charset=UTF-8", false))
	mux.Handle("/atom.xml", NewFeed(Fixture(t, "hostile/atom.xml"), "application/atom+xml", false))
	mux.Handle("/", NewWordPress(Posts(t, "hostile/wordpress-posts.json")...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// IngestHostile imports every hostile fixture into st, through the real
// sources and over real HTTP, and returns the slugs of the articles it
// stored. A browser test then renders them and checks that PwnedFlag was
// never set.
func IngestHostile(t testing.TB, st store.SourceStore) []string {
	t.Helper()
	srv := hostileServer(t)
	client := fetch.New(fetch.Options{Timeout: 10 * time.Second})
	clean := ingest.NewCleaner(news.French)
	rss, err := feed.New(srv.URL+"/rss.xml", client, clean)
	if err != nil {
		t.Fatal(err)
	}
	atom, err := feed.New(srv.URL+"/atom.xml", client, clean)
	if err != nil {
		t.Fatal(err)
	}
	wp, err := wordpress.New(srv.URL, client, clean, wordpress.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, src := range []ingest.Source{rss, atom, wp} {
		report, err := ingest.Import(context.Background(), st, src, nil)
		if err != nil {
			t.Fatalf("ingest hostile fixtures: %v", err)
		}
		slugs = append(slugs, report.Put()...)
	}
	return slugs
}

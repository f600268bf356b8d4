package ingest_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/feed"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/ingest/wordpress"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// BenchmarkWordPressImport imports 1,000 generated posts (ten pages of
// 100, in the REST shape with _embedded) from a local server into a new
// store: fetch, decode, sanitize, write in one transaction.
func BenchmarkWordPressImport(b *testing.B) {
	const posts = 1000
	srv := httptest.NewServer(ingesttest.NewWordPress(ingesttest.GeneratedPosts(b, posts)...))
	defer srv.Close()
	client := fetch.New(fetch.Options{})
	clean := ingest.NewCleaner(news.French)
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := sqlite.Open(context.Background(), b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		src, _ := wordpress.New(srv.URL, client, clean, wordpress.Options{})
		b.StartTimer()
		start := time.Now()
		report, err := ingest.Import(context.Background(), st, src, nil)
		elapsed += time.Since(start)
		if err != nil || len(report.Added) != posts {
			b.Fatalf("import: %d added, %v", len(report.Added), err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(posts*b.N)/elapsed.Seconds(), "articles/s")
}

// BenchmarkFeedNotModified is one poll of an unchanged feed: a conditional
// GET answered 304, no body read, the source's state saved.
func BenchmarkFeedNotModified(b *testing.B) {
	st := openStore(b)
	rss := ingesttest.NewFeed(ingesttest.Fixture(b, "feeds/rss.xml"), "application/rss+xml", true)
	srv := httptest.NewServer(rss)
	defer srv.Close()
	src, _ := feed.New(srv.URL, fetch.New(fetch.Options{}), ingest.NewCleaner(news.French))
	if _, err := ingest.Import(context.Background(), st, src, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		report, err := ingest.Import(context.Background(), st, src, nil)
		if err != nil || !report.NotModified {
			b.Fatalf("poll: %+v, %v", report, err)
		}
	}
}

// BenchmarkWordPressNoChange is one incremental poll of an unchanged
// WordPress site of 1,000 posts: the modified_after query, whose overlap
// re-reads the last day's posts, found unchanged by their hash.
func BenchmarkWordPressNoChange(b *testing.B) {
	st := openStore(b)
	srv := httptest.NewServer(ingesttest.NewWordPress(ingesttest.GeneratedPosts(b, 1000)...))
	defer srv.Close()
	src, _ := wordpress.New(srv.URL, fetch.New(fetch.Options{}), ingest.NewCleaner(news.French), wordpress.Options{FullListEvery: time.Hour})
	if _, err := ingest.Import(context.Background(), st, src, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		report, err := ingest.Import(context.Background(), st, src, nil)
		if err != nil || report.Changed() {
			b.Fatalf("poll: %+v, %v", report, err)
		}
	}
}

package wordpress_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/ingest/wordpress"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// site is a transport that answers as a WordPress site would, with the
// fuzzer's bytes: index for /wp-json/, posts for every page of posts (one
// page, as its headers say), without a socket. Every answer names the
// API, as WordPress's do.
type site struct{ index, posts []byte }

func (s site) RoundTrip(r *http.Request) (*http.Response, error) {
	body, header := s.index, http.Header{"Content-Type": {"application/json"}, "Link": {`<https://example.ma/wp-json/>; rel="https://api.w.org/"`}}
	if strings.HasPrefix(r.URL.Path, "/wp-json/wp/v2/posts") {
		body = s.posts
		header.Set("X-WP-Total", "1")
		header.Set("X-WP-TotalPages", "1")
	}
	return &http.Response{StatusCode: http.StatusOK, Header: header, Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
}

// FuzzPull: whatever a WordPress site answers, a first sync and the next
// (with its listing of every id) return posts or an error, never panic,
// and every article returned has a valid slug.
func FuzzPull(f *testing.F) {
	index := ingesttest.Fixture(f, "wordpress/index.json")
	for _, name := range []string{"wordpress/posts.json", "hostile/wordpress-posts.json", "wordpress/post-101-edited.json"} {
		f.Add(index, ingesttest.Fixture(f, name))
	}
	for _, seed := range []string{
		`[]`,
		`[{"id":1}]`,
		`[{"id":-5,"date_gmt":"2024-03-04T10:15:00+99:00","title":{"rendered":""}}]`,
		`[{"id":7,"date_gmt":"2024-03-04T10:15:00","slug":"%D8%A7","title":{"rendered":"x"},"content":{"rendered":"<p>y</p>","protected":true}}]`,
		`[{"id":8,"date_gmt":"2024-03-04T10:15:00","title":{"rendered":"x"},"_embedded":{"author":[{"code":"rest_user_invalid_id"}],"wp:featuredmedia":[{"source_url":"/i.jpg","media_details":{"sizes":{"large":{"source_url":"","width":-1}}}}],"wp:term":[[{"name":"A","taxonomy":"category"}],[null]]}}]`,
		`[null, 1, "x", {"id": 1e400}]`,
		`{"code":"rest_forbidden"}`,
	} {
		f.Add(index, []byte(seed))
	}
	f.Add([]byte(`{"name": 5}`), []byte(`[{"id":1}]`))
	clean := ingest.NewCleaner(news.French)
	quiet := slog.New(slog.DiscardHandler)
	f.Fuzz(func(t *testing.T, index, posts []byte) {
		client := fetch.New(fetch.Options{Transport: site{index, posts}})
		src, err := wordpress.New("https://example.ma", client, clean, wordpress.Options{FullListEvery: -1, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		var state store.SourceState
		for range 2 { // the first sync, then an incremental one
			pull, err := src.Pull(context.Background(), state, func(int, int) {})
			if err != nil {
				return
			}
			for _, a := range pull.Articles {
				if !store.ValidSlug(a.Article.Slug) {
					t.Errorf("post %q has the slug %q", a.OriginID, a.Article.Slug)
				}
			}
			state = pull.State
		}
	})
}

package feed_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/ingest"
	"github.com/kiosque/kiosque/app/ingest/feed"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// answering is a transport that answers every request with body, as a
// feed would: the fuzzer's bytes go through the whole of Pull (fetch,
// UTF-8 repair, gofeed, cleaning) without a socket.
type answering []byte

func (b answering) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/rss+xml"}},
		Body:       io.NopCloser(bytes.NewReader(b)),
		Request:    r,
	}, nil
}

// FuzzPull: whatever a feed's server sends, Pull returns articles or an
// error, never panics, and every article it returns has a valid slug.
func FuzzPull(f *testing.F) {
	for _, name := range []string{"feeds/rss.xml", "feeds/atom.xml", "hostile/rss.xml", "hostile/atom.xml"} {
		f.Add(ingesttest.Fixture(f, name))
	}
	for _, seed := range []string{
		``,
		`<rss version="2.0"><channel><item><title>t</title><pubDate>x</pubDate></item></channel></rss>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><item><title>caf` + "\xe9" + `</title></item></channel></rss>`,
		"\xfe\xff\x00<\x00r\x00s\x00s",
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/a"/><updated>2024-03-04T10:00:00Z</updated></entry></feed>`,
		`<rss><channel><item xmlns:media="http://search.yahoo.com/mrss/"><media:content url="/i.jpg" medium="image" width="99999999999"/></item></channel></rss>`,
		`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_html":"<p>x</p>","date_published":"2024-03-04T10:00:00Z"}]}`,
	} {
		f.Add([]byte(seed))
	}
	clean := ingest.NewCleaner(news.French)
	f.Fuzz(func(t *testing.T, body []byte) {
		src, err := feed.New("https://example.ma/feed/", fetch.New(fetch.Options{Transport: answering(body)}), clean)
		if err != nil {
			t.Fatal(err)
		}
		pull, err := src.Pull(context.Background(), store.SourceState{}, func(int, int) {})
		if err != nil {
			return
		}
		for _, a := range pull.Articles {
			if !store.ValidSlug(a.Article.Slug) {
				t.Errorf("article %q has the slug %q", a.OriginID, a.Article.Slug)
			}
		}
	})
}

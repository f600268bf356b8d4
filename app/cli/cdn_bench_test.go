//go:build !wasm

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/every"
	"github.com/kiosque/kiosque/app/ingest/ingesttest"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sample/synthetic"
)

// BenchmarkCDNHitRatio measures the share of reads Varnish answers from
// its cache, in front of a server given -purge, under a Zipf-distributed
// read load of article pages with an import (one article edited, one
// added) every tenth of the run: with the precise purges Kiosque sends
// ("precise"), and with a purge of everything after each import as well
// ("everything", what an operator did by hand before). It runs once, for
// KIOSQUE_CDN_BENCH_TIME (default 1m; the figure is at 5m, an
// import every 30 s) a variant.
func BenchmarkCDNHitRatio(b *testing.B) {
	run := time.Minute
	if v := os.Getenv("KIOSQUE_CDN_BENCH_TIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("KIOSQUE_CDN_BENCH_TIME=%q: %v", v, err)
		}
		run = d
	}
	for _, everything := range []bool{false, true} {
		name := "precise"
		if everything {
			name = "everything"
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				hits, reads := hitRatio(b, run, everything)
				b.ReportMetric(100*float64(hits)/float64(reads), "hit%")
				b.ReportMetric(float64(reads), "reads")
			}
		})
	}
}

// hitRatio runs the load for d and returns the reads Varnish answered
// from its cache, and all the reads.
func hitRatio(b *testing.B, d time.Duration, everything bool) (hits, reads int64) {
	const n = 400
	articles := synthetic.New(7).Articles(0, n)
	for i := range articles { // the newest first, as a feed lists them
		articles[i].Published = time.Now().Add(-time.Duration(i+1) * time.Hour)
	}
	feed := ingesttest.NewFeed(ingesttest.FeedOf(articles), "application/rss+xml", false)
	src := httptest.NewServer(feed)
	defer src.Close()
	serverAddr := freeAddr(b)
	var backendPort int
	fmt.Sscanf(serverAddr[strings.LastIndex(serverAddr, ":")+1:], "%d", &backendPort)
	varnish := startVarnish(b, backendPort)
	data := b.TempDir()
	origin, logs, stop := serveWith(b, noEnv, "-addr", serverAddr, "-data", data, "-web", webDir,
		"-source", "feed:"+src.URL, "-purge", "varnish+http://"+varnish, "-insights=false")
	defer stop()
	eventually(b, 120*time.Second, "the import, with related lists", func() bool {
		return strings.Contains(logs.String(), "related lists up to date") && len(storedSlugs(b, origin)) == n
	})
	waitForPurges(b, logs)
	slugs := storedSlugs(b, origin) // the newest first: the most read
	cache := "http://" + varnish
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}

	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	var hit, all atomic.Int64
	for w := range 4 {
		wg.Go(func() {
			zipf := rand.NewZipf(rand.New(rand.NewPCG(uint64(w), 1)), 1.1, 1, uint64(len(slugs)-1))
			every.Tick(ctx, 20*time.Millisecond, func() { // 50 reads a second a worker
				res, err := client.Get(cache + "/a/" + url.PathEscape(slugs[zipf.Uint64()]))
				if err != nil {
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				all.Add(1)
				if len(strings.Fields(res.Header.Get("X-Varnish"))) == 2 {
					hit.Add(1)
				}
			})
		})
	}
	// Every tenth of the run, an article is edited at the source and one
	// is added, and `kiosque ingest` imports them.
	for i := 1; ; i++ {
		select {
		case <-ctx.Done():
			wg.Wait()
			return hit.Load(), all.Load()
		case <-time.After(d / 10):
		}
		edited := (i * 37) % len(articles)
		articles[edited].Title += " (mis à jour)"
		fresh := synthetic.New(uint64(100 + i)).Article(n + i)
		fresh.Published = time.Now()
		articles = append([]news.Article{fresh}, articles...)
		feed.SetBody(ingesttest.FeedOf(articles))
		ingestFeed(b, data, src.URL)
		if everything {
			req, _ := http.NewRequest("PURGE", cache+"/", nil)
			req.Header.Set("xkey", "kiosque")
			if res, err := http.DefaultClient.Do(req); err == nil {
				res.Body.Close()
			}
		}
	}
}

// storedSlugs lists the slugs of the stored articles, the newest first.
func storedSlugs(t testing.TB, base string) []string {
	var slugs []string
	cursor := ""
	for {
		status, body := get(t, base, "/api/v1/articles?limit=50&cursor="+url.QueryEscape(cursor))
		if status != http.StatusOK {
			t.Fatalf("list the articles: %d %s", status, body)
		}
		var page struct {
			Articles []struct{ Slug string }
			Next     string
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Articles {
			slugs = append(slugs, a.Slug)
		}
		if page.Next == "" {
			return slugs
		}
		cursor = page.Next
	}
}

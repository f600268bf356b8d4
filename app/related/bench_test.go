package related

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/sample/synthetic"
)

const benchArticles = 100_000

// benchIndex builds the 100,000-article index once for the benchmarks that
// need one; it is test scaffolding, not package state.
var benchIndex = sync.OnceValues(func() (*Index, *synthetic.Corpus) {
	corpus := synthetic.New(1)
	ix := NewIndex(benchOptions())
	ix.Put(corpus.Articles(0, benchArticles)...)
	return ix, corpus
})

func benchOptions() Options {
	opts := DefaultOptions()
	opts.Now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	return opts
}

func skipShort(b *testing.B) {
	b.Helper()
	if testing.Short() {
		b.Skip("the 100,000-article benchmarks are skipped under -short")
	}
}

// BenchmarkBuild measures building the index from 100,000 articles at once,
// and the heap it holds afterwards.
func BenchmarkBuild(b *testing.B) {
	skipShort(b)
	articles := synthetic.New(1).Articles(0, benchArticles)
	var ix *Index
	for b.Loop() {
		ix = NewIndex(benchOptions())
		ix.Put(articles...)
	}
	b.StopTimer()
	articles = nil
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-MB")
	b.ReportMetric(float64(ix.size()), "articles")
}

// BenchmarkAdd measures adding one article to a 100,000-article index.
func BenchmarkAdd(b *testing.B) {
	skipShort(b)
	ix, corpus := benchIndex()
	next := benchArticles + 1_000_000 // slugs no other benchmark uses
	articles := corpus.Articles(next, 10_000)
	i := 0
	for b.Loop() {
		ix.Put(articles[i%len(articles)])
		i++
	}
	b.StopTimer()
	for _, a := range articles[:min(i, len(articles))] {
		ix.Remove(a.Slug)
	}
}

// BenchmarkRemove measures removing one article (and refilling the lists
// it leaves short) from a 100,000-article index.
func BenchmarkRemove(b *testing.B) {
	skipShort(b)
	ix, corpus := benchIndex()
	articles := corpus.Articles(benchArticles+2_000_000, 2_000)
	ix.Put(articles...)
	i := 0
	for b.Loop() {
		if i == len(articles) {
			b.StopTimer()
			ix.Put(articles...)
			i = 0
			b.StartTimer()
		}
		ix.Remove(articles[i].Slug)
		i++
	}
}

// BenchmarkRelated measures a request for 6 and for 12 related articles,
// reporting the median and 99th-percentile latency.
func BenchmarkRelated(b *testing.B) {
	skipShort(b)
	ix, _ := benchIndex()
	for _, k := range []int{6, 12} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, 7))
			var latencies []time.Duration
			for b.Loop() {
				slug := fmt.Sprintf("a%d", rng.IntN(benchArticles))
				start := time.Now()
				if got := ix.relatedTo(slug, k); len(got) != k {
					b.Fatalf("Related(%s, %d) gave %d articles", slug, k, len(got))
				}
				latencies = append(latencies, time.Since(start))
			}
			slices.Sort(latencies)
			b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds()), "p99-µs")
		})
	}
}

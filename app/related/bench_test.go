package related

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

// syntheticCorpus generates news-like articles deterministically: each
// article is about one of a set of topics, mixing that topic's words with a
// Zipf-distributed background vocabulary, as real news mixes subject words
// with common ones.
type syntheticCorpus struct {
	rng        *rand.Rand
	background []string
	topics     [][]string
	bgZipf     *rand.Zipf
	topicZipf  *rand.Zipf
	start      time.Time
}

const (
	syntheticTopics     = 200
	syntheticTopicWords = 300
	syntheticBackground = 8000
	syntheticCategories = 12
)

func newSyntheticCorpus(seed uint64) *syntheticCorpus {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	word := func() string {
		syllables := []string{"ka", "lo", "mi", "ra", "tu", "ne", "sa", "vo", "di", "pe", "zu", "ga", "ro", "li", "ba", "fe"}
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		return b.String()
	}
	c := &syntheticCorpus{rng: rng, start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	for range syntheticBackground {
		c.background = append(c.background, word())
	}
	for range syntheticTopics {
		topic := make([]string, syntheticTopicWords)
		for i := range topic {
			topic[i] = word() + word()
		}
		c.topics = append(c.topics, topic)
	}
	c.bgZipf = rand.NewZipf(rng, 1.1, 2, syntheticBackground-1)
	c.topicZipf = rand.NewZipf(rng, 1.05, 4, syntheticTopicWords-1)
	return c
}

func (c *syntheticCorpus) article(i int) news.Article {
	topic := c.rng.IntN(syntheticTopics)
	words := func(n int, topicShare float64) string {
		out := make([]string, n)
		for j := range out {
			if c.rng.Float64() < topicShare {
				out[j] = c.topics[topic][c.topicZipf.Uint64()]
			} else {
				out[j] = c.background[c.bgZipf.Uint64()]
			}
		}
		return strings.Join(out, " ")
	}
	body := make([]string, 4)
	for p := range body {
		body[p] = words(60, 0.3)
	}
	return news.Article{
		Slug:      fmt.Sprintf("a%d", i),
		Title:     words(8, 0.6),
		Body:      body,
		Category:  fmt.Sprintf("cat%d", topic%syntheticCategories),
		Tags:      []string{fmt.Sprintf("t%d", topic), fmt.Sprintf("t%d", (topic+1)%syntheticTopics)},
		Published: c.start.Add(time.Duration(c.rng.IntN(2*365*24)) * time.Hour),
		Lang:      news.French,
	}
}

func (c *syntheticCorpus) articles(from, n int) []news.Article {
	out := make([]news.Article, n)
	for i := range out {
		out[i] = c.article(from + i)
	}
	return out
}

const benchArticles = 100_000

// benchIndex builds the 100,000-article index once for the benchmarks that
// need one; it is test scaffolding, not package state.
var benchIndex = sync.OnceValues(func() (*Index, *syntheticCorpus) {
	corpus := newSyntheticCorpus(1)
	ix := NewIndex(benchOptions())
	ix.Put(corpus.articles(0, benchArticles)...)
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
	articles := newSyntheticCorpus(1).articles(0, benchArticles)
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
	b.ReportMetric(float64(ix.Len()), "articles")
}

// BenchmarkAdd measures adding one article to a 100,000-article index.
func BenchmarkAdd(b *testing.B) {
	skipShort(b)
	ix, corpus := benchIndex()
	next := benchArticles + 1_000_000 // slugs no other benchmark uses
	articles := corpus.articles(next, 10_000)
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
	articles := corpus.articles(benchArticles+2_000_000, 2_000)
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
				if got := ix.Related(slug, k); len(got) != k {
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

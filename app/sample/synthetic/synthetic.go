// Package synthetic makes news-like articles in any number, for the
// benchmarks that need a big store: the same articles for the same seed.
// Each article is about one of a set of topics, mixing that topic's words
// with a Zipf-distributed background vocabulary, as real news mixes
// subject words with common ones.
package synthetic

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

// Corpus makes articles. It is not safe for concurrent use.
type Corpus struct {
	rng        *rand.Rand
	background []string
	topics     [][]string
	bgZipf     *rand.Zipf
	topicZipf  *rand.Zipf
	start      time.Time
}

const (
	topics     = 200
	topicWords = 300
	background = 8000
	categories = 12
)

// The sample's drawings, which synthetic articles show as their pictures.
var images = []string{"culture-cinema", "economie-port", "international-globe", "politique-hemicycle", "societe-eau", "sport-stade", "tech-reseau"}

// New returns the corpus of a seed.
func New(seed uint64) *Corpus {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	word := func() string {
		syllables := []string{"ka", "lo", "mi", "ra", "tu", "ne", "sa", "vo", "di", "pe", "zu", "ga", "ro", "li", "ba", "fe"}
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		return b.String()
	}
	c := &Corpus{rng: rng, start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	for range background {
		c.background = append(c.background, word())
	}
	for range topics {
		topic := make([]string, topicWords)
		for i := range topic {
			topic[i] = word() + word()
		}
		c.topics = append(c.topics, topic)
	}
	c.bgZipf = rand.NewZipf(rng, 1.1, 2, background-1)
	c.topicZipf = rand.NewZipf(rng, 1.05, 4, topicWords-1)
	return c
}

// Article makes the article numbered i, with the slug "a<i>": four
// paragraphs of sixty words, a title, an excerpt and a picture, published
// within two years of 2024-01-01.
func (c *Corpus) Article(i int) news.Article {
	topic := c.rng.IntN(topics)
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
	a := news.Article{
		Slug:      fmt.Sprintf("a%d", i),
		Title:     words(8, 0.6),
		Body:      body,
		Category:  fmt.Sprintf("cat%d", topic%categories),
		Tags:      []string{fmt.Sprintf("t%d", topic), fmt.Sprintf("t%d", (topic+1)%topics)},
		Published: c.start.Add(time.Duration(c.rng.IntN(2*365*24)) * time.Hour),
		Lang:      news.French,
	}
	a.Excerpt = words(25, 0.4)
	a.Image = &news.Image{Src: "/web/images/" + images[topic%len(images)] + ".svg", Alt: a.Title, Width: 1200, Height: 675}
	return a
}

// Articles makes n articles, numbered from from.
func (c *Corpus) Articles(from, n int) []news.Article {
	out := make([]news.Article, n)
	for i := range out {
		out[i] = c.Article(from + i)
	}
	return out
}

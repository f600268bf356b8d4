package related

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
)

// baselineRanking ranks with plain tf-idf cosine, the yardstick the ranker
// has to beat: lower-cased words, no stop words or stemming, sublinear tf
// times log(N/df), every pair compared exactly.
func baselineRanking(ctx context.Context, rows []labelledArticle, k int) ([][]int, error) {
	vocab := newVocabulary()
	counts := make([]sparseVector, len(rows))
	for i, r := range rows {
		var words []string
		var wordCounts []float32
		index := make(map[string]int)
		for _, w := range strings.FieldsFunc(strings.ToLower(r.headline+"\n"+r.text), isWordSeparator) {
			j, ok := index[w]
			if !ok {
				j = len(words)
				index[w] = j
				words = append(words, w)
				wordCounts = append(wordCounts, 0)
			}
			wordCounts[j]++
		}
		counts[i] = vocab.termCounts(words, wordCounts)
	}
	vocab.recount(counts)
	n := float64(len(rows))
	vectors := make([]sparseVector, len(rows))
	for i, c := range counts {
		v := make(sparseVector, 0, len(c))
		for _, tw := range c {
			idf := math.Log(n / float64(vocab.df[tw.term]))
			v = append(v, termWeight{term: tw.term, weight: tw.weight * float32(idf)})
		}
		vectors[i] = v.normalize()
	}
	ranked := make([][]int, len(rows))
	type similar struct {
		doc int
		sim float64
	}
	sims := make([]similar, 0, len(rows))
	for i := range rows {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		sims = sims[:0]
		for j := range rows {
			if j != i {
				sims = append(sims, similar{j, dot(vectors[i], vectors[j])})
			}
		}
		slices.SortFunc(sims, func(a, b similar) int {
			if c := cmp.Compare(b.sim, a.sim); c != 0 {
				return c
			}
			return a.doc - b.doc
		})
		for _, s := range sims[:min(k, len(sims))] {
			ranked[i] = append(ranked[i], s.doc)
		}
	}
	return ranked, nil
}

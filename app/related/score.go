package related

import (
	"math"
	"time"
)

// relevance is how related b is to a, recency aside: the cosine of their
// feedback-smoothed term vectors (textSim), plus bonuses for a shared
// category and shared tags. It is symmetric, which lets an added article be
// put into the lists of the articles it scores well against without
// querying for them.
func (ix *Index) relevance(a, b *document, textSim float64) float64 {
	r := textSim
	if a.category != "" && a.category == b.category {
		r += ix.opts.CategoryBoost
	}
	if ix.opts.TagBoost != 0 {
		r += ix.opts.TagBoost * tagCosine(a.tags, b.tags)
	}
	return r
}

// rankKey orders the neighbours of an article: log relevance plus the
// candidate's recency decay. Exponential decay relative to any clock only
// adds the same constant to every key, so the order is the same whenever it
// is computed and lists never go stale as time passes.
func (ix *Index) rankKey(relevance float64, candidate *document) float64 {
	key := math.Log(relevance)
	if h := ix.opts.HalfLife; h > 0 {
		key += math.Ln2 * float64(candidate.published.Sub(decayEpoch)) / float64(h)
	}
	return key
}

// decayEpoch keeps the recency term of rank keys small; any fixed time would do.
var decayEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// tagCosine is the cosine of two sorted, de-duplicated tag sets.
func tagCosine(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	shared := 0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			shared++
			i++
			j++
		}
	}
	return float64(shared) / math.Sqrt(float64(len(a)*len(b)))
}

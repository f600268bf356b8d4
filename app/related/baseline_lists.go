package related

import (
	"cmp"
	"slices"
)

// BaselineLists returns, for each slug given, the maxK articles most like
// it by plain tf-idf cosine and nothing else: the yardstick the ranker is
// measured against, offline (Evaluate) and on readers (interleaving,
// app/insights). No feedback smoothing, no category, tag or recency
// boost, no near-duplicate or diversity rule, no newest articles to fill
// a short list. Unlike Evaluate's baseline, which compares every pair of
// a file's articles, it weighs the index's terms (stemmed, without stop
// words) and finds candidates through its inverted index, queried with
// every term of the article, as a server must at 100,000 articles; like
// the ranker, it keeps to the article's language. A slug the index does
// not hold gets nil.
func (ix *Index) BaselineLists(slugs []string) map[string][]string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	lists := make([][]string, len(slugs))
	scratches := make([]scratch, workers(len(slugs)))
	forEachParallel(len(slugs), func(w, i int) {
		if id, ok := ix.bySlug[slugs[i]]; ok {
			lists[i] = ix.baseline(&scratches[w], id)
		}
	})
	out := make(map[string][]string, len(slugs))
	for i, slug := range slugs {
		out[slug] = lists[i]
	}
	return out
}

// baseline is id's list by plain tf-idf cosine. The caller holds mu, for
// reading.
func (ix *Index) baseline(s *scratch, id uint32) []string {
	plain := ix.plainVector(id)
	if len(plain) == 0 {
		return []string{}
	}
	// Every term queries (not only the strongest, as for the ranker's
	// feedback): an article is posted under its strongest terms only, and
	// the cosine's tail is made of the weaker ones.
	cands := ix.plain.candidates(s, len(ix.docs), slices.Clone(plain), baselineCandidates, ix.notCandidateOf(id), nil)
	ranked := s.similarTo(plain, cands, ix.plainVector)
	slices.SortFunc(ranked, func(a, b similar) int {
		return cmp.Or(cmp.Compare(b.sim, a.sim), cmp.Compare(a.doc, b.doc))
	})
	list := make([]string, 0, min(maxK, len(ranked)))
	for _, r := range ranked[:min(maxK, len(ranked))] {
		list = append(list, ix.docs[r.doc].slug)
	}
	return list
}

// baselineCandidates is how many of the articles that share the most
// weight with one, over their strongest terms, are scored exactly for its
// baseline list: the exact cosine adds only their weaker terms, which
// reorder a list but seldom bring in an article from further down (the
// lists of 95% of the articles of the test corpus are exact; 120
// candidates, the ranker's, cost twice the time for little more).
const baselineCandidates = 5 * maxK

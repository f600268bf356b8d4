package related

import (
	"sync"

	"github.com/kiosque/kiosque/app/news"
)

// Sizes of the search, fixed because they trade speed for recall in ways an
// operator has no reason to change.
const (
	postedTerms        = 64  // strongest terms of a document put in the inverted index
	queryTerms         = 40  // strongest terms of a document used to query it
	feedbackCandidates = 80  // candidates scored exactly to pick feedback documents
	listCandidates     = 120 // candidates scored exactly to build a neighbour list
	expandedTerms      = 256 // terms kept in a feedback-smoothed vector

	// postingsBudget bounds the postings one query visits. Terms are taken
	// strongest first, so the budget only cuts the weak, common terms whose
	// long lists cost the most and tell the least; small collections never
	// reach it.
	postingsBudget    = 40_000
	minQueryTermsUsed = 8

	// refreshLimit bounds the automatic rebuilds that re-weigh every article
	// when the index has doubled since the last one: term weights of a young
	// index are poor, while past this size they barely move and a rebuild
	// would hold the lock for long.
	refreshLimit = 5000
)

// Index holds every article's terms and its precomputed neighbour list. It
// is safe for concurrent use: requests read under a shared lock, and adding
// or removing an article updates only the lists it touches.
type Index struct {
	opts Options

	mu    sync.RWMutex
	docs  []*document // by id; nil where an article was removed
	langs []uint8     // language code by id, 0 where removed: scanned in hot loops
	// freshness is each article's recency term of the rank key, in
	// halvings (log2), by id, for the candidate search; nil without decay.
	freshness []float32
	free      []uint32 // ids of removed articles, for reuse
	bySlug    map[string]uint32
	vocab     *vocabulary
	plain     *invertedIndex // tf-idf vectors, to find feedback documents
	expanded  *invertedIndex // smoothed vectors, to find neighbours
	recent    recencyLists
	builtFor  int       // number of articles at the last full build
	scratch   scratch   // working memory of writers, who hold mu
	readers   sync.Pool // *denseVector working memory of concurrent readers

	// What changed since Dirty last ran, for whoever stores the lists:
	// the articles whose final list may differ, and the slugs removed.
	dirty   map[uint32]struct{}
	removed []string
	// filled are the articles whose final list ends with the newest
	// articles (the fallback), which any article added or removed can
	// change.
	filled map[uint32]struct{}
}

// NewIndex returns an empty index ranking with opts.
func NewIndex(opts Options) *Index {
	return &Index{
		opts:     opts.withDefaults(),
		bySlug:   make(map[string]uint32),
		vocab:    newVocabulary(),
		plain:    newInvertedIndex(),
		expanded: newInvertedIndex(),
		recent:   make(recencyLists),
		dirty:    make(map[uint32]struct{}),
		filled:   make(map[uint32]struct{}),
	}
}

// Slugs returns the slugs of every article in the index.
func (ix *Index) Slugs() []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	slugs := make([]string, 0, len(ix.bySlug))
	for slug := range ix.bySlug {
		slugs = append(slugs, slug)
	}
	return slugs
}

// size returns the number of articles in the index.
func (ix *Index) size() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.bySlug)
}

// Put adds articles, replacing any with the same Slug; articles without a
// Slug are ignored, and so are articles identical to the version indexed,
// so that a feed poll re-putting everything costs little. A batch at least
// as large as the index (the first load) rebuilds everything at once, which
// is faster and weighs terms on the whole collection; smaller ones are added
// one by one, each updating its own list and the lists of the articles it
// is close to.
func (ix *Index) Put(articles ...news.Article) {
	articles = ix.changed(articles)
	analysed := analyseAll(articles, ix.opts.TitleWeight) // the slow part, done without the lock
	if len(analysed) == 0 {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()

	if len(analysed) >= len(ix.bySlug) {
		for _, aa := range analysed {
			if id, ok := ix.bySlug[aa.article.Slug]; ok {
				ix.delete(id, false)
			}
			ix.place(aa)
		}
		ix.rebuild()
		return
	}
	for _, aa := range analysed {
		if id, ok := ix.bySlug[aa.article.Slug]; ok {
			ix.delete(id, true)
		}
		ix.insert(aa)
	}
	if n := len(ix.bySlug); n >= 2*ix.builtFor && n <= refreshLimit {
		ix.rebuild()
	}
}

// changed returns the articles that are new or differ from the version
// indexed.
func (ix *Index) changed(articles []news.Article) []news.Article {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []news.Article
	for _, a := range articles {
		if id, ok := ix.bySlug[a.Slug]; ok && ix.docs[id].fingerprint == fingerprint(a) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// Remove drops the article with slug from the index and from every
// neighbour list, refilling the lists left shorter than maxK.
func (ix *Index) Remove(slug string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if id, ok := ix.bySlug[slug]; ok {
		ix.delete(id, true)
	}
}

// analyseAll analyses articles in parallel, dropping those without a slug
// and all but the last of those sharing one.
func analyseAll(articles []news.Article, titleWeight float64) []analysedArticle {
	last := make(map[string]int, len(articles))
	for i, a := range articles {
		if a.Slug != "" {
			last[a.Slug] = i
		}
	}
	keep := make([]int, 0, len(last))
	for i, a := range articles {
		if a.Slug != "" && last[a.Slug] == i {
			keep = append(keep, i)
		}
	}
	out := make([]analysedArticle, len(keep))
	perWorker := make([]analyzers, workers(len(keep)))
	forEachParallel(len(keep), func(w, i int) { out[i] = perWorker[w].analyse(articles[keep[i]], titleWeight) })
	return out
}

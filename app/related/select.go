package related

import (
	"math"
	"time"
)

// relatedTo returns the slugs of at most k articles related to the one with
// slug, best first, never that article itself; nil if slug is unknown.
// Up to maxK come from the precomputed list; when it has too few (nothing
// similar enough, or outside the Window) the most recent articles of the
// same category fill the rest, so the list is never empty while the index
// holds another article.
func (ix *Index) relatedTo(slug string, k int) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	id, ok := ix.bySlug[slug]
	if !ok {
		return nil
	}
	list, _ := ix.related(id, k)
	return list
}

// related picks k articles for id, and says whether the newest articles
// filled the picks. The caller holds mu.
func (ix *Index) related(id uint32, k int) (list []string, filled bool) {
	if k <= 0 {
		return []string{}, false
	}
	dense, _ := ix.readers.Get().(*denseVector)
	if dense == nil {
		dense = new(denseVector)
	}
	defer ix.readers.Put(dense)
	p := picker{ix: ix, source: id, text: make(map[uint32]sparseVector), dense: dense}
	p.pickRelated(k)
	fromList := len(p.picked)
	p.pickRecent(k)
	out := make([]string, len(p.picked))
	for i, d := range p.picked {
		out[i] = ix.docs[d].slug
	}
	return out, len(p.picked) > fromList
}

// Dirty returns, and forgets, what changed since it last ran: the slugs
// whose final list (Lists) may differ, and the slugs removed, whose stored
// lists must go. A fresh index returns every slug it holds.
func (ix *Index) Dirty() (changed, removed []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for id := range ix.dirty {
		if d := ix.docs[id]; d != nil {
			changed = append(changed, d.slug)
		}
	}
	for _, slug := range ix.removed {
		if _, back := ix.bySlug[slug]; !back { // an edit removes, then puts
			removed = append(removed, slug)
		}
	}
	ix.dirty, ix.removed = make(map[uint32]struct{}), nil
	return changed, removed
}

// Lists returns the final list of each slug given, relatedTo(slug, maxK),
// as a store keeps them; nil for a slug the index does not hold. A list's
// first k entries are relatedTo(slug, k) for any k up to maxK.
func (ix *Index) Lists(slugs []string) map[string][]string {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	lists := make(map[string][]string, len(slugs))
	for _, slug := range slugs {
		id, ok := ix.bySlug[slug]
		if !ok {
			lists[slug] = nil
			continue
		}
		list, filled := ix.related(id, maxK)
		if filled {
			ix.filled[id] = struct{}{}
		} else {
			delete(ix.filled, id)
		}
		lists[slug] = list
	}
	return lists
}

// picker chooses one request's articles. It caches the text vectors that
// the duplicate and diversity checks compare.
type picker struct {
	ix     *Index
	source uint32
	picked []uint32
	text   map[uint32]sparseVector
	dense  *denseVector // clean between calls
}

func (p *picker) vector(id uint32) sparseVector {
	v, ok := p.text[id]
	if !ok {
		v = p.ix.textVector(id)
		p.text[id] = v
	}
	return v
}

// pickRelated picks greedily from the neighbour list, lowering each
// candidate's relevance by its similarity to those already picked (maximal
// marginal relevance) and skipping near-duplicates of them.
func (p *picker) pickRelated(k int) {
	opts := p.ix.opts
	var since time.Time
	if opts.Window > 0 {
		since = opts.Now().Add(-opts.Window)
	}
	type option struct {
		neighbour
		overlap float64 // highest text cosine with a picked article
		gone    bool
	}
	var options []option
	for _, n := range p.ix.docs[p.source].neighbours {
		if p.ix.docs[n.doc].published.Before(since) {
			continue
		}
		options = append(options, option{neighbour: n})
	}
	for len(p.picked) < k {
		best, bestKey := -1, math.Inf(-1)
		for i, o := range options {
			if o.gone {
				continue
			}
			key := o.key
			if opts.Diversity > 0 && o.overlap > 0 {
				key += math.Log(max(1-opts.Diversity*o.overlap, 1e-9))
			}
			if key > bestKey {
				best, bestKey = i, key
			}
		}
		if best < 0 {
			return
		}
		chosen := options[best].doc
		options[best].gone = true
		p.picked = append(p.picked, chosen)
		if len(p.picked) == k {
			return
		}
		chosenVector := p.vector(chosen)
		p.dense.load(chosenVector)
		for i := range options {
			o := &options[i]
			if o.gone {
				continue
			}
			o.overlap = max(o.overlap, p.dense.dot(p.vector(o.doc)))
			if o.overlap >= opts.DuplicateSimilarity {
				o.gone = true
			}
		}
		p.dense.unload(chosenVector)
	}
}

// pickRecent fills up to k with the newest articles, trying the source's
// language and category first, then its language, then its category in
// other languages, then anything: a reader can use an article on another
// topic more than one in a language they may not read.
func (p *picker) pickRecent(k int) {
	d := p.ix.docs[p.source]
	tiers := []recencyKey{{lang: d.lang}, {}}
	if d.category != "" {
		tiers = []recencyKey{{lang: d.lang, category: d.category}, {lang: d.lang}, {category: d.category}, {}}
	}
	for _, key := range tiers {
		for _, id := range p.ix.recent[key] {
			if len(p.picked) >= k {
				return
			}
			if p.acceptable(id) {
				p.picked = append(p.picked, id)
			}
		}
	}
}

// acceptable tells whether id may join the picks: not the source, not
// picked already, and not a near-duplicate of either.
func (p *picker) acceptable(id uint32) bool {
	if id == p.source {
		return false
	}
	for _, q := range p.picked {
		if q == id {
			return false
		}
	}
	v := p.vector(id)
	if dot(v, p.vector(p.source)) >= p.ix.opts.DuplicateSimilarity {
		return false
	}
	for _, q := range p.picked {
		if dot(v, p.vector(q)) >= p.ix.opts.DuplicateSimilarity {
			return false
		}
	}
	return true
}

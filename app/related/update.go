package related

import (
	"math"
	"slices"
)

// place stores an analysed article under a free id, without any vectors or
// neighbours yet.
func (ix *Index) place(aa analysedArticle) uint32 {
	d := newDocument(aa, ix.vocab)
	var id uint32
	if n := len(ix.free); n > 0 {
		id = ix.free[n-1]
		ix.free = ix.free[:n-1]
		ix.docs[id] = d
		ix.langs[id] = langCode(d.lang)
	} else {
		id = uint32(len(ix.docs))
		ix.docs = append(ix.docs, d)
		ix.langs = append(ix.langs, langCode(d.lang))
		if ix.opts.HalfLife > 0 {
			ix.freshness = append(ix.freshness, 0)
		}
	}
	if ix.opts.HalfLife > 0 {
		ix.freshness[id] = float32(ix.rankKey(1, d) / math.Ln2) // in halvings, as fastLog2
	}
	ix.bySlug[d.slug] = id
	ix.touched(id)
	ix.fillsChange()
	return id
}

// insert adds one article incrementally: it is indexed, gets its own
// neighbour list, and enters the lists of the articles it ranks well for.
func (ix *Index) insert(aa analysedArticle) {
	id := ix.place(aa)
	d := ix.docs[id]
	ix.vocab.count(d.counts, 1)
	plain := ix.plainVector(id)
	d.rawPosted = ix.plain.add(id, plain.strongest(postedTerms))
	d.expanded = ix.expand(&ix.scratch, id, plain, ix.plainVector)
	d.expandedPosted = ix.expanded.add(id, d.expanded.strongest(postedTerms))
	ix.recent.add(id, ix.docs)

	ranked := ix.rankCandidates(&ix.scratch, id)
	ix.setNeighbours(id, ix.keepBest(id, ranked))
	text := ix.textVector(id)
	for _, n := range ranked {
		ix.offer(n.doc, id, float64(n.relevance), text)
	}
}

// delete removes an article. With refill, lists left shorter than maxK are
// recomputed; a caller about to rebuild everything passes false.
func (ix *Index) delete(id uint32, refill bool) {
	d := ix.docs[id]
	owners := d.inbound
	for _, owner := range owners {
		od := ix.docs[owner]
		od.neighbours = slices.DeleteFunc(od.neighbours, func(n neighbour) bool { return n.doc == id })
		ix.touched(owner)
	}
	ix.setNeighbours(id, nil)
	ix.plain.remove(id, d.rawPosted)
	ix.expanded.remove(id, d.expandedPosted)
	if d.rawPosted != nil { // placed but never indexed: counts were never added
		ix.vocab.count(d.counts, -1)
	}
	ix.recent.remove(id, ix.docs)
	delete(ix.bySlug, d.slug)
	ix.docs[id] = nil
	ix.langs[id] = 0
	ix.free = append(ix.free, id)
	delete(ix.dirty, id)
	delete(ix.filled, id)
	ix.removed = append(ix.removed, d.slug)
	ix.fillsChange()
	if !refill {
		return
	}
	for _, owner := range owners {
		if od := ix.docs[owner]; od != nil && len(od.neighbours) < maxK {
			ranked := ix.rankCandidates(&ix.scratch, owner)
			ix.setNeighbours(owner, ix.keepBest(owner, ranked))
		}
	}
}

// touched notes that id's final list may have changed.
func (ix *Index) touched(id uint32) { ix.dirty[id] = struct{}{} }

// fillsChange notes that the lists ending with the newest articles may
// have changed: an article came or went.
func (ix *Index) fillsChange() {
	for id := range ix.filled {
		ix.dirty[id] = struct{}{}
	}
}

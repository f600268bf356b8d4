package related

import (
	"cmp"
	"slices"

	"github.com/kiosque/kiosque/app/news"
)

// plainVector is the unit tf-idf vector of an article over the words it
// shares with others, computed from its counts with the current term
// weights; it is cheap enough not to be stored.
func (ix *Index) plainVector(id uint32) sparseVector {
	return ix.vocab.weigh(ix.docs[id].counts, 2)
}

// textVector is the unit tf-idf vector of all an article's words, to tell
// near-duplicates.
func (ix *Index) textVector(id uint32) sparseVector {
	return ix.vocab.weigh(ix.docs[id].counts, 1)
}

// rankCandidates scores the articles that share strong terms with id, in
// the same language, and returns those above MinScore, best first.
func (ix *Index) rankCandidates(s *scratch, id uint32) []neighbour {
	d := ix.docs[id]
	if len(d.expanded) == 0 {
		return nil
	}
	cands := ix.expanded.candidates(s, len(ix.docs), d.expanded.strongest(queryTerms), listCandidates, ix.notCandidateOf(id), ix.freshness)
	ranked := make([]neighbour, 0, len(cands))
	s.query.load(d.expanded)
	for _, c := range cands {
		cd := ix.docs[c]
		rel := ix.relevance(d, cd, s.query.dot(cd.expanded))
		if rel <= 0 || rel < ix.opts.MinScore {
			continue
		}
		ranked = append(ranked, neighbour{doc: c, relevance: float32(rel), key: ix.rankKey(rel, cd)})
	}
	s.query.unload(d.expanded)
	slices.SortFunc(ranked, byKey)
	return ranked
}

// notCandidateOf tells which articles cannot be related to id: id itself,
// removed articles, and articles in another language, since related
// articles are for the same reader.
func (ix *Index) notCandidateOf(id uint32) func(uint32) bool {
	lang := ix.langs[id]
	return func(c uint32) bool {
		return c == id || ix.langs[c] != lang
	}
}

// langCode numbers the languages for Index.langs; 0 means no article.
func langCode(l news.Lang) uint8 {
	switch l {
	case news.French:
		return 1
	case news.English:
		return 2
	case news.Arabic:
		return 3
	}
	return 4 // analyse gives every article one of the three above
}

func byKey(a, b neighbour) int {
	if c := cmp.Compare(b.key, a.key); c != 0 {
		return c
	}
	return cmp.Compare(a.doc, b.doc)
}

// keepBest keeps the first ListLength of ranked that are not near-duplicates
// of id: the same story republished is not a related article.
func (ix *Index) keepBest(id uint32, ranked []neighbour) []neighbour {
	var own sparseVector
	kept := make([]neighbour, 0, min(len(ranked), ix.opts.ListLength))
	for _, n := range ranked {
		if len(kept) == ix.opts.ListLength {
			break
		}
		if own == nil {
			own = ix.textVector(id)
		}
		if dot(own, ix.textVector(n.doc)) >= ix.opts.DuplicateSimilarity {
			continue
		}
		kept = append(kept, n)
	}
	return kept
}

// offer puts candidate into owner's list if it ranks among the best kept.
func (ix *Index) offer(owner, candidate uint32, relevance float64, candidateText sparseVector) {
	od, cd := ix.docs[owner], ix.docs[candidate]
	key := ix.rankKey(relevance, cd)
	list := od.neighbours
	if len(list) >= ix.opts.ListLength && key <= list[len(list)-1].key {
		return
	}
	if dot(ix.textVector(owner), candidateText) >= ix.opts.DuplicateSimilarity {
		return
	}
	n := neighbour{doc: candidate, relevance: float32(relevance), key: key}
	i, _ := slices.BinarySearchFunc(list, n, byKey)
	list = slices.Insert(list, i, n)
	if len(list) > ix.opts.ListLength {
		dropped := list[len(list)-1].doc
		list = list[:len(list)-1]
		ix.docs[dropped].inbound = removeID(ix.docs[dropped].inbound, owner)
	}
	od.neighbours = list
	cd.inbound = append(cd.inbound, owner)
	ix.touched(owner)
}

// setNeighbours replaces id's list, keeping inbound links in step.
func (ix *Index) setNeighbours(id uint32, list []neighbour) {
	d := ix.docs[id]
	for _, n := range d.neighbours {
		ix.docs[n.doc].inbound = removeID(ix.docs[n.doc].inbound, id)
	}
	d.neighbours = list
	for _, n := range list {
		ix.docs[n.doc].inbound = append(ix.docs[n.doc].inbound, id)
	}
	ix.touched(id)
}

func removeID(ids []uint32, id uint32) []uint32 {
	if i := slices.Index(ids, id); i >= 0 {
		ids[i] = ids[len(ids)-1]
		return ids[:len(ids)-1]
	}
	return ids
}

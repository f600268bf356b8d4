package related

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
)

// posting is one document under one term of an inverted index.
type posting struct {
	doc    uint32
	weight float32
}

// invertedIndex finds the documents that share a query's strongest terms.
// Each document is posted only under its own strongest terms, which keeps
// the index small and the lists of common words short; candidates are then
// scored exactly on their full vectors.
type invertedIndex struct {
	lists map[uint32][]posting
}

func newInvertedIndex() *invertedIndex {
	return &invertedIndex{lists: make(map[uint32][]posting)}
}

// add posts doc under the given terms; it returns the terms posted so that
// remove can find them again.
func (ii *invertedIndex) add(doc uint32, terms sparseVector) []uint32 {
	posted := make([]uint32, len(terms))
	for i, tw := range terms {
		ii.lists[tw.term] = append(ii.lists[tw.term], posting{doc: doc, weight: tw.weight})
		posted[i] = tw.term
	}
	return posted
}

// compact trims the spare capacity that appending left in the lists.
func (ii *invertedIndex) compact() {
	for t, list := range ii.lists {
		ii.lists[t] = slices.Clone(list)
	}
}

func (ii *invertedIndex) remove(doc uint32, terms []uint32) {
	for _, t := range terms {
		list := ii.lists[t]
		if i := slices.IndexFunc(list, func(p posting) bool { return p.doc == doc }); i >= 0 {
			list[i] = list[len(list)-1]
			list = list[:len(list)-1]
		}
		if len(list) == 0 {
			delete(ii.lists, t)
		} else {
			ii.lists[t] = list
		}
	}
}

// scratch is per-goroutine working memory for candidate searches.
type scratch struct {
	score   []float32
	touched []uint32
	top     candidateHeap
	sum     vectorSum
	query   denseVector
}

// similar is a candidate and its cosine with a query.
type similar struct {
	doc uint32
	sim float64
}

// similarTo scores the candidates against plain, each by the dot product
// with its vector (plainOf), and returns those that share weight with
// plain, in the candidates' order.
func (s *scratch) similarTo(plain sparseVector, cands []uint32, plainOf func(uint32) sparseVector) []similar {
	sims := make([]similar, 0, len(cands))
	s.query.load(plain)
	for _, c := range cands {
		if sim := s.query.dot(plainOf(c)); sim > 0 {
			sims = append(sims, similar{c, sim})
		}
	}
	s.query.unload(plain)
	return sims
}

func (s *scratch) grow(docs int) {
	if len(s.score) < docs {
		s.score = append(s.score, make([]float32, docs-len(s.score))...)
	}
}

// candidates returns up to n documents with the highest partial score
// against query, best first; skip rules documents out. With freshness (a
// log2-scale bonus per document) the partial score is weighed the way the
// final ranking weighs it, so that a fresh article a little less similar
// than many old ones is still found. It reorders query.
func (ii *invertedIndex) candidates(s *scratch, docs int, query sparseVector, n int, skip func(uint32) bool, freshness []float32) []uint32 {
	s.grow(docs)
	slices.SortFunc(query, func(a, b termWeight) int { return cmp.Compare(b.weight, a.weight) })
	visited := 0
	for i, q := range query {
		list := ii.lists[q.term]
		if i >= minQueryTermsUsed && visited+len(list) > postingsBudget {
			continue
		}
		visited += len(list)
		for _, p := range list {
			if s.score[p.doc] == 0 {
				s.touched = append(s.touched, p.doc)
			}
			s.score[p.doc] += q.weight * p.weight
		}
	}
	s.top = s.top[:0]
	for _, d := range s.touched {
		sc := s.score[d]
		s.score[d] = 0
		if freshness != nil {
			sc = fastLog2(sc) + freshness[d]
		}
		full := len(s.top) == n
		if full && sc <= s.top[0].score || skip(d) {
			continue
		}
		if full {
			s.top[0] = scored{doc: d, score: sc}
			heap.Fix(&s.top, 0)
		} else {
			heap.Push(&s.top, scored{doc: d, score: sc})
		}
	}
	s.touched = s.touched[:0]
	slices.SortFunc(s.top, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	out := make([]uint32, len(s.top))
	for i, c := range s.top {
		out[i] = c.doc
	}
	return out
}

// fastLog2 approximates log2 of a positive x within 0.01, which is plenty
// to pick candidates and several times cheaper than math.Log, run for
// every document a query touches.
func fastLog2(x float32) float32 {
	bits := math.Float32bits(x)
	exponent := float32(int32(bits>>23&0xff) - 127)
	m := math.Float32frombits(bits&0x7fffff | 0x3f800000) // mantissa in [1, 2)
	return exponent + (-0.34484843*m+2.02466578)*m - 1.67487759
}

type scored struct {
	doc   uint32
	score float32
}

// candidateHeap is a min-heap: its root is the weakest of the best so far.
type candidateHeap []scored

func (h candidateHeap) Len() int           { return len(h) }
func (h candidateHeap) Less(i, j int) bool { return h[i].score < h[j].score }
func (h candidateHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *candidateHeap) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *candidateHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

package related

import (
	"cmp"
	"slices"
)

// expand smooths an article's plain vector with those of its nearest
// articles in the same language (pseudo-relevance feedback, as Rocchio's):
// the neighbours' shared vocabulary fills in the topic words that the
// article itself happens not to use.
func (ix *Index) expand(s *scratch, id uint32, plain sparseVector, plainOf func(uint32) sparseVector) sparseVector {
	if ix.opts.FeedbackDocs <= 0 || ix.opts.FeedbackWeight <= 0 || len(plain) == 0 {
		return plain.truncated(expandedTerms)
	}
	cands := ix.plain.candidates(s, len(ix.docs), plain.strongest(queryTerms), feedbackCandidates, ix.notCandidateOf(id), nil)
	sims := s.similarTo(plain, cands, plainOf)
	slices.SortFunc(sims, func(a, b similar) int { return cmp.Compare(b.sim, a.sim) })
	sims = sims[:min(len(sims), ix.opts.FeedbackDocs)]
	var total float64
	for _, x := range sims {
		total += x.sim
	}
	s.sum.add(plain, 1)
	for _, x := range sims {
		s.sum.add(plainOf(x.doc), ix.opts.FeedbackWeight*x.sim/total)
	}
	return s.sum.heaviest(expandedTerms)
}

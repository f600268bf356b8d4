package related

import (
	"cmp"
	"math"
	"slices"
)

// vocabulary numbers terms and counts the documents each appears in.
type vocabulary struct {
	ids  map[string]uint32
	df   []int32
	docs int
	// idfs caches idf per term. Entries are refreshed for the terms of each
	// document added or removed and all at once on a rebuild; between two
	// rebuilds the shift that the growing document count gives every term
	// alike is ignored, since it barely changes relative weights.
	idfs []float32
}

func newVocabulary() *vocabulary {
	return &vocabulary{ids: make(map[string]uint32)}
}

// id returns the number of term, giving it one if it is new.
func (v *vocabulary) id(term string) uint32 {
	id, ok := v.ids[term]
	if !ok {
		id = uint32(len(v.df))
		v.ids[term] = id
		v.df = append(v.df, 0)
		v.idfs = append(v.idfs, 0)
	}
	return id
}

// count adds (delta=1) or removes (delta=-1) one document's terms.
func (v *vocabulary) count(counts sparseVector, delta int32) {
	v.docs += int(delta)
	for _, tw := range counts {
		v.df[tw.term] += delta
		v.idfs[tw.term] = v.idf(tw.term)
	}
}

// recount sets the document frequencies from scratch.
func (v *vocabulary) recount(all []sparseVector) {
	clear(v.df)
	v.docs = len(all)
	for _, counts := range all {
		for _, tw := range counts {
			v.df[tw.term]++
		}
	}
	for t := range v.idfs {
		v.idfs[t] = v.idf(uint32(t))
	}
}

// idf is the smoothed inverse document frequency of term.
func (v *vocabulary) idf(term uint32) float32 {
	df := v.df[term]
	if df < 1 {
		return 0
	}
	return float32(math.Log(1 + float64(v.docs)/float64(df)))
}

// weigh turns term counts (already sublinear: a word said ten times is not
// ten times as telling as a word said once) into a unit tf-idf vector.
// Terms in fewer than minDF documents are left out: to find related
// articles, a word no other article has matches nothing and would only
// shrink the weights of the others (minDF 2); to recognise the same text,
// every word counts (minDF 1), or two articles whose shared words are
// their only common ones would look identical.
func (v *vocabulary) weigh(counts sparseVector, minDF int32) sparseVector {
	out := make(sparseVector, 0, len(counts))
	for _, tw := range counts {
		if v.df[tw.term] < minDF {
			continue
		}
		idf := v.idfs[tw.term]
		out = append(out, termWeight{term: tw.term, weight: tw.weight * idf})
	}
	return out.normalize()
}

func sublinear(count float32) float32 {
	if count < 1 {
		return count
	}
	return 1 + float32(math.Log(float64(count)))
}

// termCounts numbers distinct terms with their counts into a vector sorted
// by term id, with sublinear term frequencies ready for weigh.
func (v *vocabulary) termCounts(terms []string, counts []float32) sparseVector {
	out := make(sparseVector, len(terms))
	for i, term := range terms {
		out[i] = termWeight{term: v.id(term), weight: sublinear(counts[i])}
	}
	slices.SortFunc(out, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
	return out
}

package related

import (
	"cmp"
	"math"
	"slices"
)

// termWeight is one term of a sparse vector.
type termWeight struct {
	term   uint32
	weight float32
}

// sparseVector holds the non-zero terms of a document, sorted by term id so
// that two vectors are compared by a single merge.
type sparseVector []termWeight

// dot returns the inner product of a and b.
func dot(a, b sparseVector) float64 {
	var sum float64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].term < b[j].term:
			i++
		case a[i].term > b[j].term:
			j++
		default:
			sum += float64(a[i].weight) * float64(b[j].weight)
			i++
			j++
		}
	}
	return sum
}

// normalize scales v to unit length in place and returns it.
func (v sparseVector) normalize() sparseVector {
	var sum float64
	for _, tw := range v {
		sum += float64(tw.weight) * float64(tw.weight)
	}
	if sum == 0 {
		return v
	}
	scale := 1 / math.Sqrt(sum)
	for i := range v {
		v[i].weight = float32(float64(v[i].weight) * scale)
	}
	return v
}

// strongest returns the n heaviest terms of v, in no particular order, in
// a new slice. It is how queries pick their terms, the way MoreLikeThis
// keeps only the most interesting ones.
func (v sparseVector) strongest(n int) sparseVector {
	if len(v) <= n {
		return slices.Clone(v)
	}
	work := slices.Clone(v)
	selectHeaviest(work, n)
	return slices.Clone(work[:n])
}

// selectHeaviest reorders v so that its n heaviest terms come first
// (quickselect: linear time, where sorting would be n log n).
func selectHeaviest(v sparseVector, n int) {
	heavier := func(a, b termWeight) bool {
		return a.weight > b.weight || a.weight == b.weight && a.term < b.term
	}
	lo, hi := 0, len(v)-1
	for lo < hi {
		pivot := v[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for heavier(v[i], pivot) {
				i++
			}
			for heavier(pivot, v[j]) {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case n-1 <= j:
			hi = j
		case n-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// truncated keeps the n heaviest terms of v, sorted by term, renormalised.
func (v sparseVector) truncated(n int) sparseVector {
	if len(v) <= n {
		return v.normalize()
	}
	out := v.strongest(n)
	slices.SortFunc(out, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
	return out.normalize()
}

// denseVector holds one vector spread over the whole vocabulary, so that
// many dot products against it cost one lookup per term of the other
// vector, without the branches of a merge.
type denseVector []float32

// load spreads v out; unload must undo it before the next load.
func (d *denseVector) load(v sparseVector) {
	for _, tw := range v {
		for int(tw.term) >= len(*d) {
			*d = append(*d, make([]float32, len(*d)+1024)...)
		}
		(*d)[tw.term] = tw.weight
	}
}

func (d denseVector) unload(v sparseVector) {
	for _, tw := range v {
		d[tw.term] = 0
	}
}

// dot returns the inner product of the loaded vector with v.
func (d denseVector) dot(v sparseVector) float64 {
	var sum float32
	for _, tw := range v {
		if int(tw.term) < len(d) {
			sum += d[tw.term] * tw.weight
		}
	}
	return float64(sum)
}

// vectorSum accumulates weighted sparse vectors in a dense scratch array
// sized to the vocabulary.
type vectorSum struct {
	dense   []float64
	touched []uint32
	all     sparseVector
}

func (s *vectorSum) add(v sparseVector, scale float64) {
	for _, tw := range v {
		for int(tw.term) >= len(s.dense) {
			s.dense = append(s.dense, make([]float64, len(s.dense)+1024)...)
		}
		if s.dense[tw.term] == 0 {
			s.touched = append(s.touched, tw.term)
		}
		s.dense[tw.term] += scale * float64(tw.weight)
	}
}

// heaviest returns the n heaviest terms of the sum as a unit vector, and
// resets the scratch space.
func (s *vectorSum) heaviest(n int) sparseVector {
	all := s.all[:0]
	for _, t := range s.touched {
		all = append(all, termWeight{term: t, weight: float32(s.dense[t])})
		s.dense[t] = 0
	}
	s.touched = s.touched[:0]
	s.all = all
	if len(all) > n {
		selectHeaviest(all, n)
		all = all[:n]
	}
	out := slices.Clone(all)
	slices.SortFunc(out, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
	return out.normalize()
}

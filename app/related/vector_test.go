package related

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestStrongestKeepsTheHeaviestTerms(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		size := rng.IntN(300)
		var v sparseVector
		for i := range size {
			// few distinct weights, so that ties are exercised too
			v = append(v, termWeight{term: uint32(i), weight: float32(rng.IntN(20))})
		}
		n := rng.IntN(size + 2)
		got := v.strongest(n)
		want := slices.Clone(v)
		slices.SortFunc(want, func(a, b termWeight) int {
			if c := cmp.Compare(b.weight, a.weight); c != 0 {
				return c
			}
			return cmp.Compare(a.term, b.term)
		})
		want = want[:min(n, len(want))]
		slices.SortFunc(got, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
		slices.SortFunc(want, func(a, b termWeight) int { return cmp.Compare(a.term, b.term) })
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: strongest(%d) of %d terms = %v, want %v", trial, n, size, got, want)
		}
	}
}

func TestDenseDotMatchesMergeDot(t *testing.T) {
	a := sparseVector{{1, 0.5}, {4, 0.25}, {9, 2}}
	b := sparseVector{{0, 3}, {4, 4}, {9, 0.5}, {2000, 7}}
	var d denseVector
	d.load(a)
	got := d.dot(b)
	d.unload(a)
	if want := dot(a, b); got != want || want != 2 {
		t.Errorf("dense dot = %v, merge dot = %v, want 2", got, want)
	}
	if leftover := d.dot(b); leftover != 0 {
		t.Errorf("after unload, dot = %v, want 0", leftover)
	}
}

func TestFastLog2(t *testing.T) {
	for _, x := range []float32{1e-6, 0.001, 0.3, 0.5, 0.99, 1, 1.5, 2, 7.3, 1024, 3e6} {
		got, want := fastLog2(x), math.Log2(float64(x))
		if math.Abs(float64(got)-want) > 0.01 {
			t.Errorf("fastLog2(%g) = %g, want %g", x, got, want)
		}
	}
}

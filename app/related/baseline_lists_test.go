package related

import (
	"cmp"
	"slices"
	"testing"

	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/sample/synthetic"
)

// The baseline's lists rank by plain tf-idf cosine: the candidates the
// inverted index finds are those that comparing every pair of articles in
// a language ranks first, but for a few lists, where an article that
// shares none of its strongest terms may be missed.
func TestBaselineListsRankByPlainCosine(t *testing.T) {
	sampled, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	articles := append(synthetic.New(3).Articles(0, 300), sampled...)
	ix := newTestIndex(t, testOptions(), articles...)
	var slugs []string
	for _, a := range articles {
		slugs = append(slugs, a.Slug)
	}
	lists := ix.BaselineLists(append(slugs, "no-such-article"))
	if got, ok := lists["no-such-article"]; !ok || got != nil {
		t.Errorf("the baseline list of an unknown slug: %q", got)
	}
	const head = maxK
	sameHead, differ := 0, 0
	for _, slug := range slugs {
		got := lists[slug]
		if d := firstDuplicate(got); d != "" || slices.Contains(got, slug) {
			t.Errorf("%s: the list %q repeats %q or holds the article itself", slug, got, d)
		}
		sims := cosines(ix, slug, got)
		if !slices.IsSortedFunc(sims, func(a, b float64) int { return cmp.Compare(b, a) }) {
			t.Errorf("%s: the list is not by decreasing cosine: %v", slug, sims)
		}
		want := bruteForceBaseline(ix, slug)
		if len(got) != len(want) && len(want) < maxK {
			t.Errorf("%s: %d articles in the list, %d share a term with it", slug, len(got), len(want))
		}
		if slices.Equal(got[:min(head, len(got))], want[:min(head, len(want))]) {
			sameHead++
		}
		if !slices.Equal(got, ix.relatedTo(slug, maxK)) {
			differ++
		}
	}
	if sameHead < len(slugs)*95/100 {
		t.Errorf("only %d of %d lists are those every pair compared gives", sameHead, len(slugs))
	}
	// It is a yardstick, not the ranker: their lists differ.
	if differ < len(slugs)/2 {
		t.Errorf("only %d of %d baseline lists differ from the ranker's", differ, len(slugs))
	}
}

// cosines are the plain cosines of slug with each of others.
func cosines(ix *Index, slug string, others []string) []float64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	own := ix.plainVector(ix.bySlug[slug])
	var out []float64
	for _, o := range others {
		out = append(out, dot(own, ix.plainVector(ix.bySlug[o])))
	}
	return out
}

// bruteForceBaseline ranks every other article of slug's language by the
// cosine of their plain vectors.
func bruteForceBaseline(ix *Index, slug string) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	id := ix.bySlug[slug]
	own := ix.plainVector(id)
	type similar struct {
		doc uint32
		sim float64
	}
	var all []similar
	for j, d := range ix.docs {
		if d == nil || uint32(j) == id || ix.langs[j] != ix.langs[id] {
			continue
		}
		if sim := dot(own, ix.plainVector(uint32(j))); sim > 0 {
			all = append(all, similar{uint32(j), sim})
		}
	}
	slices.SortFunc(all, func(a, b similar) int { return cmp.Or(cmp.Compare(b.sim, a.sim), cmp.Compare(a.doc, b.doc)) })
	list := []string{}
	for _, s := range all[:min(maxK, len(all))] {
		list = append(list, ix.docs[s.doc].slug)
	}
	return list
}

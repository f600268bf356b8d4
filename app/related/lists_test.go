package related

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/sample/synthetic"
)

// A stored list answers every k: its first k entries are Related(slug, k).
func TestListsArePrefixesOfEveryAnswer(t *testing.T) {
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	ix := newTestIndex(t, testOptions(), articles...)
	var slugs []string
	for _, a := range articles {
		slugs = append(slugs, a.Slug)
	}
	lists := ix.Lists(slugs)
	for _, slug := range slugs {
		for k := 1; k <= maxK; k++ {
			want := ix.relatedTo(slug, k)
			if got := lists[slug][:min(k, len(lists[slug]))]; !slices.Equal(got, want) {
				t.Fatalf("%s, k=%d: the list's first entries are %v, Related gives %v", slug, k, got, want)
			}
		}
	}
	if got := ix.Lists([]string{"no-such-article"}); got["no-such-article"] != nil {
		t.Errorf("a list for an unknown slug: %v", got)
	}
}

// Storing only the lists Dirty names after each change keeps the stored
// lists what recomputing every list would give: the same articles in each.
// The order of a few may drift, as every new article moves the term
// weights a little, which the picks' diversity step reads; the keeper's
// periodic full refresh puts it right.
func TestDirtyNamesEveryListThatChanged(t *testing.T) {
	corpus := synthetic.New(7)
	opts := testOptions()
	sampled, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	base := append(corpus.Articles(0, 400), sampled...)
	ix := newTestIndex(t, opts, base...)
	slugs := func() []string {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		return slices.Sorted(maps.Keys(ix.bySlug))
	}
	stored := ix.Lists(slugs())
	ix.Dirty()

	edited := base[3]
	edited.Title = "Un titre tout autre, sur un autre sujet"
	edited.Body = sampled[0].Body
	steps := []struct {
		name string
		do   func()
	}{
		{"new articles", func() { ix.Put(corpus.Articles(1000, 5)...) }},
		{"a lone article in a new section", func() {
			a := corpus.Article(2000)
			a.Category = "Une rubrique toute neuve"
			ix.Put(a)
		}},
		{"an edit", func() { ix.Put(edited) }},
		{"removals", func() {
			ix.Remove(base[10].Slug)
			ix.Remove(sampled[2].Slug)
		}},
		{"a newer article in the sample's language and section", func() {
			a := sampled[5]
			a.Slug, a.Published = "une-suite-toute-fraiche", time.Now().Add(-time.Minute)
			ix.Put(a)
		}},
	}
	for _, step := range steps {
		step.do()
		changed, removed := ix.Dirty()
		for slug, list := range ix.Lists(changed) {
			stored[slug] = list
		}
		for _, slug := range removed {
			delete(stored, slug)
		}
		want := ix.Lists(slugs())
		if len(want) != len(stored) {
			t.Fatalf("after %s: %d lists stored, %d articles", step.name, len(stored), len(want))
		}
		order, members := 0, 0
		for slug, list := range want {
			if !slices.Equal(stored[slug], list) {
				a, b := slices.Clone(stored[slug]), slices.Clone(list)
				slices.Sort(a)
				slices.Sort(b)
				if slices.Equal(a, b) {
					order++
				} else {
					members++
					t.Errorf("after %s: the list of %s is stored as %v, but is %v", step.name, slug, stored[slug], list)
				}
			}
		}
		if order > len(want)/20 {
			t.Errorf("after %s: %d of %d lists out of order", step.name, order, len(want))
		}
		t.Logf("after %s: Dirty named %d lists; %d lists differ in order only, %d in articles", step.name, len(changed), order, members)
		ix.Dirty() // Lists above recorded the fills; nothing changed since
	}
}

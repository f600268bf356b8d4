package related

import (
	"testing"

	"github.com/kiosque/kiosque/app/sample"
)

// On a site as small as the bundled sample, text similarity alone is
// noisy: an article's list must still open with the other articles of its
// section in its language, however old, before anything recent.
func TestSmallSiteListsOpenWithTheSection(t *testing.T) {
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	ix := newTestIndex(t, testOptions(), articles...)
	bySlug := map[string]int{}
	for i, a := range articles {
		bySlug[a.Slug] = i
	}
	for _, a := range articles {
		peers := 0 // the other articles of its section, in its language
		for _, b := range articles {
			if b.Slug != a.Slug && b.Lang == a.Lang && b.Category == a.Category {
				peers++
			}
		}
		got := ix.relatedTo(a.Slug, 6)
		for i := 0; i < min(peers, len(got)); i++ {
			if b := articles[bySlug[got[i]]]; b.Category != a.Category || b.Lang != a.Lang {
				t.Errorf("%s (%s, %s): pick %d is %s (%s, %s), while %d of its section wait", a.Slug, a.Category, a.Lang, i+1, b.Slug, b.Category, b.Lang, peers)
				break
			}
		}
	}
}

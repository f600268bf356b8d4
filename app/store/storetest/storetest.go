// Package storetest is the contract of a Kiosque store: one suite of tests
// that every implementation runs against itself (SQLite, PostgreSQL), so
// that the rest of the program can take either and see the same thing.
package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// Store is what the suite tests: everything a Kiosque store offers.
type Store interface {
	store.Store
	store.SourceStore
	store.MediaStore
	store.Lists
	store.Takedowns
	store.BaselineLists
	store.Insights
	store.Locker
	store.ChangeCounter
	store.Sizer
	store.PurgeQueue
}

// Open makes a new, empty store for one test, closed when the test ends,
// and returns it with another: a function that opens one more handle on
// the same store, closed when its test ends too. Handles stand for the
// processes and replicas that share a store; locks and change counts are
// tested across them.
type Open func(t *testing.T) (st Store, another func(t *testing.T) Store)

// Skip names a test of the suite that an implementation is known to fail,
// as Run names it ("Locker/ClosedHandleFreesItsLocks"), and says why. The
// test is skipped, loudly, until the implementation is fixed.
type Skip struct {
	Test string
	Why  string
}

// A group of tests of one part of the contract.
type group struct {
	name  string
	tests []test
}

type test struct {
	name string
	run  func(t *testing.T, open Open)
}

// Run runs the whole contract on stores made by open, each test in
// parallel with the others on a store of its own. The tests of
// ChangeWatcher and Pinger run where the store has them.
func Run(t *testing.T, open Open, skips ...Skip) {
	groups := []group{
		{"Articles", articleTests()},
		{"SafeHTML", safeHTMLTests()},
		{"Versions", versionTests()},
		{"Imports", importTests()},
		{"SourceForget", forgetTests()},
		{"Settings", settingsTests()},
		{"Large", largeTests()},
		{"Media", mediaTests()},
		{"Lists", listTests()},
		{"Takedowns", takedownTests()},
		{"BaselineLists", baselineTests()},
		{"Insights", insightTests()},
		{"Locker", lockerTests()},
		{"ChangeCount", changeCountTests()},
		{"Watch", watchTests()},
		{"Purges", purgeTests()},
	}
	known := map[string]bool{}
	for _, g := range groups {
		for _, tc := range g.tests {
			known[g.name+"/"+tc.name] = true
		}
	}
	why := map[string]string{}
	for _, s := range skips {
		if !known[s.Test] {
			t.Errorf("storetest: asked to skip %q, which is no test of the contract", s.Test)
		}
		why[s.Test] = s.Why
	}

	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					if reason, ok := why[g.name+"/"+tc.name]; ok {
						t.Skipf("KNOWN TO FAIL, SKIPPED: %s", reason)
					}
					t.Parallel()
					tc.run(t, open)
				})
			}
		})
	}
}

// article is a valid article published on the given day of May 2026.
func article(slug string, day int, category string, lang news.Lang) news.Article {
	return news.Article{
		Slug:      slug,
		Title:     "Title of " + slug,
		Excerpt:   "Excerpt of " + slug,
		Body:      []string{"First paragraph.", "Second paragraph."},
		Category:  category,
		Tags:      []string{"tag-" + slug},
		Author:    "Author",
		Published: time.Date(2026, 5, day, 10, 0, 0, 0, time.UTC),
		Lang:      lang,
		Image:     &news.Image{Src: "/web/images/x.svg", Alt: `An "image"`, Width: 1200, Height: 675},
		Source:    "Test",
	}
}

// imported is an item of a source, as an import brings it.
func imported(id, slug, title string) store.Imported {
	return store.Imported{OriginID: id, Article: news.Article{
		Slug:      slug,
		URL:       "https://example.com/" + slug,
		Title:     title,
		Body:      []string{"Un paragraphe."},
		Category:  "Économie",
		Published: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC),
		Lang:      news.French,
		Source:    "Example",
	}}
}

// put stores the articles or fails the test.
func put(t *testing.T, st Store, articles ...news.Article) {
	t.Helper()
	if err := st.Put(t.Context(), articles...); err != nil {
		t.Fatalf("put: %v", err)
	}
}

// storedSlugs lists the slugs of every stored article, sorted.
func storedSlugs(t *testing.T, st Store) []string {
	t.Helper()
	all, err := st.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	slugs := slugsOf(all)
	slices.Sort(slugs)
	return slugs
}

func slugsOf(articles []news.Article) []string {
	var slugs []string
	for _, a := range articles {
		slugs = append(slugs, a.Slug)
	}
	return slugs
}

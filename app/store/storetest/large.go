package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kiosque/kiosque/app/store"
)

func largeTests() []test {
	return []test{
		{"ImportOf40000ArticlesReadsBackBySlug", testImportOf40000Articles},
	}
}

// largeImport is more articles than SQLite binds variables in one
// statement (32,766): a query binding one per article would fail.
const largeImport = 40_000

// A first import of a large site: every article reads back by slug, in
// the order asked, as the related lists and the watcher read them after
// it.
func testImportOf40000Articles(t *testing.T, open Open) {
	ctx := t.Context()
	st, _ := open(t)
	items := make([]store.Imported, largeImport)
	for i := range items {
		items[i] = imported(fmt.Sprint(i), fmt.Sprintf("article-%d", i), fmt.Sprintf("Article %d", i))
	}
	res, err := st.ApplyImport(ctx, store.Import{Origin: "wordpress:https://large.example", Articles: items, RemoveMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != largeImport {
		t.Fatalf("added %d articles, want %d", len(res.Added), largeImport)
	}
	if v := versions(t, st); len(v) != largeImport {
		t.Errorf("versions of %d articles, want %d", len(v), largeImport)
	}

	// Newest last, one unknown slug in the middle: the order given is kept.
	want := slices.Clone(res.Added)
	slices.Reverse(want)
	asked := slices.Insert(slices.Clone(want), largeImport/2, "no-such-article")
	got, err := st.ArticlesBySlug(ctx, asked)
	if err != nil {
		t.Fatalf("articles by %d slugs: %v", len(asked), err)
	}
	if slugs := slugsOf(got); !slices.Equal(slugs, want) {
		t.Errorf("got %d articles, want %d in the order asked", len(slugs), len(want))
	}
	if len(got) > 0 && (got[0].Title != fmt.Sprintf("Article %d", largeImport-1) || len(got[0].Body) != 1) {
		t.Errorf("articles by slug are not whole: %+v", got[0])
	}

	// A second sync that lists them all changes nothing.
	res, err = st.ApplyImport(ctx, store.Import{Origin: "wordpress:https://large.example", Articles: items, RemoveMissing: true})
	if err != nil || res.Changed() || res.Unchanged != largeImport {
		t.Errorf("second sync: %d unchanged, changed %v, %v", res.Unchanged, res.Changed(), err)
	}
}

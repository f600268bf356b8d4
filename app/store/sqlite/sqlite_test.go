package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store/storetest"
)

func openTemp(t *testing.T, dir string) *Store {
	t.Helper()
	st, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestContract runs the contract of every store on stores in temporary
// folders; another handle on a store opens its folder again, as another
// process would.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (storetest.Store, func(t *testing.T) storetest.Store) {
		dir := t.TempDir()
		another := func(t *testing.T) storetest.Store { return openTemp(t, dir) }
		return openTemp(t, dir), another
	})
}

func testArticle(slug string) news.Article {
	return news.Article{
		Slug:      slug,
		Title:     "Title of " + slug,
		Category:  "Culture",
		Published: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC),
		Lang:      news.English,
	}
}

func TestReopenKeepsArticles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, testArticle("kept")); err != nil {
		t.Fatal(err)
	}
	st.Close()
	again := openTemp(t, dir)
	if _, err := again.Article(ctx, "kept"); err != nil {
		t.Errorf("after reopening: %v", err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openTemp(t, dir)
	if _, err := st.db.ExecContext(ctx, "PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := Open(ctx, dir); err == nil {
		t.Errorf("opening %s with schema 999 succeeded, want an error", filepath.Join(dir, FileName))
	}
}

// A folder whose name holds what ends a file name in a URI (# and ?) is a
// store of its own: "a#1" and "a#2" once opened the one file "a".
func TestFoldersWithURIMarksAreStoresOfTheirOwn(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	articles, err := sample.Articles()
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"a#1", "a#2", "b?x=1", "c%41"} {
		dir := filepath.Join(parent, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		st, err := Open(ctx, dir)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		all, err := st.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 0 {
			t.Errorf("%s: a new folder's store holds %d articles, stored through another folder", name, len(all))
		}
		if err := st.Put(ctx, articles[i]); err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
			t.Errorf("%s: the store is not in its folder: %v", name, err)
		}
	}
}

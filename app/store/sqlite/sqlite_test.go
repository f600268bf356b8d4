package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
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

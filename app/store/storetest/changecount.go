package storetest

import (
	"context"
	"testing"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

func changeCountTests() []test {
	return []test{
		{"ChangesWithEveryWrite", testChangeCountChangesWithEveryWrite},
		{"UnchangedByReads", testChangeCountUnchangedByReads},
		{"UnchangedByARefusedImport", testChangeCountUnchangedByARefusedImport},
	}
}

func changeCount(t *testing.T, st Store) int64 {
	t.Helper()
	n, err := st.ChangeCount(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Every kind of write, through one handle, changes the count that another
// handle reads, and the count the writer reads too.
func testChangeCountChangesWithEveryWrite(t *testing.T, open Open) {
	st, another := open(t)
	other := another(t)
	threeArticles(t, st)
	writes := []struct {
		name  string
		write func(ctx context.Context) error
	}{
		{"put", func(ctx context.Context) error { return st.Put(ctx, article("d", 4, "Sport", news.French)) }},
		{"delete", func(ctx context.Context) error { return st.Delete(ctx, "d") }},
		{"import", func(ctx context.Context) error {
			_, err := st.ApplyImport(ctx, store.Import{Origin: "feed:x", Articles: []store.Imported{imported("1", "un", "Un")}})
			return err
		}},
		{"unchanged import, state saved", func(ctx context.Context) error {
			_, err := st.ApplyImport(ctx, store.Import{Origin: "feed:x", Articles: []store.Imported{imported("1", "un", "Un")},
				State: store.SourceState{ETag: `"v2"`}})
			return err
		}},
		{"source state", func(ctx context.Context) error {
			return st.SaveSourceState(ctx, store.SourceState{Key: "feed:y", Failures: 1})
		}},
		{"media", func(ctx context.Context) error {
			return st.PutMedia(ctx, store.Media{Key: "aaaa.jpg", URL: "https://example.ma/a.jpg"})
		}},
		{"related lists", func(ctx context.Context) error {
			return st.PutRelatedLists(ctx, map[string][]string{"a": {"b"}})
		}},
		{"related list removed", func(ctx context.Context) error {
			return st.PutRelatedLists(ctx, map[string][]string{"a": nil})
		}},
		{"takedown", func(ctx context.Context) error {
			_, err := st.Block(ctx, "b")
			return err
		}},
		{"takedown of a URL alone", func(ctx context.Context) error {
			_, err := st.Block(ctx, "https://example.com/ailleurs")
			return err
		}},
		{"unblock", func(ctx context.Context) error {
			_, err := st.Unblock(ctx, "b")
			return err
		}},
		{"baseline lists", func(ctx context.Context) error {
			return st.PutBaselineLists(ctx, map[string][]string{"a": {"c"}})
		}},
	}
	for _, w := range writes {
		seen, own := changeCount(t, other), changeCount(t, st)
		if err := w.write(t.Context()); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if n := changeCount(t, other); n == seen {
			t.Errorf("%s: another handle's change count stayed %d", w.name, n)
		}
		if n := changeCount(t, st); n == own {
			t.Errorf("%s: the writer's change count stayed %d", w.name, n)
		}
	}
}

func testChangeCountUnchangedByReads(t *testing.T, open Open) {
	ctx := t.Context()
	st, another := open(t)
	threeArticles(t, st)
	putLists(t, st, map[string][]string{"a": {"b"}})
	other := another(t)
	before := changeCount(t, other)
	for range 2 {
		st.Article(ctx, "a")
		st.Articles(ctx, store.Query{Limit: 2})
		st.ArticleByURL(ctx, "https://example.com/a")
		st.ArticlesBySlug(ctx, []string{"a", "b"})
		st.Versions(ctx)
		st.All(ctx)
		st.Categories(ctx)
		st.RelatedList(ctx, "a")
		st.RelatedLists(ctx)
		st.SourceState(ctx, "feed:x")
		st.MediaURL(ctx, "aaaa.jpg")
		st.Blocked(ctx)
		changeCount(t, st)
	}
	if after := changeCount(t, other); after != before {
		t.Errorf("reads changed the count from %d to %d", before, after)
	}
}

// A refused import is rolled back, and leaves nothing for others to read
// again.
func testChangeCountUnchangedByARefusedImport(t *testing.T, open Open) {
	st, another := open(t)
	other := another(t)
	threeArticles(t, st)
	before := changeCount(t, other)
	_, err := st.ApplyImport(t.Context(), store.Import{Origin: "feed:x", Articles: []store.Imported{
		imported("1", "un", "Un"), imported("2", "deux", ""),
	}})
	if err == nil {
		t.Fatal("an import of an article without a title was applied")
	}
	if after := changeCount(t, other); after != before {
		t.Errorf("a refused import changed the count from %d to %d", before, after)
	}
}

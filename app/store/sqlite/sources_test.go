package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

func openImportTestStore(t *testing.T) *Store {
	t.Helper()
	st, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func testImported(id, slug, title string) store.Imported {
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

func storedSlugs(t *testing.T, st *Store) []string {
	t.Helper()
	all, err := st.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, a := range all {
		slugs = append(slugs, a.Slug)
	}
	slices.Sort(slugs)
	return slugs
}

func TestApplyImportUpdatesByIdentityAndKeepsSlug(t *testing.T) {
	ctx := context.Background()
	st := openImportTestStore(t)
	const origin = "wordpress:https://example.com"

	res, err := st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{
		testImported("1", "premier", "Premier"),
		testImported("2", "second", "Second"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"premier", "second"}) || len(res.Updated) != 0 {
		t.Fatalf("first import: %+v", res)
	}

	// The same items again change nothing; an edited one (new title, new
	// wanted slug) is updated under its old slug.
	edited := testImported("2", "second-edite", "Second, édité")
	res, err = st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{testImported("1", "premier", "Premier"), edited}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Added) != 0 || !slices.Equal(res.Updated, []string{"second"}) || res.Unchanged != 1 {
		t.Fatalf("second import: %+v", res)
	}
	a, err := st.Article(ctx, "second")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Second, édité" {
		t.Errorf("title after update = %q", a.Title)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"premier", "second"}) {
		t.Errorf("slugs = %v", got)
	}
}

func TestApplyImportRemovesOnlyMissingItemsOfItsOrigin(t *testing.T) {
	ctx := context.Background()
	st := openImportTestStore(t)
	hand := testImported("", "a-la-main", "À la main").Article
	if err := st.Put(ctx, hand); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:https://other.example/rss", Articles: []store.Imported{
		testImported("https://other.example/1", "autre", "Autre"),
	}}); err != nil {
		t.Fatal(err)
	}
	const origin = "wordpress:https://example.com"
	if _, err := st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{
		testImported("1", "un", "Un"), testImported("2", "deux", "Deux"), testImported("3", "trois", "Trois"),
	}}); err != nil {
		t.Fatal(err)
	}

	// Post 2 is gone; post 3 is still there but unchanged, so only listed.
	res, err := st.ApplyImport(ctx, store.Import{
		Origin:        origin,
		Articles:      []store.Imported{testImported("1", "un", "Un, modifié")},
		RemoveMissing: true,
		Present:       []string{"1", "3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Removed, []string{"deux"}) || !slices.Equal(res.Updated, []string{"un"}) {
		t.Fatalf("result: %+v", res)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"a-la-main", "autre", "trois", "un"}) {
		t.Errorf("slugs = %v", got)
	}

	// Without RemoveMissing (a feed), absent items stay.
	if _, err := st.ApplyImport(ctx, store.Import{Origin: origin}); err != nil {
		t.Fatal(err)
	}
	if got := storedSlugs(t, st); len(got) != 4 {
		t.Errorf("slugs after an empty import = %v", got)
	}
}

func TestApplyImportSuffixesTakenSlugs(t *testing.T) {
	ctx := context.Background()
	st := openImportTestStore(t)
	if err := st.Put(ctx, testImported("", "meteo", "Météo").Article); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:a", Articles: []store.Imported{testImported("x", "meteo", "Météo")}}); err != nil {
		t.Fatal(err)
	}
	res, err := st.ApplyImport(ctx, store.Import{Origin: "feed:b", Articles: []store.Imported{
		testImported("x", "meteo", "Météo"), testImported("y", "meteo", "Météo encore"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Added, []string{"meteo-3", "meteo-4"}) {
		t.Errorf("added %v, want meteo-3 and meteo-4", res.Added)
	}
	a, err := st.Article(ctx, "meteo")
	if err != nil || a.Source != "Example" || a.Title != "Météo" {
		t.Errorf("the hand-written article changed: %+v, %v", a, err)
	}
}

func TestApplyImportIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st := openImportTestStore(t)
	const origin = "wordpress:https://example.com"
	if _, err := st.ApplyImport(ctx, store.Import{Origin: origin, Articles: []store.Imported{testImported("1", "un", "Un")},
		State: store.SourceState{Key: origin, ETag: `"v1"`}}); err != nil {
		t.Fatal(err)
	}

	bad := testImported("3", "trois", "")
	_, err := st.ApplyImport(ctx, store.Import{
		Origin:        origin,
		Articles:      []store.Imported{testImported("1", "un", "Un, modifié"), testImported("2", "deux", "Deux"), bad},
		RemoveMissing: true,
		State:         store.SourceState{Key: origin, ETag: `"v2"`},
	})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	if got := storedSlugs(t, st); !slices.Equal(got, []string{"un"}) {
		t.Errorf("slugs = %v, want only un", got)
	}
	if a, _ := st.Article(ctx, "un"); a.Title != "Un" {
		t.Errorf("title = %q: the failed import was half-applied", a.Title)
	}
	state, err := st.SourceState(ctx, origin)
	if err != nil {
		t.Fatal(err)
	}
	if state.ETag != `"v1"` {
		t.Errorf("ETag = %s: saved by a failed import", state.ETag)
	}
}

func TestSourceStateRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := openImportTestStore(t)
	zero, err := st.SourceState(ctx, "feed:https://example.com/rss")
	if err != nil || zero.Key != "feed:https://example.com/rss" || !zero.Cursor.IsZero() || zero.ETag != "" {
		t.Fatalf("unknown source: %+v, %v", zero, err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	want := store.SourceState{
		Key: "feed:https://example.com/rss", ETag: `W/"abc"`, LastModified: "Mon, 04 Mar 2024 10:00:00 GMT",
		Cursor: now.Add(-time.Hour), FullSync: now.Add(-time.Minute), LastAttempt: now, LastSuccess: now.Add(-2 * time.Hour),
		LastError: "fetch: 500", Failures: 3,
	}
	for range 2 { // insert, then update
		if err := st.SaveSourceState(ctx, want); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.SourceState(ctx, want.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestMigrationFromVersion1KeepsArticles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, testImported("", "ancien", "Ancien").Article); err != nil {
		t.Fatal(err)
	}
	// Take the database back to version 1 by hand, as an old binary left it.
	for _, q := range []string{
		"DROP INDEX articles_origin", "DROP TABLE sources",
		"ALTER TABLE articles DROP COLUMN origin", "ALTER TABLE articles DROP COLUMN origin_id",
		"ALTER TABLE articles DROP COLUMN content_hash", "PRAGMA user_version = 1",
	} {
		if _, err := st.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st.Close()

	st, err = Open(ctx, dir)
	if err != nil {
		t.Fatalf("reopen %s: %v", filepath.Join(dir, FileName), err)
	}
	defer st.Close()
	if _, err := st.Article(ctx, "ancien"); err != nil {
		t.Errorf("article lost in migration: %v", err)
	}
	if _, err := st.ApplyImport(ctx, store.Import{Origin: "feed:x", Articles: []store.Imported{testImported("1", "ancien", "Ancien")}}); err != nil {
		t.Errorf("import after migration: %v", err)
	}
}

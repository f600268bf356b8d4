package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

func TestMigrationFromVersion1KeepsArticles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(ctx, testArticle("ancien")); err != nil {
		t.Fatal(err)
	}
	// Take the database back to version 1 by hand, as an old binary left it
	// (the tables of later versions that it did not know stay).
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
	// An article stored before content hashes has its update time for a
	// version, until it is written again.
	versions, err := st.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v := versions["ancien"]; v == "" || v == store.ContentHash(testArticle("ancien")) {
		t.Errorf("version of an article stored before hashes: %q", v)
	}
	imp := store.Import{Origin: "feed:x", Articles: []store.Imported{{OriginID: "1", Article: testArticle("ancien")}}}
	if res, err := st.ApplyImport(ctx, imp); err != nil || len(res.Added) != 1 {
		t.Errorf("import after migration: %+v, %v", res, err)
	}
	if err := st.PutRelatedLists(ctx, map[string][]string{"ancien": {"ancien-2"}}); err != nil {
		t.Errorf("related lists after migration: %v", err)
	}
}

func TestMigrationToVersion3MakesSourcesFetchEverythingAgain(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	success := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	if err := st.SaveSourceState(ctx, store.SourceState{
		Key: "wordpress:https://example.ma", ETag: `"v1"`, LastModified: "Sun, 01 Mar 2026 08:00:00 GMT",
		Cursor: success, FullSync: success, LastAttempt: success, LastSuccess: success,
	}); err != nil {
		t.Fatal(err)
	}
	// Take the database back to version 2, as the previous binary left it.
	for _, q := range []string{"DROP TABLE media", "PRAGMA user_version = 2"} {
		if _, err := st.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st.Close()

	st = openTemp(t, dir)
	state, err := st.SourceState(ctx, "wordpress:https://example.ma")
	if err != nil {
		t.Fatal(err)
	}
	if state.ETag != "" || state.LastModified != "" || !state.Cursor.IsZero() {
		t.Errorf("after migration the source would poll incrementally: %+v", state)
	}
	if !state.LastSuccess.Equal(success) || !state.FullSync.Equal(success) {
		t.Errorf("migration lost the source's history: %+v", state)
	}
	if err := st.PutMedia(ctx, store.Media{Key: "ffff.jpg", URL: "https://example.ma/f.jpg"}); err != nil {
		t.Errorf("media table after migration: %v", err)
	}
}

// Version 6 records the images of the articles stored before it, so that
// a takedown of one of them forgets the images only it used.
func TestMigrationToVersion6RecordsTheImagesOfStoredArticles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	const own, shared = "0123456789abcdef0123456789abcdef.jpg", "fedcba9876543210fedcba9876543210"
	a, b := testArticle("ancien"), testArticle("autre")
	a.Image = &news.Image{Src: mediakey.Prefix + own}
	a.HTML = `<p><img src="/media/` + shared + `" alt=""></p>`
	b.HTML = a.HTML
	if err := st.Put(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if err := st.PutMedia(ctx, store.Media{Key: own, URL: "https://example.ma/a.jpg"}, store.Media{Key: shared, URL: "https://example.ma/s"}); err != nil {
		t.Fatal(err)
	}
	// Take the database back to version 5, as the previous binary left it.
	for _, q := range []string{"DROP TABLE article_media", "DROP TABLE blocked", "PRAGMA user_version = 5"} {
		if _, err := st.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st.Close()

	st = openTemp(t, dir)
	done, err := st.Block(ctx, "ancien")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(done.Media, []string{own}) {
		t.Errorf("images freed by the takedown of an article stored before version 6: %q, want %q", done.Media, own)
	}
	if _, err := st.MediaURL(ctx, shared); err != nil {
		t.Errorf("the image another article uses was forgotten: %v", err)
	}
}

// Version 8 gives each source the endpoint found at its address: a source
// of an older store keeps its state, its endpoint to be found.
func TestMigrationToVersion8KeepsSourcesAndFindsTheirEndpointAgain(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	success := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	old := store.SourceState{Key: "wordpress:https://example.ma", ETag: `"v1"`, Cursor: success, LastSuccess: success}
	if err := st.SaveSourceState(ctx, old); err != nil {
		t.Fatal(err)
	}
	// Take the database back to version 7, as the previous binary left it.
	for _, q := range []string{"ALTER TABLE sources DROP COLUMN endpoint", "PRAGMA user_version = 7"} {
		if _, err := st.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st.Close()

	st = openTemp(t, dir)
	state, err := st.SourceState(ctx, old.Key)
	if err != nil || state != old {
		t.Errorf("after migration: %+v, %v\nwant %+v", state, err, old)
	}
	old.Endpoint = "https://example.ma/wp-json/"
	if err := st.SaveSourceState(ctx, old); err != nil {
		t.Fatal(err)
	}
	if state, err := st.SourceState(ctx, old.Key); err != nil || state != old {
		t.Errorf("endpoint after migration: %+v, %v\nwant %+v", state, err, old)
	}
}

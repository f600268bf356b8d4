package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

func TestMediaRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, t.TempDir())
	if err := st.PutMedia(ctx,
		store.Media{Key: "aaaa.jpg", URL: "https://example.ma/a.jpg"},
		store.Media{Key: "bbbb.png", URL: "https://example.ma/b.png"},
	); err != nil {
		t.Fatal(err)
	}
	// Recording a key again (a re-import) keeps it, and is no error.
	if err := st.PutMedia(ctx, store.Media{Key: "aaaa.jpg", URL: "https://example.ma/other.jpg"}); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"aaaa.jpg": "https://example.ma/a.jpg", "bbbb.png": "https://example.ma/b.png"} {
		if got, err := st.MediaURL(ctx, key); err != nil || got != want {
			t.Errorf("MediaURL(%q) = %q, %v; want %q", key, got, err, want)
		}
	}
	if _, err := st.MediaURL(ctx, "cccc.gif"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown key: err = %v, want ErrNotFound", err)
	}
	if err := st.PutMedia(ctx); err != nil {
		t.Errorf("nothing to record: %v", err)
	}
}

func TestPutMediaIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t, t.TempDir())
	err := st.PutMedia(ctx,
		store.Media{Key: "dddd.jpg", URL: "https://example.ma/d.jpg"},
		store.Media{Key: "eeee.jpg"}, // no URL
	)
	if err == nil {
		t.Fatal("a media without a URL was recorded")
	}
	if _, err := st.MediaURL(ctx, "dddd.jpg"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("half of a failed PutMedia was kept: %v", err)
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

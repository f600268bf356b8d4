package keeper

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// The keeper tells what each sync changed: the articles put with their
// sections, those removed, and exactly the articles whose stored list
// differs after it.
func TestSyncTellsWhatChanged(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := sample.Fill(ctx, st); err != nil {
		t.Fatal(err)
	}
	var told []Change
	k := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Changed: func(_ context.Context, c Change) { told = append(told, c) }})
	if err := k.Start(ctx); err != nil {
		t.Fatal(err)
	}
	all, err := st.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seed := all[0]
	twin := seed
	twin.ID, twin.Slug, twin.URL, twin.Title = 0, "un-jumeau-tout-neuf", "", seed.Title+" (suite)"
	twin.Published = time.Now().Add(-time.Minute)
	gone := all[len(all)-1].Slug

	before, err := st.RelatedLists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	told = nil
	if err := st.Put(ctx, twin); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if err := k.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := st.RelatedLists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(told) != 1 {
		t.Fatalf("told %d changes, want 1: %+v", len(told), told)
	}
	c := told[0]
	if !slices.Equal(c.Put, []string{twin.Slug}) || !slices.Equal(c.Sections, []string{twin.CategorySlug}) || !slices.Equal(c.Removed, []string{gone}) {
		t.Errorf("told put %v in %v, removed %v; want %s in %s, removed %s", c.Put, c.Sections, c.Removed, twin.Slug, twin.CategorySlug, gone)
	}
	var differ []string
	for slug, list := range after {
		if old, ok := before[slug]; !ok || !slices.Equal(old, list) {
			differ = append(differ, slug)
		}
	}
	slices.Sort(differ)
	if !slices.Equal(c.Lists, differ) {
		t.Errorf("told the lists of %v; those that differ are %v", c.Lists, differ)
	}
	if len(differ) == 0 || len(differ) == len(after) {
		t.Errorf("%d of %d lists differ: not a test of precision", len(differ), len(after))
	}
	told = nil
	if err := k.Sync(ctx); err != nil || len(told) != 0 {
		t.Errorf("a sync with nothing changed told %+v, %v", told, err)
	}
}

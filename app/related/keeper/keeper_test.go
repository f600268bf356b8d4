package keeper

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/sample"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// sampleStore is a store on disk holding the sample, closed at the end of
// the test.
func sampleStore(t *testing.T) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := sample.Fill(ctx, st); err != nil {
		t.Fatal(err)
	}
	return st
}

// The keeper tells what each sync changed: the articles put with their
// sections, those removed, and exactly the articles whose stored list
// differs after it.
func TestSyncTellsWhatChanged(t *testing.T) {
	ctx := context.Background()
	st := sampleStore(t)
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

// countingStore counts the scans of every article's version, and fails
// the next one when told to.
type countingStore struct {
	Store
	scans   atomic.Int32
	failing atomic.Bool
	scanned chan struct{}
}

func (s *countingStore) Versions(ctx context.Context) (map[string]string, error) {
	s.scans.Add(1)
	defer func() { s.scanned <- struct{}{} }()
	if s.failing.CompareAndSwap(true, false) {
		return nil, errors.New("the store is out of reach")
	}
	return s.Store.Versions(ctx)
}

// A tick that finds nothing to do reads nothing: a sync scans every
// article's version (100,000 rows on a large store, every minute, on the
// cores that answer readers), and the store tells of each change. A
// failed sync is tried again at the next tick.
func TestFollowScansOnlyWhenTold(t *testing.T) {
	ctx := context.Background()
	st := sampleStore(t)
	counted := &countingStore{Store: st, scanned: make(chan struct{}, 10)}
	k := New(counted, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err := k.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for len(counted.scanned) > 0 {
		<-counted.scanned
	}
	counted.scans.Store(0)

	ctx, cancel := context.WithCancel(ctx)
	ticks := make(chan time.Time) // each send returns once follow took it
	done := make(chan struct{})
	go func() { defer close(done); k.follow(ctx, ticks) }()
	for range 5 {
		ticks <- time.Now()
	}
	if n := counted.scans.Load(); n != 0 {
		t.Errorf("5 ticks with nothing changed scanned the versions %d times", n)
	}

	counted.failing.Store(true)
	k.SyncSoon()
	<-counted.scanned // told, it syncs: and fails
	ticks <- time.Now()
	<-counted.scanned // the tick after tries again
	ticks <- time.Now()
	ticks <- time.Now()
	cancel()
	<-done
	if n := counted.scans.Load(); n != 2 {
		t.Errorf("a sync told, failed, then tried again: %d scans, want 2", n)
	}
}

package postgres

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/pgtest"
)

// Replicas add their counts to the same keys at once, each flush in a
// different order, and other replicas see no change: their kept answers
// stay.
func TestInsightsFromReplicasSumAndChangeNothing(t *testing.T) {
	t.Parallel()
	cluster := pgtest.Start(t)
	url := cluster.CreateDatabase(t, "insights")
	const replicas, flushes, keys = 4, 20, 50
	stores := make([]*Store, replicas)
	for i := range stores {
		stores[i] = openStore(t, url, Options{MaxConns: 2})
	}
	watcher := openStore(t, url, Options{MaxConns: 2})
	var announced atomic.Int64
	ctx, stop := context.WithCancel(t.Context())
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		watcher.WatchChanges(ctx, func(bool) { announced.Add(1) })
	}()
	// The watcher listens once it hears of a change: wait for one.
	for announced.Load() == 0 {
		if err := stores[0].PutRelatedLists(t.Context(), map[string][]string{}); err != nil {
			t.Fatal(err)
		}
		if err := stores[0].SaveSourceState(t.Context(), store.SourceState{Key: "feed:x"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the notifications of the writes above
	before, err := watcher.ChangeCount(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	heard := announced.Load()

	var wg sync.WaitGroup
	for r, st := range stores {
		wg.Go(func() {
			for f := range flushes {
				counts := make([]store.InsightCount, keys)
				for k := range keys {
					i := k
					if (r+f)%2 == 1 {
						i = keys - 1 - k // the other order
					}
					counts[k] = store.InsightCount{InsightKey: store.InsightKey{Hour: 1000, Article: "a", Kind: store.InsightClick, Position: i}, N: 1}
				}
				if err := st.AddInsights(t.Context(), counts); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	totals, err := watcher.InsightTotals(t.Context(), store.InsightQuery{From: 1000, To: 1001, By: []store.InsightDimension{store.ByPosition}})
	if err != nil {
		t.Fatal(err)
	}
	if len(totals) != keys {
		t.Fatalf("%d keys summed, want %d", len(totals), keys)
	}
	for _, c := range totals {
		if c.N != replicas*flushes {
			t.Errorf("position %d: %d counted, want %d", c.Position, c.N, replicas*flushes)
		}
	}
	if after, err := watcher.ChangeCount(t.Context()); err != nil || after != before {
		t.Errorf("another replica's change count went from %d to %d (%v)", before, after, err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := announced.Load(); n != heard {
		t.Errorf("%d changes announced to another replica for insight counts", n-heard)
	}
	stop()
	<-watching
}

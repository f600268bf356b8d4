package tally

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/insights/report"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// failing is a store that fails while told to, else adds to a real one.
type failing struct {
	store.Insights
	mu   sync.Mutex
	fail bool
}

func (f *failing) AddInsights(ctx context.Context, counts []store.InsightCount) error {
	f.mu.Lock()
	fail := f.fail
	f.mu.Unlock()
	if fail {
		return errors.New("the store is out of reach")
	}
	return f.Insights.AddInsights(ctx, counts)
}

func (f *failing) set(fail bool) {
	f.mu.Lock()
	f.fail = fail
	f.mu.Unlock()
}

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func key(article string, position int) store.InsightKey {
	return store.InsightKey{Hour: 1000, Partner: "news.example", Article: article, Kind: store.InsightClick, Position: position}
}

func stored(t *testing.T, st store.Insights) map[store.InsightKey]int64 {
	t.Helper()
	totals, err := st.InsightTotals(t.Context(), store.InsightQuery{From: 0, To: 1 << 40,
		By: []store.InsightDimension{store.ByDay, store.ByPartner, store.ByPlacement, store.ByArticle, store.ByPosition}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[store.InsightKey]int64{}
	for _, c := range totals {
		c.Hour = 1000 // the day's hour, for the tests' one hour
		out[c.InsightKey] += c.N
	}
	return out
}

// Counts from many requests at once, flushed while they come, all reach
// the store, and a failed flush keeps what it took for the next one.
func TestNothingCountedIsLost(t *testing.T) {
	st := openStore(t)
	f := &failing{Insights: st}
	tl := New(f, slog.New(slog.NewTextHandler(io.Discard, nil)), 0)
	const writers, each = 8, 2000
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if !tl.Add(key("a", (w+i)%3), 1) {
					t.Error("an event refused")
					return
				}
			}
		})
	}
	flushes, failed := 0, 0
	for done := false; !done; flushes++ {
		// The first flush with counts to write fails, then every third
		// one that has some: a flush with none asks nothing of the store
		// (the writers may not have added any yet, or may be done), and
		// the counts only grow until it runs.
		fail := tl.Pending() > 0 && (failed == 0 || flushes%3 == 1)
		f.set(fail)
		err := tl.Flush(t.Context())
		if (err != nil) != fail {
			t.Fatalf("flush %d: %v", flushes, err)
		}
		if fail {
			failed++
		}
		// The writers done first, then nothing left: the other way round,
		// they could add everything between the two.
		done = waitDone(&wg) && tl.Pending() == 0
	}
	if failed == 0 {
		t.Error("no flush failed: nothing shows that a failed flush keeps its counts")
	}
	f.set(false)
	if err := tl.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, n := range stored(t, st) {
		sum += n
	}
	if sum != writers*each {
		t.Errorf("%d events stored after %d flushes, want %d", sum, flushes, writers*each)
	}
	if tl.Pending() != 0 {
		t.Errorf("%d events still pending after the last flush", tl.Pending())
	}
}

// waitDone reports whether wg is done, without waiting.
func waitDone(wg *sync.WaitGroup) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(time.Millisecond):
		return false
	}
}

func TestNewKeysPastTheBoundAreRefusedKnownOnesCounted(t *testing.T) {
	st := openStore(t)
	f := &failing{Insights: st}
	tl := New(f, slog.New(slog.NewTextHandler(io.Discard, nil)), 2)
	if !tl.Add(key("a", 1), 1) || !tl.Add(key("b", 1), 1) {
		t.Fatal("the first two keys were refused")
	}
	if tl.Add(key("c", 1), 1) {
		t.Error("a third key was taken past a bound of 2")
	}
	if !tl.Add(key("a", 1), 5) {
		t.Error("a known key was refused")
	}
	// A failed flush puts its counts back; new keys wait for a good one.
	f.set(true)
	if err := tl.Flush(t.Context()); err == nil {
		t.Fatal("the flush did not fail")
	}
	if tl.Add(key("c", 1), 1) {
		t.Error("a new key was taken while the counts wait for the store")
	}
	f.set(false)
	if err := tl.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !tl.Add(key("c", 1), 1) {
		t.Error("a new key was refused after a flush")
	}
	if got := stored(t, st); got[key("a", 1)] != 6 || got[key("b", 1)] != 1 {
		t.Errorf("stored %v", got)
	}
}

func TestRunFlushesEveryPeriodUntilDone(t *testing.T) {
	st := openStore(t)
	tl := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), 0)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { tl.Run(ctx, 10*time.Millisecond); close(done) }()
	tl.Add(key("a", 1), 3)
	// A flush takes the counts, then stores them: wait for the store.
	for stored(t, st)[key("a", 1)] != 3 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if n := tl.Pending(); n != 0 {
		t.Errorf("%d events pending after a flush", n)
	}
	// A flush cut by the end of Run puts its counts back, for the last
	// flush (Flush) to store.
	tl.Add(key("a", 1), 2)
	cut, cancelCut := context.WithCancel(t.Context())
	cancelCut()
	if err := tl.Flush(cut); err == nil {
		t.Fatal("a flush with its context done stored the counts")
	}
	if n := tl.Pending(); n != 2 {
		t.Errorf("%d events pending after a cut flush, want 2", n)
	}
	if err := tl.Flush(t.Context()); err != nil || stored(t, st)[key("a", 1)] != 5 {
		t.Errorf("the last flush: %v, %d stored", err, stored(t, st)[key("a", 1)])
	}
}

// Past maxPartners partners and maxPlacements placements in an hour, the
// events of new names count under report.Other; those of names seen
// keep theirs, and the next hour starts anew.
func TestNamesPastTheHoursBoundFoldIntoOther(t *testing.T) {
	st := openStore(t)
	tl := New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), 0)
	at := func(hour int64, partner, placement string) store.InsightKey {
		return store.InsightKey{Hour: hour, Partner: partner, Placement: placement, Article: "a", Kind: store.InsightView}
	}
	for i := range maxPartners + 500 {
		if !tl.Add(at(1000, fmt.Sprintf("p%d.example", i), fmt.Sprintf("place-%d", i)), 1) {
			t.Fatalf("event %d refused", i)
		}
	}
	tl.Add(at(1000, "p0.example", "place-0"), 1)
	tl.Add(at(1001, "new.example", "new"), 1)
	if err := tl.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	count := func(by store.InsightDimension, hour int64, name string) int64 {
		totals, err := st.InsightTotals(t.Context(), store.InsightQuery{From: hour, To: hour + 1, By: []store.InsightDimension{by}})
		if err != nil {
			t.Fatal(err)
		}
		var n, names int64
		for _, c := range totals {
			names++
			if c.Partner == name || c.Placement == name {
				n += c.N
			}
		}
		if by == store.ByPartner && hour == 1000 && names != maxPartners+1 {
			t.Errorf("%d partners stored in the hour, want %d and %q", names, maxPartners, report.Other)
		}
		return n
	}
	if got := count(store.ByPartner, 1000, report.Other); got != 500 {
		t.Errorf("%d events counted under %q, want the 500 past the first %d partners", got, report.Other, maxPartners)
	}
	if got := count(store.ByPlacement, 1000, report.Other); got != maxPartners+500-maxPlacements {
		t.Errorf("%d events under the placement %q, want %d", got, report.Other, maxPartners+500-maxPlacements)
	}
	if got := count(store.ByPartner, 1000, "p0.example"); got != 2 {
		t.Errorf("a partner seen counted %d events, want 2", got)
	}
	if got := count(store.ByPartner, 1001, "new.example"); got != 1 {
		t.Errorf("a partner of the next hour counted %d events, want 1", got)
	}
}

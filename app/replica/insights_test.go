package replica

import (
	"io"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store"
)

// With interleaving, the leader keeps the baseline's lists beside the
// ranker's: every article has one once the lists are up to date, and an
// article stored later gets one, and enters others'.
func TestTheLeaderKeepsTheBaselinesLists(t *testing.T) {
	st, dir := sampleStore(t)
	r, err := New(Config{
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		Store:      st,
		Site:       server.Config{Web: os.DirFS("../../web"), Site: "Kiosque", FrameAncestors: "*"},
		DataDir:    dir,
		CacheBytes: 64 << 20,
		Insights:   Insights{Interleave: 0.5},
	})
	if err != nil {
		t.Fatal(err)
	}
	run(t, r)
	all, err := st.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	lists, err := st.BaselineLists(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(lists) != len(all) {
		t.Fatalf("%d baseline lists for %d articles", len(lists), len(all))
	}
	seed := all[0]
	twin := seed
	twin.ID, twin.Slug, twin.URL, twin.Title = 0, "un-jumeau-tout-neuf", "", seed.Title+" (suite)"
	twin.Published = time.Now().Add(-time.Minute)
	if err := st.Put(t.Context(), twin); err != nil {
		t.Fatal(err)
	}
	// The server hears of the change within a second or two, and syncs.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		own, err := st.BaselineList(t.Context(), twin.Slug)
		if err != nil {
			t.Fatal(err)
		}
		theirs, _ := st.BaselineList(t.Context(), seed.Slug)
		if len(own) > 0 && own[0] == seed.Slug && slices.Contains(theirs, twin.Slug) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new article's baseline list %q; its twin's %q", own, theirs)
		}
	}
}

// Counts older than the retention are deleted as the server starts (and
// every hour after); those within it stay.
func TestCountsPastTheRetentionGo(t *testing.T) {
	st, dir := sampleStore(t)
	now := store.HourOf(time.Now())
	old := store.InsightCount{InsightKey: store.InsightKey{Hour: now - 49, Article: "a", Kind: store.InsightView}, N: 3}
	recent := store.InsightCount{InsightKey: store.InsightKey{Hour: now - 47, Article: "a", Kind: store.InsightView}, N: 4}
	if err := st.AddInsights(t.Context(), []store.InsightCount{old, recent}); err != nil {
		t.Fatal(err)
	}
	r, err := New(Config{
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		Store:      st,
		Site:       server.Config{Web: os.DirFS("../../web"), Site: "Kiosque", FrameAncestors: "*"},
		DataDir:    dir,
		CacheBytes: 64 << 20,
		Insights:   Insights{Retention: 48 * time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	run(t, r)
	views := func() int64 {
		totals, err := st.InsightTotals(t.Context(), store.InsightQuery{From: 0, To: now + 1})
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, c := range totals {
			n += c.N
		}
		return n
	}
	for deadline := time.Now().Add(20 * time.Second); views() != 4; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d views stored, want the 4 within 48 hours", views())
		}
	}
}

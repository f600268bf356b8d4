// Package tally keeps the insight counts in memory, one number per key
// (an hour, a partner, a placement, an article, a kind, a position, a
// ranker), and adds them to the store every few seconds and when the
// server stops: nothing per event is ever stored. A crash loses the
// counts taken since the last flush.
package tally

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/kiosque/kiosque/app/every"
	"github.com/kiosque/kiosque/app/insights/report"
	"github.com/kiosque/kiosque/app/store"
)

// DefaultEvery is how often Run flushes: what a crash may lose is this
// long's events.
const DefaultEvery = 5 * time.Second

// defaultMaxKeys bounds the keys kept between flushes: about 20 MB. Past
// it, events of new keys are refused until a flush succeeds.
const defaultMaxKeys = 100_000

// The partners and placements a tally counts under their own names in an
// hour; the events of others count as report.Other's. Partner and
// placement are what a beacon says, so that without a bound each forged
// name would be rows in the store and lines in the dashboard. A widget on
// a thousand sites in one hour is rare; placements are a few per site.
const (
	maxPartners   = 1000
	maxPlacements = 200
)

// Tally counts events in memory until they are flushed to the store.
type Tally struct {
	st      store.Insights
	log     *slog.Logger
	maxKeys int

	mu     sync.Mutex
	counts map[store.InsightKey]int64
	events int64 // events counted since the last flush taken
	// names are the partners and placements counted under their own
	// names in the hour of the latest event.
	hour                 int64
	partners, placements names

	flushing sync.Mutex // one flush at a time, so that sums stay in order
}

// New returns an empty tally that flushes to st, keeping at most maxKeys
// keys (defaultMaxKeys when 0 or less).
func New(st store.Insights, log *slog.Logger, maxKeys int) *Tally {
	if maxKeys <= 0 {
		maxKeys = defaultMaxKeys
	}
	return &Tally{st: st, log: log, maxKeys: maxKeys, counts: make(map[store.InsightKey]int64),
		partners: names{max: maxPartners}, placements: names{max: maxPlacements}}
}

// names are the names of one kind counted in an hour, at most max.
type names struct {
	max  int
	seen map[string]struct{}
}

// fold is name, or report.Other once max others were seen.
func (n *names) fold(name string) string {
	if _, ok := n.seen[name]; ok {
		return name
	}
	if len(n.seen) >= n.max {
		return report.Other
	}
	if n.seen == nil {
		n.seen = make(map[string]struct{}, n.max)
	}
	n.seen[name] = struct{}{}
	return name
}

// Add counts n events of key, its partner and placement folded into
// report.Other past maxPartners and maxPlacements in its hour. It refuses
// them, returning false, when the key is new and the tally holds as many
// keys as it may: the store has not taken the counts for a while.
func (t *Tally) Add(key store.InsightKey, n int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if key.Hour > t.hour { // a new hour: every name anew
		t.hour, t.partners.seen, t.placements.seen = key.Hour, nil, nil
	}
	key.Partner, key.Placement = t.partners.fold(key.Partner), t.placements.fold(key.Placement)
	if _, ok := t.counts[key]; !ok && len(t.counts) >= t.maxKeys {
		return false
	}
	t.counts[key] += n
	t.events += n
	return true
}

// Pending is the number of events counted and not flushed yet.
func (t *Tally) Pending() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.events
}

// Flush adds the counts taken so far to the store. When the store fails,
// they are kept to be added at the next flush, and the error returned.
func (t *Tally) Flush(ctx context.Context) error {
	t.flushing.Lock()
	defer t.flushing.Unlock()
	t.mu.Lock()
	taken, events := t.counts, t.events
	t.counts, t.events = make(map[store.InsightKey]int64, len(taken)), 0
	t.mu.Unlock()
	if len(taken) == 0 {
		return nil
	}
	counts := make([]store.InsightCount, 0, len(taken))
	for k, n := range taken {
		counts = append(counts, store.InsightCount{InsightKey: k, N: n})
	}
	if err := t.st.AddInsights(ctx, counts); err != nil {
		// Back with those taken since: past the bound if it must, as
		// nothing counted is dropped.
		t.mu.Lock()
		for k, n := range taken {
			t.counts[k] += n
		}
		t.events += events
		t.mu.Unlock()
		return err
	}
	return nil
}

// Run flushes every interval until ctx is done; the last flush, once
// nothing more is counted, is the caller's (Flush). A failed flush is
// logged once until one succeeds again.
func (t *Tally) Run(ctx context.Context, interval time.Duration) {
	failing := false
	every.Tick(ctx, interval, func() {
		err := t.Flush(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			failing = true
			t.log.WarnContext(ctx, "insight counts not stored: kept in memory, tried again at the next flush", "pending", t.Pending(), "err", err)
		case err == nil && failing:
			failing = false
			t.log.InfoContext(ctx, "insight counts stored again")
		}
	})
}

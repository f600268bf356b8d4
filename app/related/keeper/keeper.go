// Package keeper keeps each article's "you may also like" list in the
// store in step with the articles, and, for servers that interleave the
// ranker with its baseline (app/insights), the baseline's list too. It
// holds the related index, which only it needs: every server reads the
// lists from the store. One server runs it, the leader of those that
// share a store.
package keeper

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/kiosque/kiosque/app/related"
	"github.com/kiosque/kiosque/app/store"
)

// Store is what the keeper reads and writes.
type Store interface {
	store.Reader
	store.Lists
	store.BaselineLists
}

// Options say which lists the keeper keeps besides the ranker's.
type Options struct {
	// Baseline keeps the baseline's lists too (related.BaselineLists),
	// which interleaving needs; off, the stored ones are left as they are.
	Baseline bool
	// Changed, when set, is told after each sync or refresh what changed
	// in the store and in the lists, for the caches in front (app/purge).
	Changed func(ctx context.Context, c Change)
}

// Change is what one sync found changed: the articles put or removed by
// any writer since the last, and those whose "you may also like" list
// changed with them.
type Change struct {
	Put      []string // articles added or edited
	Sections []string // the sections of those, each once
	Removed  []string // articles gone (taken down, or gone from their source)
	Lists    []string // articles whose stored list changed
}

// empty tells whether nothing changed.
func (c Change) empty() bool { return len(c.Put)+len(c.Removed)+len(c.Lists) == 0 }

// compareAtMost is the most lists a sync compares with the stored ones
// one by one, to tell the caches only of those that differ; past it (a
// first import), all the lists it recomputed count as changed.
const compareAtMost = 300

// refreshEvery is how often the keeper recomputes every list, when
// articles came or went since it last did: each new article moves the term
// weights a little, and with them the order of a few lists no change
// touched.
const refreshEvery = 30 * time.Minute

// Keeper keeps the stored related lists in step with the articles.
type Keeper struct {
	st    Store
	index *related.Index
	log   *slog.Logger
	opts  Options
	poke  chan struct{} // asks Follow to sync

	mu        sync.Mutex
	ready     bool
	seen      map[string]string // each article's version at the last sync
	refreshed time.Time
	stale     bool // articles changed since the last full refresh
}

// New returns a keeper of st's lists; Start builds its index.
func New(st Store, log *slog.Logger, opts Options) *Keeper {
	return &Keeper{st: st, index: related.NewIndex(related.DefaultOptions()), log: log, opts: opts, poke: make(chan struct{}, 1)}
}

// SyncSoon asks Follow to sync: whoever notices a change need not wait
// for the lists (the keeper's own writes are a change too, and drop the
// kept answers again).
func (k *Keeper) SyncSoon() {
	select {
	case k.poke <- struct{}{}:
	default: // one is pending already
	}
}

// Follow syncs when asked (SyncSoon: the store tells of every commit, by
// any writer), and refreshes every list once stale, until ctx is done.
// The leader runs it once its lists are up to date.
func (k *Keeper) Follow(ctx context.Context) {
	ticker := time.NewTicker(time.Minute)
	defer ticker.Stop()
	k.follow(ctx, ticker.C)
}

// follow is Follow with its clock. A tick syncs only when the last sync
// failed: a sync reads every article's version, a scan of the whole store
// (100,000 rows) that a tick finding nothing changed would cost every
// minute, on the cores that answer readers.
func (k *Keeper) follow(ctx context.Context, ticks <-chan time.Time) {
	owed := false // the last sync failed: the next tick tries again
	for {
		select {
		case <-ctx.Done():
			return
		case <-k.poke:
			owed = true
		case <-ticks:
		}
		var err error
		if owed {
			err = k.Sync(ctx)
		} else {
			err = k.refreshIfDue(ctx)
		}
		owed = err != nil
		if err != nil && ctx.Err() == nil {
			k.log.WarnContext(ctx, "related lists not updated", "err", err)
		}
	}
}

// Start builds the index from every stored article, makes the stored
// lists what it computes, then applies what changed meanwhile. A server
// answers from the stored lists while it runs (44 seconds for 100,000
// articles).
func (k *Keeper) Start(ctx context.Context) error {
	begun := time.Now()
	versions, err := k.st.Versions(ctx)
	if err != nil {
		return fmt.Errorf("keep related lists: %w", err)
	}
	all, err := k.st.All(ctx)
	if err != nil {
		return fmt.Errorf("keep related lists: %w", err)
	}
	k.index.Put(all...)
	n := len(all)
	all = nil
	debug.FreeOSMemory() // every article was read: give that back now
	k.mu.Lock()
	defer k.mu.Unlock()
	k.seen = versions
	if err := k.refresh(ctx); err != nil {
		return err
	}
	k.ready = true
	k.log.InfoContext(ctx, "related lists up to date", "articles", n, "took", time.Since(begun).Round(time.Millisecond))
	return k.syncLocked(ctx)
}

// Sync applies to the index, and to the stored lists, what changed in the
// store since the last sync: the articles added, edited or removed by any
// writer. Before Start is done it does nothing: Start catches up.
func (k *Keeper) Sync(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.ready {
		return nil
	}
	if err := k.syncLocked(ctx); err != nil {
		return err
	}
	return k.refreshIfDueLocked(ctx)
}

// refreshIfDue refreshes every list when articles changed since the last
// refresh, refreshEvery ago or more.
func (k *Keeper) refreshIfDue(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.ready {
		return nil
	}
	return k.refreshIfDueLocked(ctx)
}

func (k *Keeper) refreshIfDueLocked(ctx context.Context) error {
	if k.stale && time.Since(k.refreshed) > refreshEvery {
		return k.refresh(ctx)
	}
	return nil
}

func (k *Keeper) syncLocked(ctx context.Context) error {
	now, err := k.st.Versions(ctx)
	if err != nil {
		return fmt.Errorf("keep related lists: %w", err)
	}
	var changed, removed []string
	for slug, version := range now {
		if k.seen[slug] != version {
			changed = append(changed, slug)
		}
	}
	for slug := range k.seen {
		if _, ok := now[slug]; !ok {
			removed = append(removed, slug)
		}
	}
	if len(changed)+len(removed) == 0 {
		return nil
	}
	for _, slug := range removed {
		k.index.Remove(slug)
	}
	sections := map[string]bool{}
	for batch := range slices.Chunk(changed, 1000) {
		articles, err := k.st.ArticlesBySlug(ctx, batch)
		if err != nil {
			return fmt.Errorf("keep related lists: %w", err)
		}
		k.index.Put(articles...)
		for _, a := range articles {
			if a.CategorySlug != "" {
				sections[a.CategorySlug] = true
			}
		}
	}
	dirty, gone := k.index.Dirty()
	lists := k.index.Lists(dirty)
	for _, slug := range gone {
		lists[slug] = nil
	}
	differ, err := k.listsThatDiffer(ctx, lists)
	if err != nil {
		return err
	}
	if err := k.st.PutRelatedLists(ctx, lists); err != nil {
		return fmt.Errorf("keep related lists: %w", err)
	}
	if k.opts.Baseline {
		// The articles whose lists changed, those gone among them (theirs
		// go): a new article enters the baseline's lists of about the same
		// articles as the ranker's. The periodic refresh puts the others
		// right.
		baseline := k.index.BaselineLists(slices.Collect(maps.Keys(lists)))
		if err := k.st.PutBaselineLists(ctx, baseline); err != nil {
			return fmt.Errorf("keep baseline lists: %w", err)
		}
	}
	k.seen, k.stale = now, true
	k.log.InfoContext(ctx, "related lists follow the store", "put", len(changed), "removed", len(removed), "lists", len(lists))
	k.tell(ctx, Change{Put: changed, Sections: slices.Sorted(maps.Keys(sections)), Removed: removed, Lists: differ})
	return nil
}

// listsThatDiffer returns the slugs of lists whose stored list differs
// (those of articles gone aside: their answers go with them), when
// someone is to be told; past compareAtMost, all of them.
func (k *Keeper) listsThatDiffer(ctx context.Context, lists map[string][]string) ([]string, error) {
	if k.opts.Changed == nil {
		return nil, nil
	}
	var differ []string
	for slug, list := range lists {
		if list == nil {
			continue
		}
		if len(lists) > compareAtMost {
			differ = append(differ, slug)
			continue
		}
		old, err := k.st.RelatedList(ctx, slug)
		if err != nil {
			return nil, fmt.Errorf("keep related lists: %w", err)
		}
		if !slices.Equal(old, list) {
			differ = append(differ, slug)
		}
	}
	slices.Sort(differ)
	return differ, nil
}

// tell tells Options.Changed of c, when something changed.
func (k *Keeper) tell(ctx context.Context, c Change) {
	if k.opts.Changed != nil && !c.empty() {
		k.opts.Changed(ctx, c)
	}
}

// refresh recomputes every list and stores those that differ from the
// stored ones, and removes the lists of articles gone; then the
// baseline's, when it keeps them.
func (k *Keeper) refresh(ctx context.Context) error {
	slugs := k.index.Slugs()
	lists := k.index.Lists(slugs)
	k.index.Dirty() // all of them, just computed
	stored, err := storeChanges(ctx, lists, k.st.RelatedLists, k.st.PutRelatedLists)
	if err != nil {
		return fmt.Errorf("keep related lists: %w", err)
	}
	if len(stored) > 0 {
		k.log.InfoContext(ctx, "related lists refreshed", "lists", len(lists), "stored", len(stored))
	}
	k.tell(ctx, Change{Lists: stored})
	if k.opts.Baseline {
		begun := time.Now()
		baseline := k.index.BaselineLists(slugs)
		stored, err := storeChanges(ctx, baseline, k.st.BaselineLists, k.st.PutBaselineLists)
		if err != nil {
			return fmt.Errorf("keep baseline lists: %w", err)
		}
		k.log.InfoContext(ctx, "baseline lists refreshed", "lists", len(baseline), "stored", len(stored), "took", time.Since(begun).Round(time.Millisecond))
	}
	k.refreshed, k.stale = time.Now(), false
	return nil
}

// storeChanges stores, of lists, those that differ from the ones read
// returns, and removes the stored lists of slugs lists does not hold, in
// batches. It returns the slugs of the lists it stored, in order (those
// it removed aside).
func storeChanges(ctx context.Context, lists map[string][]string,
	read func(context.Context) (map[string][]string, error), put func(context.Context, map[string][]string) error) ([]string, error) {
	stored, err := read(ctx)
	if err != nil {
		return nil, err
	}
	changes := map[string][]string{}
	for slug, list := range lists {
		if old, ok := stored[slug]; !ok || !slices.Equal(old, list) {
			changes[slug] = list
		}
	}
	for slug := range stored {
		if _, ok := lists[slug]; !ok {
			changes[slug] = nil
		}
	}
	slugs := slices.Sorted(maps.Keys(changes))
	for batch := range slices.Chunk(slugs, 5000) {
		part := make(map[string][]string, len(batch))
		for _, slug := range batch {
			part[slug] = changes[slug]
		}
		if err := put(ctx, part); err != nil {
			return nil, err
		}
	}
	return slices.DeleteFunc(slugs, func(slug string) bool { return changes[slug] == nil }), nil
}

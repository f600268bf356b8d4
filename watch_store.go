//go:build !wasm

package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/kiosque/kiosque/app/answers"
	"github.com/kiosque/kiosque/app/related"
	"github.com/kiosque/kiosque/app/store"
)

// watchedStore is what the watcher reads.
type watchedStore interface {
	store.Reader
	store.ChangeCounter
}

// storeWatcher keeps what the server derives from the store in step with
// it: the related-articles index and the kept answers. Every commit to the
// store, by this process's imports or by another writer (a `kiosque ingest`
// beside the server), drops the answers and updates the index.
type storeWatcher struct {
	st      watchedStore
	index   *related.Index
	answers *answers.Cache
	log     *slog.Logger

	mu    sync.Mutex
	seen  map[string]time.Time // each article's update time, when last synced
	count int64                // the store's change count, when last synced
}

// newStoreWatcher starts from the store as it is now: read its change
// count and versions before building anything from it, so that a change
// landing in between is seen as one.
func newStoreWatcher(ctx context.Context, st watchedStore, log *slog.Logger) (*storeWatcher, error) {
	count, err := st.ChangeCount(ctx)
	if err != nil {
		return nil, err
	}
	seen, err := st.Versions(ctx)
	if err != nil {
		return nil, err
	}
	return &storeWatcher{st: st, log: log, seen: seen, count: count}, nil
}

// run looks for commits every interval until ctx is done.
func (w *storeWatcher) run(ctx context.Context, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		err := w.syncIfChanged(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			w.log.WarnContext(ctx, "following the store's changes", "err", err)
			failing = true
		case err == nil && failing:
			w.log.InfoContext(ctx, "following the store's changes again")
			failing = false
		}
	}
}

func (w *storeWatcher) syncIfChanged(ctx context.Context) error {
	count, err := w.st.ChangeCount(ctx)
	if err != nil {
		return err
	}
	w.mu.Lock()
	changed := count != w.count
	w.mu.Unlock()
	if !changed {
		return nil
	}
	return w.sync(ctx)
}

// sync drops the kept answers and brings the index up to date: the
// articles added or changed since the last sync are put in it, those gone
// are removed. A caller that has just committed a change calls it, so that
// the change shows at once.
func (w *storeWatcher) sync(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	// The count first: a commit after it is seen by the next look.
	count, err := w.st.ChangeCount(ctx)
	if err != nil {
		return err
	}
	now, err := w.st.Versions(ctx)
	if err != nil {
		return err
	}
	var changed []string
	for slug, updated := range now {
		if seen, ok := w.seen[slug]; !ok || !seen.Equal(updated) {
			changed = append(changed, slug)
		}
	}
	var removed []string
	for slug := range w.seen {
		if _, ok := now[slug]; !ok {
			removed = append(removed, slug)
		}
	}
	articles, err := w.st.ArticlesBySlug(ctx, changed)
	if err != nil {
		return err
	}
	for _, slug := range removed {
		w.index.Remove(slug)
	}
	w.index.Put(articles...)
	// After the index: an answer built before this point may have read the
	// old one, and Drop keeps no answer whose build began before it.
	w.answers.Drop()
	w.seen, w.count = now, count
	if len(articles)+len(removed) > 0 {
		w.log.InfoContext(ctx, "following the store", "put", len(articles), "removed", len(removed))
	}
	return nil
}

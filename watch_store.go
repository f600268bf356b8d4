//go:build !wasm

package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/kiosque/kiosque/app/related"
	"github.com/kiosque/kiosque/app/store"
)

// storeWatcher keeps the related-articles index in step with changes other
// writers make to the store, such as a `kiosque ingest` run beside the
// server: it compares each article's update time with the last it saw.
type storeWatcher struct {
	st    store.Reader
	index *related.Index
	log   *slog.Logger
	seen  map[string]time.Time
}

// run looks for changes every interval until ctx is done.
func (w *storeWatcher) run(ctx context.Context, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := w.sync(ctx); err != nil && ctx.Err() == nil {
				w.log.WarnContext(ctx, "related index: reading the store's changes", "err", err)
			}
		}
	}
}

// sync puts the articles added or changed since the last look into the
// index, and removes those gone.
func (w *storeWatcher) sync(ctx context.Context) error {
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
	if len(changed) == 0 && len(removed) == 0 {
		return nil
	}
	articles, err := w.st.ArticlesBySlug(ctx, changed)
	if err != nil {
		return err
	}
	for _, slug := range removed {
		w.index.Remove(slug)
	}
	w.index.Put(articles...)
	w.seen = now
	w.log.InfoContext(ctx, "related index follows the store", "put", len(articles), "removed", len(removed))
	return nil
}

package replica

import (
	"context"
	"time"

	"github.com/kiosque/kiosque/app/every"
)

// healthEvery is how often a server asks its store whether it answers.
const healthEvery = 2 * time.Second

// follow keeps what this server derives from the store in step with it,
// until ctx is done: on every commit, by any writer (this server's
// imports, another replica's, `kiosque ingest`), the kept answers are
// dropped, and the leader's list keeper is asked to apply what changed
// (its writes drop the answers again). A store out of reach and back may
// have missed telling of changes: then too.
func (r *Replica) follow(ctx context.Context) {
	r.st.WatchChanges(ctx, func(reconnected bool) {
		if r.leading.Load() {
			r.keeper.SyncSoon()
		}
		r.answers.Drop()
		r.imagesMayHaveGone()
		if reconnected {
			r.log.InfoContext(ctx, "following the store's changes again; kept answers dropped")
		}
	})
}

// imported is what this server's own import calls for: the lists first,
// then the kept answers, so that what it imported shows at once, related
// lists and all.
func (r *Replica) imported(ctx context.Context) {
	if r.leading.Load() {
		if err := r.keeper.Sync(ctx); err != nil && ctx.Err() == nil {
			r.log.WarnContext(ctx, "related lists not updated", "err", err)
		}
	}
	// After the lists: Drop keeps no answer whose build began before it.
	r.answers.Drop()
	r.imagesMayHaveGone()
}

// imagesMayHaveGone tells the images' handler that the store changed: an
// image no article shows any more (a takedown, a post removed) is served
// no longer, and its file goes at the next collection.
func (r *Replica) imagesMayHaveGone() {
	if r.media == nil {
		return
	}
	r.media.StoreChanged()
	select {
	case r.changed <- struct{}{}:
	default: // one is pending already
	}
}

// collectEvery is the least time between two collections of the images
// no article shows any more: each reads the whole media folder (a few
// tenths of a second for 100,000 images), and imports change the store
// in bursts.
const collectEvery = time.Minute

// collectImages deletes the files of the images the store no longer
// records: at start, then after the store changed, at most every
// collectEvery, until ctx is done. Each server keeps its own copies, and
// collects its own.
func (r *Replica) collectImages(ctx context.Context) {
	for {
		n, err := r.media.Collect(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.WarnContext(ctx, "collect the images no article shows", "err", err)
		case n > 0:
			r.log.InfoContext(ctx, "deleted the images no article shows any more", "images", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(collectEvery):
		}
		select {
		case <-ctx.Done():
			return
		case <-r.changed:
		}
	}
}

// watchHealth asks the store every healthEvery whether it answers, until
// ctx is done. A server whose store is out of reach keeps answering what
// it kept; the log says what is wrong once, and once that it is over,
// rather than at every request that fails meanwhile.
func (r *Replica) watchHealth(ctx context.Context) {
	every.Tick(ctx, healthEvery, func() {
		check, cancel := context.WithTimeout(ctx, healthEvery)
		err := r.st.Ping(check)
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			r.markStoreDown(ctx, err)
		case err == nil && r.storeDown.CompareAndSwap(true, false):
			r.log.InfoContext(ctx, "the store answers again")
		}
	})
}

// storeFailing is asked when a request failed: is the store out of reach?
// If it just went, the log says so, once.
func (r *Replica) storeFailing(ctx context.Context) bool {
	if r.storeDown.Load() {
		return true
	}
	check, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := r.st.Ping(check); err != nil {
		r.markStoreDown(ctx, err)
		return true
	}
	return false
}

// markStoreDown notes that the store does not answer, and says so in the
// log if it is news.
func (r *Replica) markStoreDown(ctx context.Context, err error) {
	if r.storeDown.CompareAndSwap(false, true) {
		r.log.ErrorContext(ctx, "the store does not answer: serving what is kept in memory, /healthz answers 503", "err", err)
	}
}

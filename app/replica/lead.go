package replica

import (
	"context"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

// The lock of the leader: of the servers that share a store, the one that
// imports from the sources and keeps the related lists.
const leaderLock = "kiosque leader"

// leaderRetry is how often a server that does not lead tries to: the time
// it takes for another to take over when the leader stops or dies (its
// lock dies with its process, or its connection to the store).
const leaderRetry = 5 * time.Second

// lead leads whenever this server may, until ctx is done: it waits for the
// leader's lock, and leads while it holds it.
func (r *Replica) lead(ctx context.Context) {
	for ctx.Err() == nil {
		lock := r.awaitLeadership(ctx)
		if lock == nil {
			return
		}
		r.leadWhileHeld(ctx, lock)
	}
}

// awaitLeadership tries the leader's lock every leaderRetry until it gets
// it, or ctx is done (then it returns nil).
func (r *Replica) awaitLeadership(ctx context.Context) store.Lock {
	for {
		lock, ok, err := r.st.TryLock(ctx, leaderLock)
		if ok && ctx.Err() != nil { // taken as the server stops
			lock.Release()
			return nil
		}
		if ok {
			return lock
		}
		if err != nil && ctx.Err() == nil && !r.storeDown.Load() {
			r.log.WarnContext(ctx, "cannot tell whether another server leads", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(leaderRetry):
		}
	}
}

// leadWhileHeld leads until ctx is done or the lock is lost (a database
// restart ends it, and another server may take it): the list keeper builds
// its index and keeps the stored lists in step, and the sources are polled.
func (r *Replica) leadWhileHeld(ctx context.Context, lock store.Lock) {
	defer lock.Release()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		select {
		case <-lock.Lost():
			r.log.WarnContext(ctx, "lost the leader's lock: following until it can be taken again")
			stop()
		case <-ctx.Done():
		}
	}()
	r.log.InfoContext(ctx, "leading: importing the sources and keeping the related lists")
	r.leading.Store(true)
	defer r.leading.Store(false)
	r.resumePurges(ctx)

	kept := make(chan struct{})
	go func() {
		defer close(kept)
		for ctx.Err() == nil {
			err := r.keeper.Start(ctx)
			if err == nil {
				r.listsUpToDate.Do(func() { close(r.listsReady) })
				r.keeper.Follow(ctx)
				return
			}
			if ctx.Err() == nil {
				r.log.ErrorContext(ctx, "keeping the related lists", "err", err)
			}
			select {
			case <-ctx.Done():
			case <-time.After(leaderRetry):
			}
		}
	}()
	if r.poller != nil {
		r.poller.Run(ctx)
	}
	<-ctx.Done()
	<-kept
}

//go:build !wasm

package main

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
func (k *kiosque) lead(ctx context.Context) {
	for ctx.Err() == nil {
		lock := k.awaitLeadership(ctx)
		if lock == nil {
			return
		}
		k.leadWhileHeld(ctx, lock)
	}
}

// awaitLeadership tries the leader's lock every leaderRetry until it gets
// it, or ctx is done (then it returns nil).
func (k *kiosque) awaitLeadership(ctx context.Context) store.Lock {
	for {
		lock, ok, err := k.st.TryLock(ctx, leaderLock)
		if ok && ctx.Err() != nil { // taken as the server stops
			lock.Release()
			return nil
		}
		if ok {
			return lock
		}
		if err != nil && ctx.Err() == nil && !k.storeDown.Load() {
			k.log.WarnContext(ctx, "cannot tell whether another server leads", "err", err)
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
func (k *kiosque) leadWhileHeld(ctx context.Context, lock store.Lock) {
	defer lock.Release()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		select {
		case <-lock.Lost():
			k.log.WarnContext(ctx, "lost the leader's lock: following until it can be taken again")
			stop()
		case <-ctx.Done():
		}
	}()
	k.log.InfoContext(ctx, "leading: importing the sources and keeping the related lists")
	k.leading.Store(true)
	defer k.leading.Store(false)

	kept := make(chan struct{})
	go func() {
		defer close(kept)
		for ctx.Err() == nil {
			err := k.keeper.start(ctx)
			if err == nil {
				k.listsUpToDate.Do(func() { close(k.listsReady) })
				k.keeper.follow(ctx)
				return
			}
			if ctx.Err() == nil {
				k.log.ErrorContext(ctx, "keeping the related lists", "err", err)
			}
			select {
			case <-ctx.Done():
			case <-time.After(leaderRetry):
			}
		}
	}()
	if k.poller != nil {
		k.poller.Run(ctx)
	}
	<-ctx.Done()
	<-kept
}

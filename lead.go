//go:build !wasm

package main

import (
	"context"
	"time"
)

// The lock of the leader: of the servers that share a store, the one that
// imports from the sources and keeps the related lists.
const leaderLock = "kiosque leader"

// leaderRetry is how often a server that does not lead tries to: the time
// it takes for another to take over when the leader stops or dies (its
// lock dies with its process, or its connection to the store).
const leaderRetry = 5 * time.Second

// lead waits until this server may lead, then leads until ctx is done:
// the list keeper builds its index and keeps the stored lists in step,
// and the sources are polled.
func (k *kiosque) lead(ctx context.Context) {
	for {
		release, ok, err := k.st.TryLock(ctx, leaderLock)
		if err != nil && ctx.Err() == nil && !k.storeDown.Load() {
			k.log.WarnContext(ctx, "cannot tell whether another server leads", "err", err)
		}
		if ok {
			defer release()
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(leaderRetry):
		}
	}
	k.log.InfoContext(ctx, "leading: importing the sources and keeping the related lists")
	k.leading.Store(true)
	defer k.leading.Store(false)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			err := k.keeper.start(ctx)
			if err == nil {
				close(k.listsReady)
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
	<-done
}

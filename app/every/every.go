// Package every runs a job at a steady interval until its context is
// done: the loop of the background jobs that poll (the store's health, its
// change count, the insight counts' flush, the servers' settings; in the
// browser, the app's look for a new release).
package every

import (
	"context"
	"time"
)

// Tick calls f every d, the first time d after it starts, until ctx is
// done. A call that outlasts d delays the next: calls never overlap.
func Tick(ctx context.Context, d time.Duration, f func()) {
	ticker := time.NewTicker(d)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			f()
		}
	}
}

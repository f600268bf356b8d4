package store

import "context"

// PurgeQueue keeps the keys the caches in front of the servers are to
// purge (app/purge) until they confirm them: a leader that stops leaves
// them to the next, and a command that changes the store while no server
// runs (`kiosque remove`) leaves its purge to the next leader.
type PurgeQueue interface {
	// QueuePurges keeps keys; urgent ones (a takedown's) stay urgent
	// when queued again as not.
	QueuePurges(ctx context.Context, keys []string, urgent bool) error
	// QueuedPurges returns the keys kept, the oldest first.
	QueuedPurges(ctx context.Context) ([]QueuedPurge, error)
	// DropPurges forgets keys the caches confirmed, or that were given up.
	DropPurges(ctx context.Context, keys []string) error
}

// QueuedPurge is a key kept by a PurgeQueue.
type QueuedPurge struct {
	Key    string
	Urgent bool
}

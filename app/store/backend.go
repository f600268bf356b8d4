package store

import "context"

// Backend is what a server needs of its store, SQLite or PostgreSQL: to
// read and write articles, sources, images, related lists and the block
// list, to count insights, to lock across processes, and to hear of every
// commit by any writer.
type Backend interface {
	Store
	SourceStore
	MediaStore
	Lists
	Takedowns
	BaselineLists
	Insights
	Locker
	ChangeCounter
	Sizer
	PurgeQueue
	// WatchChanges calls changed on every commit by any writer until ctx
	// is done; reconnected says that changes may have been missed.
	WatchChanges(ctx context.Context, changed func(reconnected bool))
	// Ping tells whether the store answers.
	Ping(ctx context.Context) error
}

package sqlite

import (
	"context"
	"fmt"
	"time"
)

// watchEvery is how often WatchChanges asks SQLite whether anything was
// committed: reading data_version touches no table.
const watchEvery = time.Second

// WatchChanges calls changed within a second of every commit to the store,
// by any writer, until ctx is done. While the store cannot be read, it
// waits; when it can again, it calls changed(true): whatever was derived
// from the store must be thrown away, changes may have been missed.
func (s *Store) WatchChanges(ctx context.Context, changed func(reconnected bool)) {
	last, err := s.ChangeCount(ctx)
	failing := err != nil
	ticker := time.NewTicker(watchEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		n, err := s.ChangeCount(ctx)
		switch {
		case err != nil:
			failing = true
		case failing:
			failing, last = false, n
			changed(true)
		case n != last:
			last = n
			changed(false)
		}
	}
}

// Ping tells whether the store answers.
func (s *Store) Ping(ctx context.Context) error {
	// The schema's version is read from the file: a store whose file went
	// or cannot be read fails, where SELECT 1 would not.
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("ask the store: %w", err)
	}
	return nil
}

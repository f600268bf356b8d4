package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/kiosque/kiosque/app/every"
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
	every.Tick(ctx, watchEvery, func() {
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
	})
}

// ChangeCount returns SQLite's data_version as seen from a connection that
// writes only insight counts: it changes with every commit of any other
// connection, this process's or another's (`kiosque ingest` beside a
// server). Reading it touches no table.
func (s *Store) ChangeCount(ctx context.Context) (int64, error) {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	conn, err := s.watchConn(ctx)
	if err != nil {
		return 0, fmt.Errorf("read the store's change count: %w", err)
	}
	var n int64
	if err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&n); err != nil {
		s.dropWatchConn()
		return 0, fmt.Errorf("read the store's change count: %w", err)
	}
	return n, nil
}

// watchConn is the connection ChangeCount asks, opened if need be. The
// caller holds watchMu.
func (s *Store) watchConn(ctx context.Context) (*sql.Conn, error) {
	if s.watch == nil {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		s.watch = conn
	}
	return s.watch, nil
}

// dropWatchConn closes the watch connection after it failed; the next use
// opens another. The caller holds watchMu.
func (s *Store) dropWatchConn() {
	if s.watch != nil {
		s.watch.Close()
		s.watch = nil
	}
}

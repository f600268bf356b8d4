package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChangeCount returns the number of write transactions committed to the
// database, by this process or any other: the triggers of the schema count
// them in kiosque_changes.
func (s *Store) ChangeCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, "SELECT n FROM kiosque_changes").Scan(&n); err != nil {
		return 0, fmt.Errorf("read the store's change count: %w", err)
	}
	return n, nil
}

// How WatchChanges waits between attempts to connect again: from the
// first delay, doubled at each failure up to the last. The last is short:
// until it listens again, a replica does not see other writers' changes,
// and replicas must agree within 2 seconds of the database's return. One
// connection attempt a second is nothing to a database coming back.
const (
	firstRetry = 200 * time.Millisecond
	lastRetry  = time.Second
)

// idlePing is how long WatchChanges waits for a notification before it
// checks that its connection still answers: a server or network gone
// silent would otherwise leave it waiting for good, deaf to changes.
// checkTimeout bounds that check, and each step of listening again.
const (
	idlePing     = 30 * time.Second
	checkTimeout = 5 * time.Second
)

// WatchChanges calls changed(false) for each write transaction committed
// to the database, by any process, until ctx is done. It listens on a
// connection of its own, outside the pool. When the connection is lost it
// connects again, with a growing delay, and then calls changed(true):
// changes made meanwhile went unannounced, so whatever the caller keeps
// from the store must be read again. (changed(true) is also called when
// the first attempt to listen fails and a later one succeeds.) Close does
// not stop it: ctx does.
func (s *Store) WatchChanges(ctx context.Context, changed func(reconnected bool)) {
	delay := firstRetry
	missed := false // whether changes may have gone unannounced
	for ctx.Err() == nil {
		conn, err := s.listenForChanges(ctx)
		if err != nil {
			missed = true
			select {
			case <-ctx.Done():
			case <-time.After(delay):
			}
			delay = min(2*delay, lastRetry)
			continue
		}
		delay = firstRetry
		if missed {
			changed(true)
		}
		missed = true
		waitForChanges(ctx, conn, changed)
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), checkTimeout)
		conn.Close(closeCtx)
		cancel()
	}
}

// listenForChanges connects and listens on the channel the triggers
// notify.
func (s *Store) listenForChanges(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.listen)
	if err != nil {
		return nil, fmt.Errorf("watch changes to %s: %w", s.name, err)
	}
	listenCtx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	if _, err := conn.Exec(listenCtx, "LISTEN kiosque_changes"); err != nil {
		conn.Close(listenCtx)
		return nil, fmt.Errorf("watch changes to %s: %w", s.name, err)
	}
	return conn, nil
}

// waitForChanges calls changed(false) for each notification on conn, and
// returns when conn fails or ctx is done.
func waitForChanges(ctx context.Context, conn *pgx.Conn, changed func(reconnected bool)) {
	for {
		waitCtx, cancel := context.WithTimeout(ctx, idlePing)
		_, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case err == nil:
			changed(false)
		case ctx.Err() != nil:
			return
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			// A wait that timed out leaves the connection usable.
			pingCtx, cancel := context.WithTimeout(ctx, checkTimeout)
			err := conn.Ping(pingCtx)
			cancel()
			if err != nil {
				return
			}
		default:
			return
		}
	}
}

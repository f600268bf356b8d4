package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kiosque/kiosque/app/store"
)

// releaseTimeout bounds the unlock that a release sends: past it, the
// connection is closed, which ends the lock as surely.
const releaseTimeout = 5 * time.Second

// lockCheckEvery is how often a held lock's connection is asked whether
// it is still there: a database restart ends the lock with it, silently.
const lockCheckEvery = 2 * time.Second

// heldLock is a lock that TryLock took, with the connection that holds it.
type heldLock struct {
	st   *Store
	conn *pgxpool.Conn
	key  int64

	mu       sync.Mutex // the connection, between the check and a release
	released bool
	once     sync.Once
	lost     chan struct{}
	done     chan struct{} // stops the check
}

// TryLock takes a session advisory lock named after name on a connection of
// its own, which it keeps until the lock is released: every replica that
// shares the database sees the lock, and the server ends it with the
// connection, when the process dies or the network drops it. The lock's
// connection is checked every lockCheckEvery; when it is gone, so is the
// lock, and Lost says so.
func (s *Store) TryLock(ctx context.Context, name string) (store.Lock, bool, error) {
	sum := sha256.Sum256([]byte(name))
	key := int64(binary.BigEndian.Uint64(sum[:8]))
	conn, ok, err := s.tryLock(ctx, key)
	if lostConnection(err) && ctx.Err() == nil {
		// A connection the pool kept across a restart of the database:
		// once more, on one that answers (see pool).
		conn, ok, err = s.tryLock(withCheckedConnections(ctx), key)
	}
	if err != nil {
		return nil, false, fmt.Errorf("lock %q: %w", name, err)
	}
	if !ok {
		return nil, false, nil
	}
	l := &heldLock{st: s, conn: conn, key: key, lost: make(chan struct{}), done: make(chan struct{})}
	s.locksMu.Lock()
	if s.closed {
		s.locksMu.Unlock()
		l.release()
		return nil, false, fmt.Errorf("lock %q: store closed", name)
	}
	s.locks[l] = struct{}{}
	s.locksMu.Unlock()
	go l.check()
	return l, true, nil
}

// tryLock takes the lock of this key on a connection of the lock pool,
// which it returns when the lock is taken.
func (s *Store) tryLock(ctx context.Context, key int64) (*pgxpool.Conn, bool, error) {
	conn, err := s.lockPool.Acquire(ctx)
	if err != nil {
		return nil, false, err
	}
	var ok bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil || !ok {
		conn.Release()
		return nil, false, err
	}
	return conn, true, nil
}

// Release unlocks and gives the connection back.
func (l *heldLock) Release() {
	l.st.locksMu.Lock()
	delete(l.st.locks, l)
	l.st.locksMu.Unlock()
	l.release()
}

// Lost is closed when the lock's connection is found gone.
func (l *heldLock) Lost() <-chan struct{} { return l.lost }

// check asks the lock's connection, every lockCheckEvery, whether it is
// there, until the lock is released or found lost.
func (l *heldLock) check() {
	ticker := time.NewTicker(lockCheckEvery)
	defer ticker.Stop()
	for {
		select {
		case <-l.done:
			return
		case <-ticker.C:
		}
		l.mu.Lock()
		if l.released {
			l.mu.Unlock()
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), lockCheckEvery)
		err := l.conn.Ping(ctx)
		cancel()
		if err != nil {
			l.released = true
			l.conn.Hijack().Close(context.Background())
			close(l.lost)
			l.mu.Unlock()
			l.st.locksMu.Lock()
			delete(l.st.locks, l)
			l.st.locksMu.Unlock()
			return
		}
		l.mu.Unlock()
	}
}

// release unlocks and gives the connection back to its pool; where the
// unlock fails, it closes the connection, which ends the lock.
func (l *heldLock) release() {
	l.once.Do(func() {
		close(l.done)
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.released { // lost already: the connection is gone
			return
		}
		l.released = true
		ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
		defer cancel()
		var unlocked bool
		err := l.conn.QueryRow(ctx, "SELECT pg_advisory_unlock($1)", l.key).Scan(&unlocked)
		if err != nil || !unlocked {
			// The server ends the lock with the connection.
			l.conn.Hijack().Close(ctx)
			return
		}
		l.conn.Release()
	})
}

package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/kiosque/kiosque/app/store"
)

// fileLock is a lock held as an flock on an open file. It is never lost:
// the kernel keeps it while the file is open.
type fileLock struct {
	st   *Store
	file *os.File
	once sync.Once
}

// TryLock takes an exclusive lock (flock) on a file of the data folder
// named after name. Every process that opens the store's folder (a server,
// `kiosque ingest`) sees the same locks, and the kernel releases a lock
// when its process ends, however it ends. Close releases the locks a
// store still holds.
func (s *Store) TryLock(ctx context.Context, name string) (store.Lock, bool, error) {
	sum := sha256.Sum256([]byte(name))
	dir := filepath.Join(s.dir, "locks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, false, fmt.Errorf("lock %q: %w", name, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, hex.EncodeToString(sum[:8])+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("lock %q: %w", name, err)
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		f.Close()
		return nil, false, nil
	}
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("lock %q: %w", name, err)
	}
	l := &fileLock{st: s, file: f}
	s.locksMu.Lock()
	defer s.locksMu.Unlock()
	if s.locks == nil {
		s.locks = map[*fileLock]struct{}{}
	}
	s.locks[l] = struct{}{}
	return l, true, nil
}

// Release unlocks and closes the file.
func (l *fileLock) Release() {
	l.once.Do(func() {
		l.st.locksMu.Lock()
		delete(l.st.locks, l)
		l.st.locksMu.Unlock()
		syscall.Flock(int(l.file.Fd()), syscall.LOCK_UN)
		l.file.Close()
	})
}

// Lost never closes: a file lock lasts as long as its process.
func (l *fileLock) Lost() <-chan struct{} { return nil }

// releaseLocks releases every lock the store still holds.
func (s *Store) releaseLocks() {
	s.locksMu.Lock()
	held := make([]*fileLock, 0, len(s.locks))
	for l := range s.locks {
		held = append(held, l)
	}
	s.locksMu.Unlock()
	for _, l := range held {
		l.Release()
	}
}

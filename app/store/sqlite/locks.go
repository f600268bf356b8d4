package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/kiosque/kiosque/app/store"
)

var _ store.Locker = (*Store)(nil)

// TryLock takes an exclusive lock (flock) on a file of the data folder
// named after name. Every process that opens the store's folder (a server,
// `kiosque ingest`) sees the same locks, and the kernel releases a lock
// when its process ends, however it ends.
func (s *Store) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
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
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, true, nil
}

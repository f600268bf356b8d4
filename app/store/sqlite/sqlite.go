// Package sqlite keeps articles in one SQLite file, through the pure-Go
// modernc.org/sqlite driver (no cgo), in WAL mode.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"github.com/kiosque/kiosque/app/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is a store.Store in one SQLite file.
type Store struct {
	store.SQLReader // the reads both stores share
	store.SQLWriter // and the writes

	db  *sql.DB
	dir string // the data folder

	// watch is the connection ChangeCount asks: SQLite counts the commits
	// of other connections than the one asking, so it is held apart from
	// the pool, and writes only what is no change for readers (insight
	// counts, AddInsights).
	watchMu sync.Mutex
	watch   *sql.Conn

	locksMu sync.Mutex
	locks   map[*fileLock]struct{} // held, for Close to release
}

// A Store is all a server needs of its store.
var _ store.Backend = (*Store)(nil)

// FileName is the name of the database file inside the data folder.
const FileName = "kiosque.db"

// Open opens (creating if needed) the store in the folder dir and brings
// its schema up to date.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", dir, err)
	}
	db, path, err := openDB(dir)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return newStore(db, dir), nil
}

// newStore is the store on the database db of the folder dir.
func newStore(db *sql.DB, dir string) *Store {
	s := &Store{SQLReader: store.NewSQLReader(reader{db}, dialect), db: db, dir: dir}
	s.SQLWriter = store.NewSQLWriter(reader{db}, dialect, s.inTx)
	return s
}

// OpenAsIs opens the store in the folder dir, which must exist, without
// changing its schema: for the operations run beside a server (sources,
// takedowns), which must not migrate a store under an older server. A
// schema of another version than this program's is refused.
func OpenAsIs(ctx context.Context, dir string) (*Store, error) {
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no store at %s: %w", path, err)
	}
	db, path, err := openDB(dir)
	if err != nil {
		return nil, err
	}
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: read schema version: %w", path, err)
	}
	if latest := len(migrations) - 1; version != latest {
		db.Close()
		return nil, fmt.Errorf("open store %s: its schema is version %d, this program's is %d: use the kiosque that serves it (a server of this release migrates the store when it starts)", path, version, latest)
	}
	return newStore(db, dir), nil
}

// openDB opens the database file of the folder dir.
func openDB(dir string) (*sql.DB, string, error) {
	path := filepath.Join(dir, FileName)
	// A file name in a URI ends at its first ? or #: those (and %) are
	// escaped, so that a folder named "a#1" is not the file "a".
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, path, fmt.Errorf("open store %s: %w", path, err)
	}
	return db, path, nil
}

// write runs f in a transaction, committed if f succeeds; what names it
// in errors.
func (s *Store) write(ctx context.Context, what string, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// inTx is write for the writes both stores share (store.SQLWriter).
func (s *Store) inTx(ctx context.Context, what string, f func(tx store.WriteTx) error) error {
	return s.write(ctx, what, func(tx *sql.Tx) error { return f(writeTx{reader{tx}, tx}) })
}

// writeTx is a transaction as store.SQLWriter asks it.
type writeTx struct {
	reader
	tx *sql.Tx
}

func (t writeTx) WriteArticles(ctx context.Context, origin string, plan *store.ImportPlan) error {
	return writeArticles(ctx, t.tx, origin, plan)
}

func (t writeTx) DropFromLists(ctx context.Context, slugs []string) error {
	return dropFromLists(ctx, t.tx, slugs)
}

// Close closes the database.
func (s *Store) Close() error {
	s.releaseLocks()
	s.watchMu.Lock()
	if s.watch != nil {
		s.watch.Close()
		s.watch = nil
	}
	s.watchMu.Unlock()
	return s.db.Close()
}

// Backup writes a consistent copy of the store in the folder dir to the
// file path while others read and write it (SQLite's VACUUM INTO), then
// gives it its name, so that path holds a whole copy or nothing; a file
// already at path is never replaced. The copy is readable by its owner
// only. It neither migrates nor checks the schema: the copy is the store as it is,
// which an older server may still be using. Put it in an empty data folder
// as kiosque.db to restore it.
func Backup(ctx context.Context, dir, path string) error {
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		return fmt.Errorf("no store at %s: %w", filepath.Join(dir, FileName), err)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("back up to %s: the file exists; give a new name", path)
	}
	db, _, err := openDB(dir)
	if err != nil {
		return err
	}
	defer db.Close()
	// The copy is written beside path under a name of its own (a file
	// another backup left, or anyone's, is never touched), readable by its
	// owner only: it holds all the store does. VACUUM INTO takes an empty
	// file and keeps its mode.
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.partial")
	if err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	partial := tmp.Name()
	defer os.Remove(partial)
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", partial); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	if err := syncFile(partial); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	if err := linkNew(partial, path); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	// The new name lasts once the folder is written.
	if err := syncFile(filepath.Dir(path)); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return nil
}

// linkNew gives the file at from the name to as well, and fails when a
// file has that name: link(2), unlike rename(2), never replaces one, not
// even one made since Backup looked. The name from is left to remove.
func linkNew(from, to string) error {
	if err := os.Link(from, to); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return errors.New("a file of this name appeared while the copy was made; give a new name")
		}
		return err
	}
	return nil
}

// syncFile flushes a file, or a folder's entries, to the disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
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

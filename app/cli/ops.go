//go:build !wasm

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

// storeFlags are the flags of the commands that only open the store.
type storeFlags struct {
	dataDir  string
	storeURL string
}

func (s *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.dataDir, "data", "./data", "folder of the SQLite store")
	fs.StringVar(&s.storeURL, "store", "", "a PostgreSQL store, postgres://user@host/db; default: SQLite in the -data folder")
}

// openExistingStore opens the store of an operation, which has nothing
// to do on a store that does not exist yet.
func openExistingStore(ctx context.Context, where storeFlags) (store.Backend, error) {
	if where.storeURL == "" {
		if err := storeExists(where.dataDir); err != nil {
			return nil, err
		}
	}
	return openStore(ctx, where.storeURL, where.dataDir)
}

// storeExists says whether the data folder holds a SQLite store.
func storeExists(dataDir string) error {
	path := filepath.Join(dataDir, sqlite.FileName)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no store at %s: give the server's data folder with -data, or its database with -store", path)
	}
	return nil
}

// sourcesCommand runs `kiosque sources`: each source polled, with its
// health and its stored articles.
func sourcesCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var where storeFlags
	fs := newFlagSet("sources", "Usage: kiosque sources [-data DIR | -store postgres://…]\n\nLists each source polled: its last success, its last error, the failures in a row,\nand how many of its articles are stored.\n", stderr)
	where.register(fs)
	if err := parseWithEnv(fs, args, getenv); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("sources: unexpected argument %q", fs.Arg(0))
	}
	st, err := openExistingStore(ctx, where)
	if err != nil {
		return fmt.Errorf("sources: %w", err)
	}
	defer st.Close()
	list, err := st.Sources(ctx)
	if err != nil {
		return fmt.Errorf("sources: %w", err)
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "No source has been polled yet: give one to `kiosque serve -source`, or import one with `kiosque ingest`.")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SOURCE\tARTICLES\tLAST SUCCESS\tFAILURES\tLAST ERROR")
	for _, s := range list {
		lastError := s.LastError
		if lastError == "" {
			lastError = "-"
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%d\t%s\n", s.Key, s.Articles, when(s.LastSuccess), s.Failures, lastError)
	}
	return w.Flush()
}

// when shows a time for an operator, in UTC; "never" for none.
func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// backupCommand runs `kiosque backup FILE`: an online, consistent copy of
// the SQLite store.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var where storeFlags
	fs := newFlagSet("backup", "Usage: kiosque backup [-data DIR] FILE\n\nCopies the SQLite store to FILE, consistently, while servers and imports use it.\nTo restore: stop the server, put FILE in an empty data folder as "+sqlite.FileName+", start it.\nA PostgreSQL store is backed up with PostgreSQL's own tools (pg_dump).\n", stderr)
	where.register(fs)
	if err := parseWithEnv(fs, args, getenv); err != nil {
		return err
	}
	if where.storeURL != "" {
		return errors.New("backup: the store is PostgreSQL: back it up with pg_dump (pg_dump -Fc -f kiosque.dump DATABASE_URL), as any PostgreSQL database")
	}
	if fs.NArg() != 1 {
		return errors.New("backup: give the file to write, as in kiosque backup /var/backups/kiosque.db")
	}
	path := fs.Arg(0)
	if dataFile, err := filepath.Abs(filepath.Join(where.dataDir, sqlite.FileName)); err == nil {
		if target, err := filepath.Abs(path); err == nil && target == dataFile {
			return fmt.Errorf("backup: %s is the store itself; give another file", path)
		}
	}
	if err := storeExists(where.dataDir); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	st, err := sqlite.Open(ctx, where.dataDir)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer st.Close()
	start := time.Now()
	if err := st.Backup(ctx, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "Backed up %s to %s in %s.\n", filepath.Join(where.dataDir, sqlite.FileName), path, time.Since(start).Round(time.Millisecond))
	return nil
}

//go:build !wasm

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kiosque/kiosque/app/media"
	"github.com/kiosque/kiosque/app/server"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/postgres"
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

// openExistingStore opens the store of an operation run beside a server:
// it must exist, and an operation never migrates it (a server of this
// release does, when it starts).
func openExistingStore(ctx context.Context, where storeFlags) (store.Backend, error) {
	if where.storeURL == "" {
		return sqlite.OpenAsIs(ctx, where.dataDir)
	}
	st, err := postgres.OpenAsIs(ctx, where.storeURL, postgres.Options{})
	if err != nil {
		return nil, fmt.Errorf("open the store at %s: %w", redactURL(where.storeURL), err)
	}
	return st, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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
	fs := newCommand("backup", "Usage: kiosque backup [-data DIR] FILE\n\nCopies the SQLite store to FILE, consistently, while servers and imports use it.\nTo restore: stop the server, put FILE in an empty data folder as "+sqlite.FileName+", start it.\nA PostgreSQL store is backed up with PostgreSQL's own tools (pg_dump).\n", stderr)
	where.register(fs.FlagSet)
	if err := fs.parse(args, getenv); err != nil {
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
	start := time.Now()
	if err := sqlite.Backup(ctx, where.dataDir, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "Backed up %s to %s in %s.\n", filepath.Join(where.dataDir, sqlite.FileName), path, time.Since(start).Round(time.Millisecond))
	return nil
}

// removeCommand runs `kiosque remove`: a takedown. The article leaves the
// store, the related lists and the block list keeps it out of imports; the
// servers sharing the store hear of it at once and drop what they keep.
func removeCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var (
		where storeFlags
		byURL string
	)
	fs := newCommand("remove", "Usage: kiosque remove [-data DIR | -store postgres://…] SLUG\n       kiosque remove [-data DIR | -store postgres://…] -url URL\n\nTakes an article down for good, as a legal takedown asks: out of the API, the pages,\nthe widgets and the related lists of every server, its images deleted. Its URL goes\non the store's block list, so that imports skip it until `kiosque restore`.\n", stderr)
	where.register(fs.FlagSet)
	fs.StringVar(&byURL, "url", "", "the article's address at its source, instead of its slug")
	fs.localFlag("url")
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	var ref string
	switch {
	case byURL != "" && fs.NArg() == 0:
		ref = byURL
	case byURL == "" && fs.NArg() == 1:
		ref = fs.Arg(0)
	default:
		return errors.New("remove: name one article: its slug (kiosque remove SLUG) or its address (kiosque remove -url URL)")
	}
	st, err := openExistingStore(ctx, where)
	if err != nil {
		return fmt.Errorf("remove: %w", err)
	}
	defer st.Close()
	done, err := st.Block(ctx, ref)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("remove: no article has the slug %q (give its address with -url to block it before it is imported)", ref)
	case errors.Is(err, store.ErrInvalid):
		return fmt.Errorf("remove: %q is neither a slug nor an http(s) address", ref)
	case err != nil:
		return fmt.Errorf("remove: %w", err)
	}
	// The copies of its images in this data folder go now; servers delete
	// theirs when they hear of the change (with PostgreSQL, each server
	// keeps its own folder: only one named with -data is cleaned here).
	var keptImages error
	if where.storeURL == "" || fs.given("data", getenv) {
		keptImages = media.DeleteKept(where.dataDir, done.Media)
	}
	if len(done.Blocked) == 0 {
		fmt.Fprintf(stdout, "%s was removed and blocked already.\n", ref)
		return keptImages
	}
	for _, b := range done.Blocked {
		what := b.URL
		if b.Slug != "" {
			what = fmt.Sprintf("%s %q (%s)", b.Slug, b.Title, b.URL)
		}
		fmt.Fprintf(stdout, "Removed and blocked %s.\n", what)
	}
	if len(done.Removed) > 0 {
		// The leader purges the caches of -purge when it hears of the
		// change; kept in the store too, the purge waits for the next
		// leader when no server runs now.
		keys := []string{server.LatestKey}
		for _, slug := range done.Removed {
			keys = append(keys, server.ArticleKey(slug))
		}
		if err := st.QueuePurges(ctx, keys, true); err != nil {
			fmt.Fprintf(stderr, "remove: the purge of the CDN is not kept for the servers (%v): they purge it if one runs now\n", err)
		}
		fmt.Fprintf(stdout, "Servers given -purge purge it from the CDN (CDN keys: %s); `kiosque restore %s` lets the next import bring it back.\n", strings.Join(keys[1:], " "), ref)
	}
	if keptImages != nil {
		return fmt.Errorf("remove: the article is removed, but its image files are not deleted (the server deletes them at its next collection): %w", keptImages)
	}
	return nil
}

// restoreCommand runs `kiosque restore`: the entries leave the block
// list, and the next import of their source brings them back.
func restoreCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var where storeFlags
	fs := newCommand("restore", "Usage: kiosque restore [-data DIR | -store postgres://…] SLUG|URL\n       kiosque restore [-data DIR | -store postgres://…] -list\n\nTakes a removed article off the block list: the next import of its source brings it back.\n", stderr)
	where.register(fs.FlagSet)
	list := fs.Bool("list", false, "list the blocked articles instead")
	fs.localFlag("list")
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	if (*list && fs.NArg() != 0) || (!*list && fs.NArg() != 1) {
		return errors.New("restore: name one removed article, by its slug or its address, or give -list")
	}
	st, err := openExistingStore(ctx, where)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer st.Close()
	if *list {
		blocked, err := st.Blocked(ctx)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if len(blocked) == 0 {
			fmt.Fprintln(stdout, "Nothing is blocked.")
			return nil
		}
		w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "SINCE\tSLUG\tURL\tTITLE")
		for _, b := range blocked {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", when(b.Since), dash(b.Slug), dash(b.URL), dash(b.Title))
		}
		return w.Flush()
	}
	restored, err := st.Unblock(ctx, fs.Arg(0))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("restore: %q is not blocked (kiosque restore -list shows what is)", fs.Arg(0))
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, b := range restored {
		fmt.Fprintf(stdout, "Unblocked %s: the next import of its source brings it back.\n", dash(b.URL))
	}
	return nil
}

// dash shows an empty field as "-".
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

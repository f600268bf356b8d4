package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kiosque/kiosque/app/mediakey"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/pgtest"
	"github.com/kiosque/kiosque/app/store/storetest"
)

// openStore opens the store at url, closed when the test ends.
func openStore(t *testing.T, url string, opts Options) *Store {
	t.Helper()
	st, err := Open(t.Context(), url, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// connect opens a plain connection to url, for what the store does not
// do: looking at its tables, holding its locks.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// TestContract runs the contract of every store, each test on a database
// of its own in one cluster.
func TestContract(t *testing.T) {
	t.Parallel()
	cluster := pgtest.Start(t)
	var databases atomic.Int64
	storetest.Run(t, func(t *testing.T) (storetest.Store, func(t *testing.T) storetest.Store) {
		url := cluster.CreateDatabase(t, fmt.Sprintf("contract_%d", databases.Add(1)))
		another := func(t *testing.T) storetest.Store { return openStore(t, url, Options{MaxConns: 4}) }
		return another(t), another
	})
}

func TestOpen(t *testing.T) {
	t.Parallel()
	cluster := pgtest.Start(t)

	t.Run("ConcurrentMigrationsApplyEachStepOnce", func(t *testing.T) {
		t.Parallel()
		url := cluster.CreateDatabase(t, "concurrent")
		const replicas = 4
		stores := make([]*Store, replicas)
		errs := make([]error, replicas)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range replicas {
			wg.Go(func() {
				<-start
				stores[i], errs[i] = Open(t.Context(), url, Options{MaxConns: 2})
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("replica %d: %v", i, err)
			}
			t.Cleanup(func() { stores[i].Close() })
		}
		var rows, versions, latest int
		err := connect(t, url).QueryRow(t.Context(),
			"SELECT count(*), count(DISTINCT version), max(version) FROM kiosque_schema").Scan(&rows, &versions, &latest)
		if err != nil {
			t.Fatal(err)
		}
		if want := len(migrations) - 1; rows != want || versions != want || latest != want {
			t.Errorf("kiosque_schema has %d rows of %d versions up to %d, want each of %d versions once", rows, versions, latest, want)
		}
		// They share one database.
		a := news.Article{Slug: "partage", Title: "Partagé", Category: "Sport", Lang: news.French,
			Published: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
		if err := stores[0].Put(t.Context(), a); err != nil {
			t.Fatal(err)
		}
		for i, st := range stores {
			if _, err := st.Article(t.Context(), a.Slug); err != nil {
				t.Errorf("replica %d: %v", i, err)
			}
		}
	})

	// The operations run beside the servers open the database as it is:
	// they never create or migrate a schema an older server still uses.
	t.Run("OpenAsIsChangesNothing", func(t *testing.T) {
		t.Parallel()
		url := cluster.CreateDatabase(t, "asis")
		conn := connect(t, url)
		tables := func() int {
			t.Helper()
			var n int
			if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if _, err := OpenAsIs(t.Context(), url, Options{}); err == nil || !strings.Contains(err.Error(), "no Kiosque schema") {
			t.Errorf("opening an empty database as it is: %v, want an error saying no server prepared it", err)
		}
		if n := tables(); n != 0 {
			t.Errorf("opening an empty database as it is created %d tables", n)
		}
		openStore(t, url, Options{}).Close()
		st, err := OpenAsIs(t.Context(), url, Options{})
		if err != nil {
			t.Fatalf("opening a prepared database as it is: %v", err)
		}
		if _, err := st.Sizes(t.Context()); err != nil {
			t.Errorf("the store opened as it is does not read: %v", err)
		}
		st.Close()
		// Taken back a version, as an older server left it: refused, and
		// left at that version.
		if _, err := conn.Exec(t.Context(), "DELETE FROM kiosque_schema WHERE version = (SELECT max(version) FROM kiosque_schema)"); err != nil {
			t.Fatal(err)
		}
		before := tables()
		if _, err := OpenAsIs(t.Context(), url, Options{}); err == nil || !strings.Contains(err.Error(), "use the kiosque that serves it") {
			t.Errorf("opening an older schema as it is: %v, want an error naming the versions", err)
		}
		var version int
		if err := conn.QueryRow(t.Context(), "SELECT max(version) FROM kiosque_schema").Scan(&version); err != nil {
			t.Fatal(err)
		}
		if want := len(migrations) - 2; version != want || tables() != before {
			t.Errorf("after opening it as it is, the schema is at version %d with %d tables, want %d with %d", version, tables(), want, before)
		}
	})

	t.Run("NewerSchemaIsRefused", func(t *testing.T) {
		t.Parallel()
		url := cluster.CreateDatabase(t, "newer")
		openStore(t, url, Options{}).Close()
		if _, err := connect(t, url).Exec(t.Context(), "INSERT INTO kiosque_schema (version) VALUES (999)"); err != nil {
			t.Fatal(err)
		}
		_, err := Open(t.Context(), url, Options{})
		if err == nil || !strings.Contains(err.Error(), "newer") {
			t.Errorf("opening a database at schema 999: %v, want an error saying it is newer", err)
		}
	})

	// Version 2 records the images of the articles stored before it, so
	// that a takedown of one of them forgets the images only it used.
	t.Run("MigrationToVersion2RecordsTheImagesOfStoredArticles", func(t *testing.T) {
		t.Parallel()
		url := cluster.CreateDatabase(t, "version2")
		st := openStore(t, url, Options{})
		const own, shared = "0123456789abcdef0123456789abcdef.jpg", "fedcba9876543210fedcba9876543210"
		a := news.Article{Slug: "ancien", Title: "Ancien", Category: "Sport", Lang: news.French,
			Published: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), Image: &news.Image{Src: mediakey.Prefix + own},
			HTML: `<p><img src="/media/` + shared + `" alt=""></p>`}
		b := a
		b.Slug, b.Image = "autre", nil
		if err := st.Put(t.Context(), a, b); err != nil {
			t.Fatal(err)
		}
		if err := st.PutMedia(t.Context(), store.Media{Key: own, URL: "https://example.ma/a.jpg"}, store.Media{Key: shared, URL: "https://example.ma/s"}); err != nil {
			t.Fatal(err)
		}
		st.Close()
		// Take the database back to version 1, as the previous binary left it.
		if _, err := connect(t, url).Exec(t.Context(), "DROP TABLE insight_counts; DROP TABLE baseline_related; DROP TABLE article_media; DROP TABLE blocked; DELETE FROM kiosque_schema WHERE version > 1"); err != nil {
			t.Fatal(err)
		}
		st = openStore(t, url, Options{})
		done, err := st.Block(t.Context(), "ancien")
		if err != nil {
			t.Fatal(err)
		}
		if len(done.Media) != 1 || done.Media[0] != own {
			t.Errorf("images freed by the takedown of an article stored before version 2: %q, want %q", done.Media, own)
		}
		if _, err := st.MediaURL(t.Context(), shared); err != nil {
			t.Errorf("the image another article uses was forgotten: %v", err)
		}
	})

	t.Run("SlowStatementFailsAtTheTimeout", func(t *testing.T) {
		t.Parallel()
		url := cluster.CreateDatabase(t, "timeout")
		st := openStore(t, url, Options{StatementTimeout: 100 * time.Millisecond})
		// Another session holds the articles table, so that reading it waits.
		blocker := connect(t, url)
		tx, err := blocker.Begin(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(t.Context(), "SET LOCAL statement_timeout = 0; LOCK TABLE articles IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		begin := time.Now()
		_, err = st.Article(t.Context(), "bloque")
		elapsed := time.Since(begin)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "57014" {
			t.Errorf("read of a locked table: %v, want a statement timeout (57014)", err)
		}
		if elapsed > 3*time.Second {
			t.Errorf("read of a locked table failed after %v, want about 100ms", elapsed)
		}
		tx.Rollback(t.Context())
		if _, err := st.Article(t.Context(), "bloque"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("read once the table is free: %v, want ErrNotFound", err)
		}
	})

	t.Run("DefaultStatementTimeout", func(t *testing.T) {
		t.Parallel()
		st := openStore(t, cluster.CreateDatabase(t, "defaults"), Options{})
		var timeout string
		if err := st.pool.QueryRow(t.Context(), "SHOW statement_timeout").Scan(&timeout); err != nil {
			t.Fatal(err)
		}
		if timeout != "5s" {
			t.Errorf("statement_timeout = %s, want 5s", timeout)
		}
	})

	t.Run("LockDiesWithItsConnection", func(t *testing.T) {
		t.Parallel()
		url := cluster.CreateDatabase(t, "locks")
		st, other := openStore(t, url, Options{}), openStore(t, url, Options{})
		lock, ok, err := st.TryLock(t.Context(), "leader")
		if err != nil || !ok {
			t.Fatalf("lock: %v, %v", ok, err)
		}
		// The server ends the session that holds it, as when its process
		// or its network goes, or the database restarts.
		var ended bool
		err = connect(t, url).QueryRow(t.Context(), `
SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND database = (
	SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&ended)
		if err != nil || !ended {
			t.Fatalf("end the session that holds the lock: %v, %v", ended, err)
		}
		var took bool
		for deadline := time.Now().Add(5 * time.Second); !took && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			var free store.Lock
			free, took, err = other.TryLock(t.Context(), "leader")
			if err != nil {
				t.Fatal(err)
			}
			if took {
				defer free.Release()
			}
		}
		if !took {
			t.Fatal("the lock of an ended session is still held")
		}
		// Its holder is told, within the check's period.
		select {
		case <-lock.Lost():
		case <-time.After(3 * lockCheckEvery):
			t.Fatal("the holder of a lock whose session ended was never told")
		}
		lock.Release() // the dead connection is gone already
		if _, ok, _ := st.TryLock(t.Context(), "leader"); ok {
			t.Error("a release after the session ended freed another's lock")
		}
		if err := st.Ping(t.Context()); err != nil {
			t.Errorf("the store after its lock's session ended: %v", err)
		}
	})

	t.Run("TriggersCountTransactionsOfAnyClient", func(t *testing.T) {
		t.Parallel()
		url := cluster.CreateDatabase(t, "triggers")
		st := openStore(t, url, Options{})
		conn := connect(t, url)
		count := func() int64 {
			t.Helper()
			n, err := st.ChangeCount(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		// Three statements on three tables, in one transaction: one change.
		err := pgx.BeginFunc(t.Context(), conn, func(tx pgx.Tx) error {
			_, err := tx.Exec(t.Context(), `
INSERT INTO media (key, url) VALUES ('a.jpg', 'https://example.ma/a.jpg');
INSERT INTO sources (key) VALUES ('feed:x');
DELETE FROM related`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if after := count(); after != before+1 {
			t.Errorf("one transaction of three statements counted %d changes", after-before)
		}
		// A transaction rolled back counts none.
		before = count()
		tx, err := conn.Begin(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(t.Context(), "DELETE FROM media"); err != nil {
			t.Fatal(err)
		}
		tx.Rollback(t.Context())
		if after := count(); after != before {
			t.Errorf("a transaction rolled back counted %d changes", after-before)
		}
		if _, err := conn.Exec(t.Context(), "TRUNCATE media"); err != nil {
			t.Fatal(err)
		}
		if after := count(); after != before+1 {
			t.Errorf("a truncation counted %d changes", after-before)
		}
	})

	t.Run("LocksLeaveConnectionsToWorkWith", func(t *testing.T) {
		t.Parallel()
		st := openStore(t, cluster.CreateDatabase(t, "busy"), Options{MaxConns: 2, MaxLocks: 3})
		for i := range 3 {
			lock, ok, err := st.TryLock(t.Context(), fmt.Sprintf("import %d", i))
			if err != nil || !ok {
				t.Fatalf("lock %d: %v, %v", i, ok, err)
			}
			defer lock.Release()
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		a := news.Article{Slug: "pendant", Title: "Pendant", Category: "Sport", Lang: news.French,
			Published: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
		if err := st.Put(ctx, a); err != nil {
			t.Fatalf("put while locks are held: %v", err)
		}
		if _, err := st.Article(ctx, a.Slug); err != nil {
			t.Fatalf("read while locks are held: %v", err)
		}
	})

	t.Run("CloseEndsLocksAndPing", func(t *testing.T) {
		t.Parallel()
		url := cluster.CreateDatabase(t, "close")
		st := openStore(t, url, Options{})
		if err := st.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := st.TryLock(t.Context(), "leader"); err != nil || !ok {
			t.Fatalf("lock: %v, %v", ok, err)
		}
		closed := make(chan struct{})
		go func() { st.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Fatal("Close waits for a lock to be released")
		}
		if err := st.Ping(t.Context()); err == nil {
			t.Error("ping after Close succeeded")
		}
		if _, _, err := st.TryLock(t.Context(), "other"); err == nil {
			t.Error("lock after Close succeeded")
		}
	})
}

func TestOpenUnreachableFailsWithoutPassword(t *testing.T) {
	t.Parallel()
	begin := time.Now()
	_, err := Open(t.Context(), "postgres://kiosque:secret@127.0.0.1:1/kiosque?sslmode=disable", Options{ConnectTimeout: time.Second})
	if err == nil {
		t.Fatal("opened a store where no server listens")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("the error shows the password: %v", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("the error does not say where: %v", err)
	}
	if elapsed := time.Since(begin); elapsed > 10*time.Second {
		t.Errorf("failed after %v", elapsed)
	}
}

func TestPoolConfig(t *testing.T) {
	for _, tc := range []struct {
		url              string
		opts             Options
		maxConns         int32
		statementTimeout string
		connectTimeout   time.Duration
	}{
		{"postgres://u@h/db", Options{}, DefaultMaxConns, "5000", DefaultConnectTimeout},
		{"postgres://u@h/db", Options{MaxConns: 3, StatementTimeout: 250 * time.Millisecond, ConnectTimeout: time.Second}, 3, "250", time.Second},
		{"postgres://u@h/db", Options{StatementTimeout: time.Microsecond}, DefaultMaxConns, "1", DefaultConnectTimeout},
		{"postgres://u@h/db", Options{StatementTimeout: -1}, DefaultMaxConns, "0", DefaultConnectTimeout},
		{"postgres://u@h/db?pool_max_conns=7&statement_timeout=900&connect_timeout=2", Options{}, 7, "900", 2 * time.Second},
		{"postgres://u@h/db?pool_max_conns=7&statement_timeout=900", Options{MaxConns: 2, StatementTimeout: time.Second}, 2, "1000", DefaultConnectTimeout},
		{"host=h user=u dbname=db pool_max_conns=6", Options{}, 6, "5000", DefaultConnectTimeout},
		{"host=h user=u dbname=db", Options{}, DefaultMaxConns, "5000", DefaultConnectTimeout},
	} {
		t.Setenv("PGCONNECT_TIMEOUT", "")
		cfg, err := poolConfig(tc.url, tc.opts)
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if cfg.MaxConns != tc.maxConns || cfg.ConnConfig.RuntimeParams["statement_timeout"] != tc.statementTimeout ||
			cfg.ConnConfig.ConnectTimeout != tc.connectTimeout {
			t.Errorf("%s with %+v: max conns %d, statement timeout %q, connect timeout %v; want %d, %q, %v", tc.url, tc.opts,
				cfg.MaxConns, cfg.ConnConfig.RuntimeParams["statement_timeout"], cfg.ConnConfig.ConnectTimeout,
				tc.maxConns, tc.statementTimeout, tc.connectTimeout)
		}
	}
}

func TestLostConnectionTellsASessionEndedFromAnError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		lost bool
	}{
		{&pgconn.PgError{Severity: "FATAL", Code: "57P01"}, true}, // admin_shutdown: a restart
		{fmt.Errorf("put articles: %w", &pgconn.PgError{Severity: "FATAL", Code: "57P02"}), true},
		{&pgconn.PgError{Severity: "FATAL", Code: "57P03"}, true},
		{&pgconn.PgError{Severity: "FATAL", Code: "08006"}, true},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{syscall.ECONNRESET, true},
		{&pgconn.PgError{Severity: "ERROR", Code: "23505"}, false}, // unique_violation
		{&pgconn.PgError{Severity: "ERROR", Code: "57014"}, false}, // query_canceled: a statement timeout
		{context.Canceled, false},
		{context.DeadlineExceeded, false},
		{errors.New("something else"), false},
		{nil, false},
	} {
		if got := lostConnection(tc.err); got != tc.lost {
			t.Errorf("lostConnection(%v) = %v, want %v", tc.err, got, tc.lost)
		}
	}
}

// Package postgres keeps articles in a PostgreSQL database, which several
// replicas of the server can share: it is the SQLite store's twin, method
// for method, with locks, change counts and change notifications that
// reach every replica.
package postgres

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kiosque/kiosque/app/store"
)

// Store is a store.Store in a PostgreSQL database.
type Store struct {
	store.SQLReader // the reads both stores share
	store.SQLWriter // and the writes

	pool pool
	name string // postgres://user@host:port/database, for messages: no password

	// lockPool lends TryLock a connection per lock, for as long as the
	// lock is held. It is apart from pool so that locks held, however
	// many, never leave their holders without a connection to work with.
	lockPool *pgxpool.Pool

	// listen is how WatchChanges connects, apart from the pool.
	listen *pgx.ConnConfig

	// locks are the locks held, which Close releases: closing lockPool
	// would otherwise wait for their holders to.
	locksMu sync.Mutex
	locks   map[*heldLock]struct{}
	closed  bool
}

// A Store is all a server needs of its store.
var _ store.Backend = (*Store)(nil)

// Options tune the connections. A zero field takes the setting the URL
// gives (pool_max_conns, connect_timeout, statement_timeout), or else the
// default.
type Options struct {
	// MaxConns bounds the connections that read and write; 10 by
	// default.
	MaxConns int32
	// MaxLocks bounds the locks held at once, each on a connection of its
	// own, apart from MaxConns; 10 by default. TryLock waits for one to be
	// released when they are all held.
	MaxLocks int32
	// StatementTimeout makes the server cancel a statement that runs
	// longer, so that a stuck query fails instead of holding a request;
	// 5 s by default, negative for none.
	StatementTimeout time.Duration
	// ConnectTimeout bounds each attempt to connect; 5 s by default.
	ConnectTimeout time.Duration
}

// The defaults of Options.
const (
	DefaultMaxConns         = 10
	DefaultMaxLocks         = 10
	DefaultStatementTimeout = 5 * time.Second
	DefaultConnectTimeout   = 5 * time.Second
)

// Open connects to the database at connString (postgres://user:password@
// host:port/database?sslmode=…, or the keyword=value form, with the usual
// parameters and PG* environment variables) and brings its schema up to
// date.
func Open(ctx context.Context, connString string, opts Options) (*Store, error) {
	return open(ctx, connString, opts, migrate)
}

// OpenAsIs connects to the database at connString without changing its
// schema: for the operations run beside the servers (sources, takedowns),
// which must not migrate a database that older servers still use. A
// schema of another version than this program's is refused, and so is a
// database no server has prepared.
func OpenAsIs(ctx context.Context, connString string, opts Options) (*Store, error) {
	return open(ctx, connString, opts, checkVersion)
}

// open connects to the database and has prepare check or bring its
// schema up to date.
func open(ctx context.Context, connString string, opts Options, prepare func(context.Context, *pgxpool.Pool) error) (*Store, error) {
	cfg, err := poolConfig(connString, opts)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	cc := cfg.ConnConfig
	name := fmt.Sprintf("postgres://%s@%s/%s", cc.User, net.JoinHostPort(cc.Host, strconv.Itoa(int(cc.Port))), cc.Database)
	lockCfg := cfg.Copy()
	lockCfg.MaxConns = cmp.Or(opts.MaxLocks, DefaultMaxLocks)
	conns, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", name, err)
	}
	lockPool, err := pgxpool.NewWithConfig(ctx, lockCfg)
	if err != nil {
		conns.Close()
		return nil, fmt.Errorf("open store %s: %w", name, err)
	}
	st := &Store{SQLReader: store.NewSQLReader(reader{pool{conns}}, dialect), pool: pool{conns}, name: name, lockPool: lockPool, listen: cc.Copy(), locks: map[*heldLock]struct{}{}}
	st.SQLWriter = store.NewSQLWriter(reader{pool{conns}}, dialect, st.inTx)
	if err := prepare(ctx, conns); err != nil {
		st.Close()
		return nil, fmt.Errorf("open store %s: %w", name, err)
	}
	return st, nil
}

// poolConfig is the configuration of the pool: the connection string's,
// with the options applied.
func poolConfig(connString string, opts Options) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, err
	}
	cfg.ShouldPing = shouldPing
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = opts.MaxConns
	case !hasParam(connString, "pool_max_conns"):
		cfg.MaxConns = DefaultMaxConns
	}
	switch {
	case opts.ConnectTimeout > 0:
		cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout
	case cfg.ConnConfig.ConnectTimeout == 0:
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	params := cfg.ConnConfig.RuntimeParams
	switch {
	case opts.StatementTimeout < 0:
		params["statement_timeout"] = "0"
	case opts.StatementTimeout > 0:
		// In milliseconds, and at least one: 0 would mean none.
		params["statement_timeout"] = strconv.FormatInt(max(opts.StatementTimeout.Milliseconds(), 1), 10)
	case params["statement_timeout"] == "":
		params["statement_timeout"] = strconv.FormatInt(DefaultStatementTimeout.Milliseconds(), 10)
	}
	return cfg, nil
}

// hasParam says whether the connection string, a URL or keyword=value
// pairs, sets the parameter name.
func hasParam(connString, name string) bool {
	if u, err := url.Parse(connString); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		return u.Query().Has(name)
	}
	return regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(name) + `\s*=`).MatchString(connString)
}

// Ping checks that the database answers, for health checks.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.name, err)
	}
	return nil
}

// Close releases the locks still held and ends the connections.
func (s *Store) Close() error {
	s.locksMu.Lock()
	s.closed = true
	held := s.locks
	s.locks = map[*heldLock]struct{}{}
	s.locksMu.Unlock()
	// Unlocked before the connections close: a server ends a closed
	// session's locks a moment later, when its backend has gone.
	for l := range held {
		l.release()
	}
	s.lockPool.Close()
	s.pool.Close()
	return nil
}

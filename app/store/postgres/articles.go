package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// slugsPerQuery bounds the slugs one query asks for: each is one array
// parameter, which has no such limit as SQLite's variables, but a batch
// keeps each query's answer, and the server's memory for it, bounded.
const slugsPerQuery = 1000

// write runs f in a transaction that first takes the change counter's row,
// which every writer of the store updates: writers then go one at a time,
// as SQLite's do, so that two imports cannot pick the same free slug, and
// none waits on another while holding rows it wants. A transaction whose
// connection is lost before it commits runs again (see pool.inTx): f must
// start from scratch each time.
func (s *Store) write(ctx context.Context, what string, f func(tx pgx.Tx) error) error {
	err := s.pool.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT FROM kiosque_changes FOR UPDATE"); err != nil {
			return err
		}
		return f(tx)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// inTx is write for the writes both stores share (store.SQLWriter).
func (s *Store) inTx(ctx context.Context, what string, f func(tx store.WriteTx) error) error {
	return s.write(ctx, what, func(tx pgx.Tx) error { return f(writeTx{reader{tx}, tx}) })
}

// writeTx is a transaction as store.SQLWriter asks it.
type writeTx struct {
	reader
	tx pgx.Tx
}

func (t writeTx) WriteArticles(ctx context.Context, origin string, plan *store.ImportPlan) error {
	return writeArticles(ctx, t.tx, origin, plan)
}

func (t writeTx) DropFromLists(ctx context.Context, slugs []string) error {
	return dropFromLists(ctx, t.tx, slugs)
}

// dialect is how PostgreSQL's SQL differs: times in a
// timestamptz, text compared by the database's locale unless told.
var dialect = store.Dialect{
	ScanArticle: func(scan func(dest ...any) error) (news.Article, error) {
		return store.ScanArticle(scan, func(t time.Time) time.Time { return t.UTC() })
	},
	CursorTime: func(ms int64) any { return cursorTime(ms) },
	Bytewise:   ` COLLATE "C"`,
	Time: func() (any, func() time.Time) {
		var t *time.Time
		return &t, func() time.Time { return fromNullable(t) }
	},
	NullTime:   func(t time.Time) any { return toNullable(t) },
	At:         timestamptz,
	JSON:       "?::jsonb",
	Now:        "now()",
	JSONLength: "jsonb_array_length",
}

// numbered is query with its "?" placeholders numbered, $1, $2…
func numbered(query string) string {
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// reader is the pool, or a transaction, as store.SQLReader asks it, its
// "?" placeholders numbered as PostgreSQL wants them.
type reader struct {
	db interface {
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
		Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	}
}

func (r reader) Exec(ctx context.Context, query string, args ...any) error {
	_, err := r.db.Exec(ctx, numbered(query), args...)
	return err
}

func (r reader) Query(ctx context.Context, query string, args ...any) (store.Rows, error) {
	rows, err := r.db.Query(ctx, numbered(query), args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// values are the row's values in the order of store.RowColumns.
func values(r store.Row) []any {
	return r.Values(timestamptz)
}

// timestamptz is a time as PostgreSQL keeps it.
func timestamptz(t time.Time) any { return t }

// params are the placeholders $from to $to, comma-separated.
func params(from, to int) string {
	var b strings.Builder
	for n := from; n <= to; n++ {
		if n > from {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(n))
	}
	return b.String()
}

// toMillis is t to the millisecond, as SQLite keeps times.
func toMillis(t time.Time) time.Time {
	return time.UnixMilli(t.UnixMilli()).UTC()
}

// A cursor's time is brought within years 0 to 100000, which a
// timestamptz holds with room to spare, rather than refused by the server
// with an error that is not ErrBadCursor. No page gives one outside, and
// no article is dated outside.
const (
	earliestCursor = -62167219200000  // 0000-01-01, in Unix milliseconds
	latestCursor   = 3093527980800000 // 100000-01-01
)

// cursorTime is a cursor's time, in Unix milliseconds, within those
// bounds.
func cursorTime(ms int64) time.Time {
	return time.UnixMilli(min(max(ms, earliestCursor), latestCursor)).UTC()
}

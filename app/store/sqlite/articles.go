package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// dialect is how SQLite's SQL differs: times in
// Unix milliseconds, text compared byte by byte by default.
var dialect = store.Dialect{
	ScanArticle: func(scan func(dest ...any) error) (news.Article, error) {
		return store.ScanArticle(scan, func(ms int64) time.Time { return time.UnixMilli(ms).UTC() })
	},
	CursorTime: func(ms int64) any { return ms },
	Time: func() (any, func() time.Time) {
		var ms int64
		return &ms, func() time.Time { return fromMillis(ms) }
	},
	NullTime:   func(t time.Time) any { return toMillis(t) },
	At:         millis,
	JSON:       "?",
	Now:        "CAST(unixepoch('subsec') * 1000 AS INTEGER)",
	JSONLength: "json_array_length",
}

// reader is the database, or a transaction, as store.SQLReader and the
// writes both stores share (store.Tx) ask it.
type reader struct {
	db interface {
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	}
}

func (r reader) Exec(ctx context.Context, query string, args ...any) error {
	_, err := r.db.ExecContext(ctx, query, args...)
	return err
}

func (r reader) Query(ctx context.Context, query string, args ...any) (store.Rows, error) {
	rows, err := r.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

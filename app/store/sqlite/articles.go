package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// Versions returns each article's content hash by slug (or its update
// time, for an article stored before hashes were).
func (s *Store) Versions(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT slug, content_hash, updated FROM articles")
	pairs, err := collect(rows, err, func(row scanner) ([2]string, error) {
		var slug, hash string
		var updated int64
		err := row.Scan(&slug, &hash, &updated)
		if hash == "" {
			hash = "updated " + strconv.FormatInt(updated, 10)
		}
		return [2]string{slug, hash}, err
	})
	if err != nil {
		return nil, fmt.Errorf("read article versions: %w", err)
	}
	versions := make(map[string]string, len(pairs))
	for _, p := range pairs {
		versions[p[0]] = p[1]
	}
	return versions, nil
}

// Put inserts or updates the articles, all in one transaction. An article
// that fails validation aborts the whole call and nothing is written.
func (s *Store) Put(ctx context.Context, articles ...news.Article) error {
	for _, a := range articles { // before any transaction: Validate's error as it is
		if err := store.Validate(a); err != nil {
			return err
		}
	}
	return s.write(ctx, "put articles", func(tx *sql.Tx) error {
		return store.PutArticles(ctx, reader{tx}, millis, articles)
	})
}

// Delete removes the article with this slug, and forgets the images only
// it pointed at.
func (s *Store) Delete(ctx context.Context, slug string) error {
	return s.write(ctx, fmt.Sprintf("delete article %q", slug), func(tx *sql.Tx) error {
		return store.DeleteArticle(ctx, reader{tx}, slug)
	})
}

type scanner interface{ Scan(dest ...any) error }

// dialect is how SQLite's SQL differs, for store.SQLReader: times in
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
	NullTime: func(t time.Time) any { return toMillis(t) },
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

// collect reads every row of a query (rows and err, its answer) with
// scan, and closes them.
func collect[T any](rows *sql.Rows, err error, scan func(row scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

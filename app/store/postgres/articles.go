package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// slugsPerQuery bounds the slugs one query asks for: each is one array
// parameter, which has no such limit as SQLite's variables, but a batch
// keeps each query's answer, and the server's memory for it, bounded.
const slugsPerQuery = 1000

// Versions returns each article's content hash by slug.
func (s *Store) Versions(ctx context.Context) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, "SELECT slug, content_hash FROM articles")
	if err != nil {
		return nil, fmt.Errorf("read article versions: %w", err)
	}
	versions := map[string]string{}
	var slug, hash string
	if _, err := pgx.ForEachRow(rows, []any{&slug, &hash}, func() error {
		versions[slug] = hash
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read article versions: %w", err)
	}
	return versions, nil
}

// Put inserts or updates the articles, all in one transaction. An article
// that fails validation aborts the whole call and nothing is written.
func (s *Store) Put(ctx context.Context, articles ...news.Article) error {
	for _, a := range articles {
		if err := store.Validate(a); err != nil {
			return err
		}
	}
	slugs := make([]string, len(articles))
	for i, a := range articles {
		slugs[i] = a.Slug
	}
	return s.write(ctx, "put articles", func(tx pgx.Tx) error {
		// The images the articles pointed at before.
		rows, err := tx.Query(ctx, "SELECT DISTINCT key FROM article_media JOIN articles ON id = article_id WHERE slug = ANY($1)", slugs)
		if err != nil {
			return err
		}
		replaced, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, a := range articles {
			row := store.RowOf(a)
			if _, err := tx.Exec(ctx, "INSERT INTO articles (slug, "+store.RowColumns+") VALUES ("+params(1, 16)+")"+
				" ON CONFLICT (slug) DO UPDATE SET ("+store.RowColumns+") = ("+store.RowExcluded+")",
				append([]any{a.Slug}, values(row)...)...); err != nil {
				return fmt.Errorf("put article %q: %w", a.Slug, err)
			}
			if err := setArticleMedia(ctx, tx, a.Slug, row.Media); err != nil {
				return err
			}
		}
		_, err = forgetUnusedMedia(ctx, tx, replaced)
		return err
	})
}

// Delete removes the article with this slug, and forgets the images only
// it pointed at.
func (s *Store) Delete(ctx context.Context, slug string) error {
	return s.write(ctx, "delete article "+strconv.Quote(slug), func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, "SELECT id FROM articles WHERE slug = $1", slug).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		pointedAt, err := mediaOf(ctx, tx, []int64{id})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM articles WHERE id = $1", id); err != nil {
			return err
		}
		_, err = forgetUnusedMedia(ctx, tx, pointedAt)
		return err
	})
}

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

// dialect is how PostgreSQL's SQL differs, for store.SQLReader: times in a
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
}

// reader is the pool, or a transaction, as store.SQLReader asks it, its
// "?" placeholders numbered as PostgreSQL wants them.
type reader struct {
	db interface {
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	}
}

func (r reader) Query(ctx context.Context, query string, args ...any) (store.Rows, error) {
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
	rows, err := r.db.Query(ctx, b.String(), args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// values are the row's values in the order of store.RowColumns.
func values(r store.Row) []any {
	return r.Values(func(t time.Time) any { return t })
}

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

package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kiosque/kiosque/app/news"
)

// SQLReader reads articles from either store's database: the reads both
// stores share, written once, each store giving its driver (Querier) and
// what its SQL says differently (Dialect). A store embeds it for the
// methods of Reader it has no reason to write itself.
type SQLReader struct {
	db      Querier
	dialect Dialect
}

// Querier asks a store's database. Queries hold "?" placeholders: a store
// whose driver numbers them ($1) rebinds them.
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (Rows, error)
}

// Rows are a query's answer, as both drivers give it.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Dialect is where a store's SQL differs from the other's, for reading.
type Dialect struct {
	// ScanArticle reads a row of ArticleColumns (see ScanArticle).
	ScanArticle func(scan func(dest ...any) error) (news.Article, error)
	// CursorTime is a cursor's time, in Unix milliseconds, as the store
	// keeps times.
	CursorTime func(ms int64) any
	// Bytewise follows a text column to compare it byte by byte, whatever
	// the database's locale ("" where that is the default).
	Bytewise string
}

// NewSQLReader returns the reader of a store's database.
func NewSQLReader(db Querier, dialect Dialect) SQLReader {
	return SQLReader{db: db, dialect: dialect}
}

// slugsPerQuery bounds the slugs one query binds: SQLite takes at most
// 32,766 variables in a statement, and a first import may bring more
// articles than that.
const slugsPerQuery = 500

// Article returns the article with this slug.
func (r SQLReader) Article(ctx context.Context, slug string) (news.Article, error) {
	found, err := r.articles(ctx, "SELECT "+ArticleColumns+" FROM articles WHERE slug = ?", slug)
	if err != nil {
		return news.Article{}, fmt.Errorf("read article %q: %w", slug, err)
	}
	if len(found) == 0 {
		return news.Article{}, fmt.Errorf("article %q: %w", slug, ErrNotFound)
	}
	return found[0], nil
}

// Articles returns a page of articles, newest first (see PageQuery).
func (r SQLReader) Articles(ctx context.Context, q Query) (Page, error) {
	var args []any
	query, err := PageQuery(q, func(v any) string {
		args = append(args, v)
		return "?"
	}, r.dialect.CursorTime)
	if err != nil {
		return Page{}, err
	}
	articles, err := r.articles(ctx, query, args...)
	if err != nil {
		return Page{}, fmt.Errorf("list articles: %w", err)
	}
	return NewPage(q, articles), nil
}

// ArticleByURL returns the article whose canonical URL is u, the scheme
// (http or https) and a trailing slash aside.
func (r SQLReader) ArticleByURL(ctx context.Context, u string) (news.Article, error) {
	u, _, _ = strings.Cut(u, "#")
	key, ok := URLKey(u)
	if !ok {
		return news.Article{}, fmt.Errorf("article at %q: %w", u, ErrNotFound)
	}
	found, err := r.articles(ctx, "SELECT "+ArticleColumns+" FROM articles WHERE url IN (?, ?, ?, ?) ORDER BY id LIMIT 1", anys(URLForms(key))...)
	if err != nil {
		return news.Article{}, fmt.Errorf("read article at %q: %w", u, err)
	}
	if len(found) == 0 {
		return news.Article{}, fmt.Errorf("article at %q: %w", u, ErrNotFound)
	}
	return found[0], nil
}

// ArticlesBySlug returns the stored articles among slugs, in their order,
// asked for slugsPerQuery at a time.
func (r SQLReader) ArticlesBySlug(ctx context.Context, slugs []string) ([]news.Article, error) {
	bySlug := make(map[string]news.Article, len(slugs))
	for batch := range slices.Chunk(slugs, slugsPerQuery) {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(batch)), ", ")
		found, err := r.articles(ctx, "SELECT "+ArticleColumns+" FROM articles WHERE slug IN ("+marks+")", anys(batch)...)
		if err != nil {
			return nil, fmt.Errorf("read articles by slug: %w", err)
		}
		for _, a := range found {
			bySlug[a.Slug] = a
		}
	}
	return InOrder(slugs, bySlug), nil
}

// All returns every article, newest first.
func (r SQLReader) All(ctx context.Context) ([]news.Article, error) {
	articles, err := r.articles(ctx, "SELECT "+ArticleColumns+" FROM articles ORDER BY published DESC, id DESC")
	if err != nil {
		return nil, fmt.Errorf("read all articles: %w", err)
	}
	return articles, nil
}

// Categories lists the categories in use, the largest first, then by slug
// (byte by byte), each under the first of its names byte by byte.
func (r SQLReader) Categories(ctx context.Context) ([]news.Category, error) {
	rows, err := r.db.Query(ctx, "SELECT category_slug, min(category"+r.dialect.Bytewise+"), count(*) FROM articles"+
		" GROUP BY category_slug ORDER BY count(*) DESC, category_slug"+r.dialect.Bytewise)
	categories, err := Collect(rows, err, func(scan func(dest ...any) error) (news.Category, error) {
		var c news.Category
		err := scan(&c.Slug, &c.Name, &c.Count)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	return categories, nil
}

func (r SQLReader) articles(ctx context.Context, query string, args ...any) ([]news.Article, error) {
	rows, err := r.db.Query(ctx, query, args...)
	return Collect(rows, err, r.dialect.ScanArticle)
}

// Collect reads every row of a query (rows and err, its answer) with
// scan, and closes them.
func Collect[T any](rows Rows, err error, scan func(scan func(dest ...any) error) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// anys are the values of s, as query arguments.
func anys[T any](s []T) []any {
	args := make([]any, len(s))
	for i, v := range s {
		args[i] = v
	}
	return args
}

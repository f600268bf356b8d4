package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

// Article returns the article with this slug.
func (s *Store) Article(ctx context.Context, slug string) (news.Article, error) {
	row := s.db.QueryRowContext(ctx, "SELECT "+store.ArticleColumns+" FROM articles WHERE slug = ?", slug)
	a, err := scanArticle(row)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Article{}, fmt.Errorf("article %q: %w", slug, store.ErrNotFound)
	}
	if err != nil {
		return news.Article{}, fmt.Errorf("read article %q: %w", slug, err)
	}
	return a, nil
}

// Articles returns a page of articles, newest first (see store.PageQuery).
func (s *Store) Articles(ctx context.Context, q store.Query) (store.Page, error) {
	var args []any
	query, err := store.PageQuery(q, func(v any) string {
		args = append(args, v)
		return "?"
	}, func(ms int64) any { return ms })
	if err != nil {
		return store.Page{}, err
	}
	articles, err := scanArticles(s.db.QueryContext(ctx, query, args...))
	if err != nil {
		return store.Page{}, fmt.Errorf("list articles: %w", err)
	}
	return store.NewPage(q, articles), nil
}

// ArticleByURL returns the article whose canonical URL is u, the scheme
// (http or https) and a trailing slash aside.
func (s *Store) ArticleByURL(ctx context.Context, u string) (news.Article, error) {
	u, _, _ = strings.Cut(u, "#")
	key, ok := store.URLKey(u)
	if !ok {
		return news.Article{}, fmt.Errorf("article at %q: %w", u, store.ErrNotFound)
	}
	var args []any
	for _, form := range store.URLForms(key) {
		args = append(args, form)
	}
	row := s.db.QueryRowContext(ctx, "SELECT "+store.ArticleColumns+" FROM articles WHERE url IN (?, ?, ?, ?) ORDER BY id LIMIT 1", args...)
	a, err := scanArticle(row)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Article{}, fmt.Errorf("article at %q: %w", u, store.ErrNotFound)
	}
	if err != nil {
		return news.Article{}, fmt.Errorf("read article at %q: %w", u, err)
	}
	return a, nil
}

// slugsPerQuery bounds the slugs one query binds: SQLite takes at most
// 32,766 variables in a statement, and a first import may bring more
// articles than that.
const slugsPerQuery = 500

// ArticlesBySlug returns the stored articles among slugs, in their order,
// asked for slugsPerQuery at a time.
func (s *Store) ArticlesBySlug(ctx context.Context, slugs []string) ([]news.Article, error) {
	bySlug := make(map[string]news.Article, len(slugs))
	for batch := range slices.Chunk(slugs, slugsPerQuery) {
		found, err := scanArticles(s.db.QueryContext(ctx, "SELECT "+store.ArticleColumns+" FROM articles WHERE slug IN ("+marks(len(batch))+")", anys(batch)...))
		if err != nil {
			return nil, fmt.Errorf("read articles by slug: %w", err)
		}
		for _, a := range found {
			bySlug[a.Slug] = a
		}
	}
	return store.InOrder(slugs, bySlug), nil
}

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

// All returns every article, newest first.
func (s *Store) All(ctx context.Context) ([]news.Article, error) {
	articles, err := scanArticles(s.db.QueryContext(ctx, "SELECT "+store.ArticleColumns+" FROM articles ORDER BY published DESC, id DESC"))
	if err != nil {
		return nil, fmt.Errorf("read all articles: %w", err)
	}
	return articles, nil
}

// Categories lists the categories in use, the largest first.
func (s *Store) Categories(ctx context.Context) ([]news.Category, error) {
	rows, err := s.db.QueryContext(ctx, `
SELECT category_slug, MIN(category), COUNT(*) FROM articles
GROUP BY category_slug ORDER BY COUNT(*) DESC, category_slug`)
	categories, err := collect(rows, err, func(row scanner) (c news.Category, err error) {
		err = row.Scan(&c.Slug, &c.Name, &c.Count)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	return categories, nil
}

// Put inserts or updates the articles, all in one transaction. An article
// that fails validation aborts the whole call and nothing is written.
func (s *Store) Put(ctx context.Context, articles ...news.Article) error {
	for _, a := range articles {
		if err := store.Validate(a); err != nil {
			return err
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("put articles: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO articles (slug, "+store.RowColumns+") VALUES ("+marks(16)+")"+
		" ON CONFLICT (slug) DO UPDATE SET ("+store.RowColumns+") = ("+store.RowExcluded+") RETURNING id")
	if err != nil {
		return fmt.Errorf("put articles: %w", err)
	}
	defer stmt.Close()
	var replaced []string // the images the articles pointed at before
	for _, a := range articles {
		row := store.RowOf(a)
		var id int64
		if err := stmt.QueryRowContext(ctx, append([]any{a.Slug}, values(row)...)...).Scan(&id); err != nil {
			return fmt.Errorf("put article %q: %w", a.Slug, err)
		}
		before, err := mediaOf(ctx, tx, []int64{id})
		if err == nil {
			err = setArticleMedia(ctx, tx, id, row.Media)
		}
		if err != nil {
			return fmt.Errorf("put article %q: %w", a.Slug, err)
		}
		replaced = append(replaced, before...)
	}
	if _, err := forgetUnusedMedia(ctx, tx, replaced); err != nil {
		return fmt.Errorf("put articles: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("put articles: %w", err)
	}
	return nil
}

// Delete removes the article with this slug, and forgets the images only
// it pointed at.
func (s *Store) Delete(ctx context.Context, slug string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete article %q: %w", slug, err)
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, "SELECT id FROM articles WHERE slug = ?", slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("delete article %q: %w", slug, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("delete article %q: %w", slug, err)
	}
	pointedAt, err := mediaOf(ctx, tx, []int64{id})
	if err != nil {
		return fmt.Errorf("delete article %q: %w", slug, err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM articles WHERE id = ?", id); err != nil {
		return fmt.Errorf("delete article %q: %w", slug, err)
	}
	if _, err := forgetUnusedMedia(ctx, tx, pointedAt); err != nil {
		return fmt.Errorf("delete article %q: %w", slug, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete article %q: %w", slug, err)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanArticle(row scanner) (news.Article, error) {
	return store.ScanArticle(row.Scan, func(ms int64) time.Time { return time.UnixMilli(ms).UTC() })
}

// anys are the values of s, as query arguments.
func anys[T any](s []T) []any {
	args := make([]any, len(s))
	for i, v := range s {
		args[i] = v
	}
	return args
}

func scanArticles(rows *sql.Rows, err error) ([]news.Article, error) {
	return collect(rows, err, scanArticle)
}

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

package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

const columns = `id, slug, url, title, excerpt, body, html, category, category_slug, tags, author, published, updated, lang, image, source`

// Article returns the article with this slug.
func (s *Store) Article(ctx context.Context, slug string) (news.Article, error) {
	row := s.db.QueryRowContext(ctx, "SELECT "+columns+" FROM articles WHERE slug = ?", slug)
	a, err := scanArticle(row)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Article{}, fmt.Errorf("article %q: %w", slug, store.ErrNotFound)
	}
	if err != nil {
		return news.Article{}, fmt.Errorf("read article %q: %w", slug, err)
	}
	return a, nil
}

// Articles returns a page of articles, newest first. The cursor holds the
// position of the last article of the previous page, so pages stay stable
// while new articles arrive.
func (s *Store) Articles(ctx context.Context, q store.Query) (store.Page, error) {
	if q.Limit < 1 {
		q.Limit = 1
	}
	where := []string{"1 = 1"}
	var args []any
	if q.Category != "" {
		where = append(where, "category_slug = ?")
		args = append(args, q.Category)
	}
	if q.Lang != "" {
		where = append(where, "lang = ?")
		args = append(args, string(q.Lang))
	}
	if q.Cursor != "" {
		published, id, err := decodeCursor(q.Cursor)
		if err != nil {
			return store.Page{}, err
		}
		where = append(where, "(published < ? OR (published = ? AND id < ?))")
		args = append(args, published, published, id)
	}
	args = append(args, q.Limit+1)
	rows, err := s.db.QueryContext(ctx, "SELECT "+columns+" FROM articles WHERE "+strings.Join(where, " AND ")+" ORDER BY published DESC, id DESC LIMIT ?", args...)
	if err != nil {
		return store.Page{}, fmt.Errorf("list articles: %w", err)
	}
	articles, err := scanArticles(rows)
	if err != nil {
		return store.Page{}, fmt.Errorf("list articles: %w", err)
	}
	page := store.Page{Articles: articles}
	if len(articles) > q.Limit {
		page.Articles = articles[:q.Limit]
		last := page.Articles[q.Limit-1]
		page.Next = encodeCursor(last.Published.UnixMilli(), last.ID)
	}
	return page, nil
}

// ArticleByURL returns the article whose canonical URL is u, the scheme
// (http or https) and a trailing slash aside.
func (s *Store) ArticleByURL(ctx context.Context, u string) (news.Article, error) {
	u, _, _ = strings.Cut(u, "#")
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(u, "http://"); !ok {
			return news.Article{}, fmt.Errorf("article at %q: %w", u, store.ErrNotFound)
		}
	}
	rest = strings.TrimSuffix(rest, "/")
	var args []any
	for _, scheme := range []string{"https://", "http://"} {
		args = append(args, scheme+rest, scheme+rest+"/")
	}
	row := s.db.QueryRowContext(ctx, "SELECT "+columns+" FROM articles WHERE url IN (?, ?, ?, ?) ORDER BY id LIMIT 1", args...)
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
		args := make([]any, len(batch))
		for i, slug := range batch {
			args[i] = slug
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", len(batch)), ",")
		rows, err := s.db.QueryContext(ctx, "SELECT "+columns+" FROM articles WHERE slug IN ("+marks+")", args...)
		if err != nil {
			return nil, fmt.Errorf("read articles by slug: %w", err)
		}
		found, err := scanArticles(rows)
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
	if err != nil {
		return nil, fmt.Errorf("read article versions: %w", err)
	}
	defer rows.Close()
	versions := map[string]string{}
	for rows.Next() {
		var slug, hash string
		var updated int64
		if err := rows.Scan(&slug, &hash, &updated); err != nil {
			return nil, fmt.Errorf("read article versions: %w", err)
		}
		if hash == "" {
			hash = "updated " + strconv.FormatInt(updated, 10)
		}
		versions[slug] = hash
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read article versions: %w", err)
	}
	return versions, nil
}

// All returns every article, newest first.
func (s *Store) All(ctx context.Context) ([]news.Article, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+columns+" FROM articles ORDER BY published DESC, id DESC")
	if err != nil {
		return nil, fmt.Errorf("read all articles: %w", err)
	}
	articles, err := scanArticles(rows)
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
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	defer rows.Close()
	var categories []news.Category
	for rows.Next() {
		var c news.Category
		if err := rows.Scan(&c.Slug, &c.Name, &c.Count); err != nil {
			return nil, fmt.Errorf("list categories: %w", err)
		}
		categories = append(categories, c)
	}
	if err := rows.Err(); err != nil {
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
	var (
		a                  news.Article
		body, tags, lang   string
		published, updated int64
		image              sql.NullString
	)
	err := row.Scan(&a.ID, &a.Slug, &a.URL, &a.Title, &a.Excerpt, &body, &a.HTML, &a.Category, &a.CategorySlug, &tags,
		&a.Author, &published, &updated, &lang, &image, &a.Source)
	if err != nil {
		return news.Article{}, err
	}
	if err := json.Unmarshal([]byte(body), &a.Body); err != nil {
		return news.Article{}, fmt.Errorf("article %q body: %w", a.Slug, err)
	}
	if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
		return news.Article{}, fmt.Errorf("article %q tags: %w", a.Slug, err)
	}
	if image.Valid {
		a.Image = new(news.Image)
		if err := json.Unmarshal([]byte(image.String), a.Image); err != nil {
			return news.Article{}, fmt.Errorf("article %q image: %w", a.Slug, err)
		}
	}
	a.Published = time.UnixMilli(published).UTC()
	a.Updated = time.UnixMilli(updated).UTC()
	a.Lang = news.Lang(lang)
	return a, nil
}

func scanArticles(rows *sql.Rows) ([]news.Article, error) {
	defer rows.Close()
	var articles []news.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		articles = append(articles, a)
	}
	return articles, rows.Err()
}

// A cursor is "published.id" in URL-safe base64: opaque to clients, cheap to
// check.
func encodeCursor(published, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(published, 10) + "." + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (published, id int64, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, store.ErrBadCursor
	}
	p, i, ok := strings.Cut(string(raw), ".")
	if !ok {
		return 0, 0, store.ErrBadCursor
	}
	if published, err = strconv.ParseInt(p, 10, 64); err != nil {
		return 0, 0, store.ErrBadCursor
	}
	if id, err = strconv.ParseInt(i, 10, 64); err != nil || id < 0 {
		return 0, 0, store.ErrBadCursor
	}
	return published, id, nil
}

package postgres

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

const columns = `id, slug, url, title, excerpt, body, html, category, category_slug, tags, author, published, updated, lang, image, source`

// Article returns the article with this slug.
func (s *Store) Article(ctx context.Context, slug string) (news.Article, error) {
	row := s.pool.QueryRow(ctx, "SELECT "+columns+" FROM articles WHERE slug = $1", slug)
	a, err := scanArticle(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return news.Article{}, fmt.Errorf("article %q: %w", slug, store.ErrNotFound)
	}
	if err != nil {
		return news.Article{}, fmt.Errorf("read article %q: %w", slug, err)
	}
	return a, nil
}

// Articles returns a page of articles, newest first. The cursor holds the
// position of the last article of the previous page, so pages stay stable
// while new articles arrive; it is the SQLite store's, so a cursor stays
// good across a move from one store to the other.
func (s *Store) Articles(ctx context.Context, q store.Query) (store.Page, error) {
	if q.Limit < 1 {
		q.Limit = 1
	}
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where = append(where, "true")
	if q.Category != "" {
		where = append(where, "category_slug = "+arg(q.Category))
	}
	if q.Lang != "" {
		where = append(where, "lang = "+arg(string(q.Lang)))
	}
	if q.Cursor != "" {
		published, id, err := decodeCursor(q.Cursor)
		if err != nil {
			return store.Page{}, err
		}
		p := arg(published)
		where = append(where, "(published < "+p+" OR (published = "+p+" AND id < "+arg(id)+"))")
	}
	// One more than asked, to tell whether a next page exists.
	limit := arg(min(int64(q.Limit), math.MaxInt64-1) + 1)
	rows, err := s.pool.Query(ctx, "SELECT "+columns+" FROM articles WHERE "+strings.Join(where, " AND ")+
		" ORDER BY published DESC, id DESC LIMIT "+limit, args...)
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
	var urls []string
	for _, scheme := range []string{"https://", "http://"} {
		urls = append(urls, scheme+rest, scheme+rest+"/")
	}
	row := s.pool.QueryRow(ctx, "SELECT "+columns+" FROM articles WHERE url = ANY($1) ORDER BY id LIMIT 1", urls)
	a, err := scanArticle(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return news.Article{}, fmt.Errorf("article at %q: %w", u, store.ErrNotFound)
	}
	if err != nil {
		return news.Article{}, fmt.Errorf("read article at %q: %w", u, err)
	}
	return a, nil
}

// slugsPerQuery bounds the slugs one query asks for: each is one array
// parameter, which has no such limit as SQLite's variables, but a batch
// keeps each query's answer, and the server's memory for it, bounded.
const slugsPerQuery = 1000

// ArticlesBySlug returns the stored articles among slugs, in their order,
// asked for slugsPerQuery at a time.
func (s *Store) ArticlesBySlug(ctx context.Context, slugs []string) ([]news.Article, error) {
	bySlug := make(map[string]news.Article, len(slugs))
	for batch := range slices.Chunk(slugs, slugsPerQuery) {
		rows, err := s.pool.Query(ctx, "SELECT "+columns+" FROM articles WHERE slug = ANY($1)", batch)
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

// Versions returns each article's content hash by slug.
func (s *Store) Versions(ctx context.Context) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, "SELECT slug, content_hash FROM articles")
	if err != nil {
		return nil, fmt.Errorf("read article versions: %w", err)
	}
	defer rows.Close()
	versions := map[string]string{}
	for rows.Next() {
		var slug, hash string
		if err := rows.Scan(&slug, &hash); err != nil {
			return nil, fmt.Errorf("read article versions: %w", err)
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
	rows, err := s.pool.Query(ctx, "SELECT "+columns+" FROM articles ORDER BY published DESC, id DESC")
	if err != nil {
		return nil, fmt.Errorf("read all articles: %w", err)
	}
	articles, err := scanArticles(rows)
	if err != nil {
		return nil, fmt.Errorf("read all articles: %w", err)
	}
	return articles, nil
}

// Categories lists the categories in use, the largest first, then by slug
// (byte by byte, whatever the database's locale).
func (s *Store) Categories(ctx context.Context) ([]news.Category, error) {
	rows, err := s.pool.Query(ctx, `
SELECT category_slug, min(category COLLATE "C"), count(*) FROM articles
GROUP BY category_slug ORDER BY count(*) DESC, category_slug COLLATE "C"`)
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

func scanArticle(row pgx.Row) (news.Article, error) {
	var (
		a                  news.Article
		body, tags, image  []byte
		lang               string
		published, updated time.Time
	)
	err := row.Scan(&a.ID, &a.Slug, &a.URL, &a.Title, &a.Excerpt, &body, &a.HTML, &a.Category, &a.CategorySlug, &tags,
		&a.Author, &published, &updated, &lang, &image, &a.Source)
	if err != nil {
		return news.Article{}, err
	}
	if err := json.Unmarshal(body, &a.Body); err != nil {
		return news.Article{}, fmt.Errorf("article %q body: %w", a.Slug, err)
	}
	if err := json.Unmarshal(tags, &a.Tags); err != nil {
		return news.Article{}, fmt.Errorf("article %q tags: %w", a.Slug, err)
	}
	if image != nil {
		a.Image = new(news.Image)
		if err := json.Unmarshal(image, a.Image); err != nil {
			return news.Article{}, fmt.Errorf("article %q image: %w", a.Slug, err)
		}
	}
	a.Published = published.UTC()
	a.Updated = updated.UTC()
	a.Lang = news.Lang(lang)
	return a, nil
}

func scanArticles(rows pgx.Rows) ([]news.Article, error) {
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

// A cursor is "published.id" in URL-safe base64, published in Unix
// milliseconds: opaque to clients, cheap to check.
func encodeCursor(published, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(published, 10) + "." + strconv.FormatInt(id, 10)))
}

// A cursor's time is brought within years 0 to 100000, which a
// timestamptz holds with room to spare, rather than refused by the server
// with an error that is not ErrBadCursor. No page gives one outside, and
// no article is dated outside.
const (
	earliestCursor = -62167219200000  // 0000-01-01, in Unix milliseconds
	latestCursor   = 3093527980800000 // 100000-01-01
)

func decodeCursor(c string) (published time.Time, id int64, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, 0, store.ErrBadCursor
	}
	p, i, ok := strings.Cut(string(raw), ".")
	if !ok {
		return time.Time{}, 0, store.ErrBadCursor
	}
	ms, err := strconv.ParseInt(p, 10, 64)
	if err != nil {
		return time.Time{}, 0, store.ErrBadCursor
	}
	if id, err = strconv.ParseInt(i, 10, 64); err != nil || id < 0 {
		return time.Time{}, 0, store.ErrBadCursor
	}
	return time.UnixMilli(min(max(ms, earliestCursor), latestCursor)).UTC(), id, nil
}

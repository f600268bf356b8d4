package store

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

// What both stores share in reading articles back: the columns, the
// decoding of a row, and a page's query and cursor.

// articleColumns are the columns ScanArticle reads, in its order.
const articleColumns = `id, slug, url, title, excerpt, body, html, category, category_slug, tags, author, published, updated, lang, image, source`

// ScanArticle reads a row of articleColumns through scan; T is how the
// store keeps times (SQLite's Unix milliseconds, PostgreSQL's timestamptz)
// and at reads one.
func ScanArticle[T any](scan func(dest ...any) error, at func(T) time.Time) (news.Article, error) {
	var (
		a                  news.Article
		body, tags, image  []byte
		lang               string
		published, updated T
	)
	err := scan(&a.ID, &a.Slug, &a.URL, &a.Title, &a.Excerpt, &body, &a.HTML, &a.Category, &a.CategorySlug, &tags,
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
	a.Published, a.Updated = at(published), at(updated)
	a.Lang = news.Lang(lang)
	return a, nil
}

// pageQuery is the query of q's page, newest first: the SELECT of
// articleColumns, its arguments given to arg, which returns the
// placeholder of each, and its time at as the store keeps it (at takes
// Unix milliseconds). It asks for one article more than the page holds,
// to tell whether a next page exists (see newPage).
func pageQuery(q Query, arg func(v any) string, at func(ms int64) any) (string, error) {
	where := []string{"1 = 1"}
	if q.Category != "" {
		where = append(where, "category_slug = "+arg(q.Category))
	}
	if q.Lang != "" {
		where = append(where, "lang = "+arg(string(q.Lang)))
	}
	if q.Cursor != "" {
		published, id, err := DecodeCursor(q.Cursor)
		if err != nil {
			return "", err
		}
		where = append(where, "(published < "+arg(at(published))+" OR (published = "+arg(at(published))+" AND id < "+arg(id)+"))")
	}
	limit := arg(min(int64(max(q.Limit, 1)), math.MaxInt64-1) + 1)
	return "SELECT " + articleColumns + " FROM articles WHERE " + strings.Join(where, " AND ") +
		" ORDER BY published DESC, id DESC LIMIT " + limit, nil
}

// newPage is the page of q that articles (as pageQuery asked for them)
// make.
func newPage(q Query, articles []news.Article) Page {
	limit := max(q.Limit, 1)
	page := Page{Articles: articles}
	if len(articles) > limit {
		page.Articles = articles[:limit]
		last := page.Articles[limit-1]
		page.Next = EncodeCursor(last.Published.UnixMilli(), last.ID)
	}
	return page
}

// EncodeCursor makes the cursor of a page that ends with the article of
// this id, published at these Unix milliseconds: "published.id" in
// URL-safe base64, opaque to clients, cheap to check, and the same in
// both stores, so that a cursor stays good across a move from one to the
// other.
func EncodeCursor(published, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(published, 10) + "." + strconv.FormatInt(id, 10)))
}

// DecodeCursor reads a cursor EncodeCursor made, or returns ErrBadCursor.
func DecodeCursor(c string) (published, id int64, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, ErrBadCursor
	}
	p, i, ok := strings.Cut(string(raw), ".")
	if !ok {
		return 0, 0, ErrBadCursor
	}
	if published, err = strconv.ParseInt(p, 10, 64); err != nil {
		return 0, 0, ErrBadCursor
	}
	if id, err = strconv.ParseInt(i, 10, 64); err != nil || id < 0 {
		return 0, 0, ErrBadCursor
	}
	return published, id, nil
}

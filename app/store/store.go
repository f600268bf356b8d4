// Package store says what Kiosque keeps and how the rest of the program
// reads and writes it. Implementations live in sub-packages (sqlite today;
// a shared PostgreSQL can serve several replicas later).
package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

// Errors a caller branches on.
var (
	ErrNotFound  = errors.New("not found")
	ErrBadCursor = errors.New("bad cursor")
	ErrInvalid   = errors.New("invalid article")
)

// Query selects a page of articles, newest first.
type Query struct {
	Category string    // category slug; empty for all
	Lang     news.Lang // empty for all
	Limit    int       // at least 1
	Cursor   string    // Page.Next of the previous page; empty for the first
}

// Page is one page of a listing. Next is empty on the last page.
type Page struct {
	Articles []news.Article `json:"articles"`
	Next     string         `json:"next,omitempty"`
}

// Reader reads articles.
type Reader interface {
	// Article returns the article with this slug, or ErrNotFound.
	Article(ctx context.Context, slug string) (news.Article, error)
	// Articles returns a page of articles, or ErrBadCursor.
	Articles(ctx context.Context, q Query) (Page, error)
	// ArticleByURL returns the article whose canonical URL is u (http or
	// https, with or without a trailing slash), or ErrNotFound.
	ArticleByURL(ctx context.Context, u string) (news.Article, error)
	// ArticlesBySlug returns the articles with these slugs, in the order
	// given, skipping slugs it does not know.
	ArticlesBySlug(ctx context.Context, slugs []string) ([]news.Article, error)
	// Versions returns the update time of every article by slug: cheap to
	// read often, to notice what other writers changed.
	Versions(ctx context.Context) (map[string]time.Time, error)
	// All returns every article, for building indexes at start-up.
	All(ctx context.Context) ([]news.Article, error)
	// Categories lists the categories that hold at least one article, the
	// largest first.
	Categories(ctx context.Context) ([]news.Category, error)
}

// Writer changes articles. Each call is one transaction: it applies whole
// or not at all.
type Writer interface {
	// Put inserts the articles, or updates those whose slug is stored.
	Put(ctx context.Context, articles ...news.Article) error
	// Delete removes the article with this slug, or returns ErrNotFound.
	Delete(ctx context.Context, slug string) error
}

// ChangeCounter is a store that can tell cheaply whether anything was
// committed to it, by any writer, since it was last asked: kept answers
// and indexes built from it are then out of date.
type ChangeCounter interface {
	// ChangeCount returns a number that differs from the one it returned
	// before whenever a change was committed in between.
	ChangeCount(ctx context.Context) (int64, error)
}

// Store reads and writes.
type Store interface {
	Reader
	Writer
	Close() error
}

var slugPattern = regexp.MustCompile(`^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$`)

// ValidSlug reports whether s can name an article in a URL path.
func ValidSlug(s string) bool {
	return len(s) <= 200 && slugPattern.MatchString(s)
}

// Validate checks what every stored article must have, so that bad input
// is refused before it reaches storage.
func Validate(a news.Article) error {
	var problem string
	switch {
	case !ValidSlug(a.Slug):
		problem = "slug must be letters and digits joined by single dashes"
	case a.Title == "":
		problem = "title is empty"
	case a.Category == "":
		problem = "category is empty"
	case a.Published.IsZero():
		problem = "published date is missing"
	case a.Published.After(time.Now().Add(24 * time.Hour)):
		problem = "published date is in the future"
	}
	if problem == "" {
		if _, ok := news.ParseLang(string(a.Lang)); !ok {
			problem = fmt.Sprintf("language %q is not one of fr, ar, en", a.Lang)
		}
	}
	if problem != "" {
		return fmt.Errorf("%w %q: %s", ErrInvalid, a.Slug, problem)
	}
	return nil
}

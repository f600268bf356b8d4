// Package store says what Kiosque keeps and how the rest of the program
// reads and writes it. Implementations live in sub-packages (sqlite today;
// a shared PostgreSQL can serve several replicas later).
package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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
	// Versions returns a version of every article by slug, which changes
	// whenever anything readers see of the article does (ContentHash): cheap
	// to read often, to notice what other writers changed.
	Versions(ctx context.Context) (map[string]string, error)
	// All returns every article, for building indexes at start-up.
	All(ctx context.Context) ([]news.Article, error)
	// Categories lists the categories that hold at least one article, the
	// largest first.
	Categories(ctx context.Context) ([]news.Category, error)
}

// Writer changes articles. Each call is one transaction: it applies whole
// or not at all.
//
// Every article's HTML is clean when it is written: writers pass it
// through the sanitizer's Stored first (app/sanitize), and stores keep it
// as it is. The conformance suite (storetest) checks both halves.
type Writer interface {
	// Put inserts the articles, or updates those whose slug is stored.
	Put(ctx context.Context, articles ...news.Article) error
	// Delete removes the article with this slug, or returns ErrNotFound.
	Delete(ctx context.Context, slug string) error
}

// Lists keeps the "you may also like" list of every article: computed by
// the related index of the one server that keeps them (the leader), read
// by every server, so that a restart or a new replica answers at once.
type Lists interface {
	// RelatedList returns the slugs stored as related to slug, best first,
	// or nil when none is stored.
	RelatedList(ctx context.Context, slug string) ([]string, error)
	// RelatedLists returns every stored list, by slug.
	RelatedLists(ctx context.Context) (map[string][]string, error)
	// PutRelatedLists stores the lists given, in one transaction; a nil
	// list removes the slug's. An article's list goes when the article
	// does.
	PutRelatedLists(ctx context.Context, lists map[string][]string) error
}

// Locker gives mutual exclusion across processes, and across servers that
// share a store: one import of a source at a time, one leader.
type Locker interface {
	// TryLock takes the lock named name if it is free; ok is false when
	// another holds it. A lock dies with the process, or the connection,
	// that holds it.
	TryLock(ctx context.Context, name string) (lock Lock, ok bool, err error)
}

// Lock is a lock TryLock took.
type Lock interface {
	// Release frees the lock; calling it again does nothing.
	Release()
	// Lost is closed if the lock ends without Release, as when the
	// connection that held it is gone (a database restart): another
	// process may hold it then.
	Lost() <-chan struct{}
}

// ChangeCounter is a store that can tell cheaply whether anything was
// committed to it, by any writer, since it was last asked: kept answers
// and indexes built from it are then out of date.
type ChangeCounter interface {
	// ChangeCount returns a number that differs from the one it returned
	// before whenever a change was committed in between.
	ChangeCount(ctx context.Context) (int64, error)
}

// Sizes are what a store holds, for an operator's metrics.
type Sizes struct {
	Articles    int
	Lists       int // articles that have a related list
	ListEntries int // slugs in all the lists together
}

// Sizer tells how much a store holds, cheaply enough to ask at every
// scrape of the metrics.
type Sizer interface {
	Sizes(ctx context.Context) (Sizes, error)
}

// Store reads and writes.
type Store interface {
	Reader
	Writer
	Close() error
}

// inOrder returns the articles of bySlug named by slugs, in their order,
// each once: a slug given twice is returned once, one not in bySlug not
// at all. Stores read articles in batches, in no order, then call it.
func inOrder(slugs []string, bySlug map[string]news.Article) []news.Article {
	ordered := make([]news.Article, 0, len(bySlug))
	for _, slug := range slugs {
		if a, ok := bySlug[slug]; ok {
			ordered = append(ordered, a)
			delete(bySlug, slug)
		}
	}
	return ordered
}

// badText says which text of an article is not valid UTF-8 or holds a NUL
// character, which no store keeps (PostgreSQL refuses them), or "".
func badText(a news.Article) string {
	texts := map[string]string{"title": a.Title, "excerpt": a.Excerpt, "html": a.HTML, "category": a.Category,
		"author": a.Author, "url": a.URL, "source": a.Source}
	for i, p := range a.Body {
		texts[fmt.Sprintf("paragraph %d", i+1)] = p
	}
	for i, tag := range a.Tags {
		texts[fmt.Sprintf("tag %d", i+1)] = tag
	}
	if a.Image != nil {
		texts["image source"], texts["image text"] = a.Image.Src, a.Image.Alt
	}
	for _, name := range slices.Sorted(maps.Keys(texts)) {
		switch text := texts[name]; {
		case !utf8.ValidString(text):
			return name + " is not valid UTF-8"
		case strings.ContainsRune(text, 0):
			return name + " holds a NUL character"
		}
	}
	return ""
}

// ContentHash fingerprints what readers see of an article, so that a
// source re-sending an unchanged item does not count as an update, and a
// server notices an edit made by another writer. An article read back
// from a store has the hash it was written with (stores keep Normalize'd
// articles).
func ContentHash(a news.Article) string {
	a = Normalize(a)
	a.ID, a.Slug, a.CategorySlug = 0, "", ""
	b, _ := json.Marshal(a)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Normalize is an article as stores keep it: its language in short form
// ("fr-MA" is "fr"), its times in UTC to the millisecond, an update time
// that is its publication's when it has none, and empty lists rather than
// none.
func Normalize(a news.Article) news.Article {
	if l, ok := news.ParseLang(string(a.Lang)); ok {
		a.Lang = l
	}
	a.Published = a.Published.UTC().Truncate(time.Millisecond)
	a.Updated = a.Updated.UTC().Truncate(time.Millisecond)
	if a.Updated.IsZero() {
		a.Updated = a.Published
	}
	if a.Body == nil {
		a.Body = []string{}
	}
	if a.Tags == nil {
		a.Tags = []string{}
	}
	return a
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
	if problem == "" {
		problem = badText(a)
	}
	if problem != "" {
		return fmt.Errorf("%w %q: %s", ErrInvalid, a.Slug, problem)
	}
	return nil
}

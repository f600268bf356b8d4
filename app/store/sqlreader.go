package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

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

// Dialect is where a store's SQL differs from the other's.
type Dialect struct {
	// ScanArticle reads a row of articleColumns (see ScanArticle).
	ScanArticle func(scan func(dest ...any) error) (news.Article, error)
	// CursorTime is a cursor's time, in Unix milliseconds, as the store
	// keeps times.
	CursorTime func(ms int64) any
	// Bytewise follows a text column to compare it byte by byte, whatever
	// the database's locale ("" where that is the default).
	Bytewise string
	// Time is a Scan destination for a time column that may hold none,
	// and what it read (the zero time for none); NullTime is the value
	// of such a column for t, none for the zero time.
	Time     func() (dest any, read func() time.Time)
	NullTime func(t time.Time) any
	// At is the value of a time column for t (see Row.Values).
	At func(t time.Time) any
	// JSON is the placeholder of a JSON value given as text, with the
	// cast the store needs.
	JSON string
	// Now is the database's current time, as the store keeps times.
	Now string
	// JSONLength is the function that gives a JSON array's length.
	JSONLength string
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
	found, err := r.articles(ctx, "SELECT "+articleColumns+" FROM articles WHERE slug = ?", slug)
	if err != nil {
		return news.Article{}, fmt.Errorf("read article %q: %w", slug, err)
	}
	if len(found) == 0 {
		return news.Article{}, fmt.Errorf("article %q: %w", slug, ErrNotFound)
	}
	return found[0], nil
}

// Articles returns a page of articles, newest first (see pageQuery).
func (r SQLReader) Articles(ctx context.Context, q Query) (Page, error) {
	var args []any
	query, err := pageQuery(q, func(v any) string {
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
	return newPage(q, articles), nil
}

// ArticleByURL returns the article whose canonical URL is u, the scheme
// (http or https) and a trailing slash aside.
func (r SQLReader) ArticleByURL(ctx context.Context, u string) (news.Article, error) {
	u, _, _ = strings.Cut(u, "#")
	key, ok := URLKey(u)
	if !ok {
		return news.Article{}, fmt.Errorf("article at %q: %w", u, ErrNotFound)
	}
	found, err := r.articles(ctx, "SELECT "+articleColumns+" FROM articles WHERE url IN (?, ?, ?, ?) ORDER BY id LIMIT 1", anys(uRLForms(key))...)
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
		found, err := r.articles(ctx, "SELECT "+articleColumns+" FROM articles WHERE slug IN ("+marks+")", anys(batch)...)
		if err != nil {
			return nil, fmt.Errorf("read articles by slug: %w", err)
		}
		for _, a := range found {
			bySlug[a.Slug] = a
		}
	}
	return inOrder(slugs, bySlug), nil
}

// Versions returns each article's content hash by slug (or its update
// time, for an article SQLite stored before hashes were).
func (r SQLReader) Versions(ctx context.Context) (map[string]string, error) {
	rows, err := r.db.Query(ctx, "SELECT slug, content_hash, updated FROM articles")
	pairs, err := collect(rows, err, func(scan func(dest ...any) error) ([2]string, error) {
		var slug, hash string
		updated, readUpdated := r.dialect.Time()
		err := scan(&slug, &hash, updated)
		if hash == "" {
			ms := int64(0)
			if t := readUpdated(); !t.IsZero() {
				ms = t.UnixMilli()
			}
			hash = "updated " + strconv.FormatInt(ms, 10)
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
func (r SQLReader) All(ctx context.Context) ([]news.Article, error) {
	articles, err := r.articles(ctx, "SELECT "+articleColumns+" FROM articles ORDER BY published DESC, id DESC")
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
	categories, err := collect(rows, err, func(scan func(dest ...any) error) (news.Category, error) {
		var c news.Category
		err := scan(&c.Slug, &c.Name, &c.Count)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	return categories, nil
}

// SourceState returns the saved state of the source, or a zero state.
func (r SQLReader) SourceState(ctx context.Context, key string) (SourceState, error) {
	rows, err := r.db.Query(ctx, "SELECT '', "+sourceColumns+" FROM sources WHERE key = ?", key)
	found, err := collect(rows, err, r.scanSource)
	if err != nil {
		return SourceState{}, fmt.Errorf("read state of source %s: %w", key, err)
	}
	if len(found) == 0 {
		return SourceState{Key: key}, nil
	}
	found[0].Key = key
	return found[0].SourceState, nil
}

// Sources returns every source polled, by key, with its article count.
func (r SQLReader) Sources(ctx context.Context) ([]SourceSummary, error) {
	rows, err := r.db.Query(ctx, "SELECT key, "+sourceColumns+", (SELECT count(*) FROM articles WHERE origin = sources.key) FROM sources ORDER BY key")
	list, err := collect(rows, err, func(scan func(dest ...any) error) (SourceSummary, error) {
		var n int
		sum, err := r.scanSource(func(dest ...any) error { return scan(append(dest, &n)...) })
		sum.Articles = n
		return sum, err
	})
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return list, nil
}

const sourceColumns = "endpoint, etag, last_modified, cursor, full_sync, last_attempt, last_success, last_error, failures"

// scanSource reads the key and sourceColumns of a source.
func (r SQLReader) scanSource(scan func(dest ...any) error) (SourceSummary, error) {
	var sum SourceSummary
	cursor, readCursor := r.dialect.Time()
	fullSync, readFullSync := r.dialect.Time()
	lastAttempt, readLastAttempt := r.dialect.Time()
	lastSuccess, readLastSuccess := r.dialect.Time()
	err := scan(&sum.Key, &sum.Endpoint, &sum.ETag, &sum.LastModified, cursor, fullSync, lastAttempt, lastSuccess, &sum.LastError, &sum.Failures)
	sum.Cursor, sum.FullSync = readCursor(), readFullSync()
	sum.LastAttempt, sum.LastSuccess = readLastAttempt(), readLastSuccess()
	return sum, err
}

// The tables of lists: the ranker's, and the baseline's.
const (
	rankerLists   = "related"
	baselineLists = "baseline_related"
)

// RelatedList returns the list stored for slug, or nil.
func (r SQLReader) RelatedList(ctx context.Context, slug string) ([]string, error) {
	return r.list(ctx, rankerLists, slug)
}

// RelatedLists returns every stored list.
func (r SQLReader) RelatedLists(ctx context.Context) (map[string][]string, error) {
	return r.lists(ctx, rankerLists, "")
}

// BaselineList returns the baseline's list stored for slug, or nil.
func (r SQLReader) BaselineList(ctx context.Context, slug string) ([]string, error) {
	return r.list(ctx, baselineLists, slug)
}

// BaselineLists returns every stored baseline list.
func (r SQLReader) BaselineLists(ctx context.Context) (map[string][]string, error) {
	return r.lists(ctx, baselineLists, "")
}

// list reads slug's list in table.
func (r SQLReader) list(ctx context.Context, table, slug string) ([]string, error) {
	lists, err := r.lists(ctx, table, slug)
	if err != nil {
		return nil, err
	}
	return lists[slug], nil
}

// lists reads the lists of table: every one, or only slug's.
func (r SQLReader) lists(ctx context.Context, table, slug string) (map[string][]string, error) {
	query, args, what := "SELECT slug, list FROM "+table, []any{}, "the "+table+" lists"
	if slug != "" {
		query, args, what = query+" WHERE slug = ?", []any{slug}, fmt.Sprintf("the %s list of %q", table, slug)
	}
	rows, err := r.db.Query(ctx, query, args...)
	raw, err := collect(rows, err, func(scan func(dest ...any) error) (l struct {
		slug string
		list []byte
	}, err error) {
		err = scan(&l.slug, &l.list)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	lists := make(map[string][]string, len(raw))
	for _, l := range raw {
		var slugs []string
		if err := json.Unmarshal(l.list, &slugs); err != nil {
			return nil, fmt.Errorf("read the %s list of %q: %w", table, l.slug, err)
		}
		lists[l.slug] = NonNil(slugs)
	}
	return lists, nil
}

// Sizes counts the articles, the related lists and their entries.
func (r SQLReader) Sizes(ctx context.Context) (Sizes, error) {
	rows, err := r.db.Query(ctx, "SELECT (SELECT count(*) FROM articles), count(*), coalesce(sum("+r.dialect.JSONLength+"(list)), 0) FROM related")
	found, err := collect(rows, err, func(scan func(dest ...any) error) (z Sizes, err error) {
		err = scan(&z.Articles, &z.Lists, &z.ListEntries)
		return z, err
	})
	if err != nil {
		return Sizes{}, fmt.Errorf("count what the store holds: %w", err)
	}
	return found[0], nil
}

// MediaURL returns the URL recorded for key.
func (r SQLReader) MediaURL(ctx context.Context, key string) (string, error) {
	rows, err := r.db.Query(ctx, "SELECT url FROM media WHERE key = ?", key)
	found, err := collect(rows, err, scanString)
	if err != nil {
		return "", fmt.Errorf("read media %q: %w", key, err)
	}
	if len(found) == 0 {
		return "", fmt.Errorf("media %q: %w", key, ErrNotFound)
	}
	return found[0], nil
}

// RecordedMedia returns which of keys are recorded, asked for
// slugsPerQuery at a time.
func (r SQLReader) RecordedMedia(ctx context.Context, keys []string) (map[string]bool, error) {
	recorded := make(map[string]bool)
	for batch := range slices.Chunk(keys, slugsPerQuery) {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(batch)), ", ")
		rows, err := r.db.Query(ctx, "SELECT key FROM media WHERE key IN ("+marks+")", anys(batch)...)
		found, err := collect(rows, err, scanString)
		if err != nil {
			return nil, fmt.Errorf("read recorded media: %w", err)
		}
		for _, key := range found {
			recorded[key] = true
		}
	}
	return recorded, nil
}

// Blocked returns the block list, the latest entry first.
func (r SQLReader) Blocked(ctx context.Context) ([]Block, error) {
	entries, err := r.BlockList(ctx, "", "")
	if err != nil {
		return nil, fmt.Errorf("read the block list: %w", err)
	}
	return entries, nil
}

// BlockList returns the entries of the block list whose column ("slug" or
// "url_key") has this value, or every entry for no column, the latest
// first.
func (r SQLReader) BlockList(ctx context.Context, column, value string) ([]Block, error) {
	where, args := "", []any{}
	if column != "" {
		where, args = " WHERE "+column+" = ?", []any{value}
	}
	rows, err := r.db.Query(ctx, "SELECT url, slug, title, origin, origin_id, since FROM blocked"+where+" ORDER BY since DESC, id DESC", args...)
	return collect(rows, err, func(scan func(dest ...any) error) (Block, error) {
		var b Block
		since, readSince := r.dialect.Time()
		err := scan(&b.URL, &b.Slug, &b.Title, &b.Origin, &b.OriginID, since)
		b.Since = readSince()
		return b, err
	})
}

// QueuedPurges returns the keys kept, the oldest first.
func (r SQLReader) QueuedPurges(ctx context.Context) ([]QueuedPurge, error) {
	rows, err := r.db.Query(ctx, "SELECT key, urgent FROM purge_keys ORDER BY added, key")
	queued, err := collect(rows, err, func(scan func(dest ...any) error) (q QueuedPurge, err error) {
		err = scan(&q.Key, &q.Urgent)
		return q, err
	})
	if err != nil {
		return nil, fmt.Errorf("read queued purges: %w", err)
	}
	return queued, nil
}

func scanString(scan func(dest ...any) error) (string, error) {
	var s string
	err := scan(&s)
	return s, err
}

func (r SQLReader) articles(ctx context.Context, query string, args ...any) ([]news.Article, error) {
	rows, err := r.db.Query(ctx, query, args...)
	return collect(rows, err, r.dialect.ScanArticle)
}

// collect reads every row of a query (rows and err, its answer) with
// scan, and closes them.
func collect[T any](rows Rows, err error, scan func(scan func(dest ...any) error) (T, error)) ([]T, error) {
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

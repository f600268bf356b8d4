package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

var _ store.SourceStore = (*Store)(nil)

// storedItem is what an import needs to know of an article already stored.
type storedItem struct {
	id   int64
	slug string
	hash string
}

// ApplyImport writes the import in one transaction: new items are inserted
// under a free slug, known items are updated in place when their content
// changed, and with RemoveMissing the origin's items gone from the source
// are deleted. The source's state is saved in the same transaction.
func (s *Store) ApplyImport(ctx context.Context, imp store.Import) (store.ImportResult, error) {
	var result store.ImportResult
	if imp.Origin == "" {
		return result, errors.New("apply import: origin is empty")
	}
	if imp.State.Key == "" {
		imp.State.Key = imp.Origin
	}
	if imp.State.Key != imp.Origin {
		return result, fmt.Errorf("apply import from %s: state is for %s", imp.Origin, imp.State.Key)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
	}
	defer tx.Rollback()

	stored, err := storedItems(ctx, tx, imp.Origin)
	if err != nil {
		return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
	}
	blocked, err := blocks(ctx, tx)
	if err != nil {
		return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
	}
	// Removed first: a post deleted and created again under its slug (a
	// new id at the source) gets the slug back, not a numbered one.
	var replaced []string // the images of the articles removed or updated
	for _, old := range store.Missing(imp, stored, storedOrder) {
		keys, err := mediaOf(ctx, tx, []int64{old.id})
		if err != nil {
			return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
		}
		replaced = append(replaced, keys...)
		if _, err := tx.ExecContext(ctx, "DELETE FROM articles WHERE id = ?", old.id); err != nil {
			return result, fmt.Errorf("apply import from %s: remove %q: %w", imp.Origin, old.slug, err)
		}
		result.Removed = append(result.Removed, old.slug)
	}
	insert, err := tx.PrepareContext(ctx, `
INSERT INTO articles (slug, url, title, excerpt, body, html, category, category_slug, tags, author, published, updated, lang, image, source, origin, origin_id, content_hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
	}
	defer insert.Close()
	update, err := tx.PrepareContext(ctx, `
UPDATE articles SET url = ?, title = ?, excerpt = ?, body = ?, html = ?, category = ?, category_slug = ?,
	tags = ?, author = ?, published = ?, updated = ?, lang = ?, image = ?, source = ?, content_hash = ?
WHERE id = ?`)
	if err != nil {
		return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
	}
	defer update.Close()

	withdrawn := imp.WithdrawnSet()
	seen := make(map[string]bool, len(imp.Articles))
	for _, item := range imp.Articles {
		if item.OriginID == "" {
			return result, fmt.Errorf("apply import from %s: %w %q: origin id is empty", imp.Origin, store.ErrInvalid, item.Article.Slug)
		}
		if seen[item.OriginID] {
			continue // a feed listing an item twice: the first one wins
		}
		seen[item.OriginID] = true
		if withdrawn[item.OriginID] {
			continue
		}
		if blocked.Holds(imp.Origin, item) {
			result.Blocked = append(result.Blocked, item.OriginID)
			continue
		}
		a := item.Article
		f := articleFields(a)
		if old, ok := stored[item.OriginID]; ok {
			if old.hash == f.hash {
				result.Unchanged++
				continue
			}
			a.Slug = old.slug // links to the article keep working
			if err := store.Validate(a); err != nil {
				return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
			}
			if _, err := update.ExecContext(ctx, f.url, f.title, f.excerpt, f.body, f.html, f.category, f.categorySlug,
				f.tags, f.author, f.published, f.updated, f.lang, f.image, f.source, f.hash, old.id); err != nil {
				return result, fmt.Errorf("apply import from %s: update %q: %w", imp.Origin, a.Slug, err)
			}
			before, err := setArticleMedia(ctx, tx, old.id, f.media)
			if err != nil {
				return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
			}
			replaced = append(replaced, before...)
			result.Updated = append(result.Updated, a.Slug)
			continue
		}
		if !store.ValidSlug(a.Slug) {
			return result, fmt.Errorf("apply import from %s: %w", imp.Origin, store.Validate(a))
		}
		slug, err := freeSlug(ctx, tx, a.Slug, imp.Origin, item.OriginID)
		if err != nil {
			return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
		}
		a.Slug = slug
		if err := store.Validate(a); err != nil {
			return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
		}
		res, err := insert.ExecContext(ctx, a.Slug, f.url, f.title, f.excerpt, f.body, f.html, f.category, f.categorySlug,
			f.tags, f.author, f.published, f.updated, f.lang, f.image, f.source, imp.Origin, item.OriginID, f.hash)
		if err != nil {
			return result, fmt.Errorf("apply import from %s: insert %q: %w", imp.Origin, a.Slug, err)
		}
		if keys := f.media; len(keys) > 0 {
			id, err := res.LastInsertId()
			if err != nil {
				return result, fmt.Errorf("apply import from %s: insert %q: %w", imp.Origin, a.Slug, err)
			}
			if err := addArticleMedia(ctx, tx, id, keys); err != nil {
				return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
			}
		}
		result.Added = append(result.Added, a.Slug)
	}

	// The images brought are recorded, then those no article points at
	// any more are forgotten: the ones the removed and edited articles
	// pointed at, and the ones of items skipped (blocked).
	if err := recordMedia(ctx, tx, imp.Media); err != nil {
		return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
	}
	for _, m := range imp.Media {
		replaced = append(replaced, m.Key)
	}
	slices.Sort(replaced)
	if _, err := forgetUnusedMedia(ctx, tx, slices.Compact(replaced)); err != nil {
		return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
	}
	if err := saveSourceState(ctx, tx, imp.State); err != nil {
		return result, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
	}
	if err := tx.Commit(); err != nil {
		return store.ImportResult{}, fmt.Errorf("apply import from %s: %w", imp.Origin, err)
	}
	return result, nil
}

// SourceState returns the saved state of the source, or a zero state.
func (s *Store) SourceState(ctx context.Context, key string) (store.SourceState, error) {
	st := store.SourceState{Key: key}
	var cursor, fullSync, lastAttempt, lastSuccess int64
	err := s.db.QueryRowContext(ctx, `
SELECT endpoint, etag, last_modified, cursor, full_sync, last_attempt, last_success, last_error, failures
FROM sources WHERE key = ?`, key).Scan(
		&st.Endpoint, &st.ETag, &st.LastModified, &cursor, &fullSync, &lastAttempt, &lastSuccess, &st.LastError, &st.Failures)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return store.SourceState{}, fmt.Errorf("read state of source %s: %w", key, err)
	}
	st.Cursor = fromMillis(cursor)
	st.FullSync = fromMillis(fullSync)
	st.LastAttempt = fromMillis(lastAttempt)
	st.LastSuccess = fromMillis(lastSuccess)
	return st, nil
}

// Sources returns every source polled, by key, with its article count.
func (s *Store) Sources(ctx context.Context) ([]store.SourceSummary, error) {
	rows, err := s.db.QueryContext(ctx, `
SELECT key, endpoint, etag, last_modified, cursor, full_sync, last_attempt, last_success, last_error, failures,
	(SELECT count(*) FROM articles WHERE origin = sources.key)
FROM sources ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var list []store.SourceSummary
	for rows.Next() {
		var (
			sum                                        store.SourceSummary
			cursor, fullSync, lastAttempt, lastSuccess int64
		)
		if err := rows.Scan(&sum.Key, &sum.Endpoint, &sum.ETag, &sum.LastModified, &cursor, &fullSync, &lastAttempt, &lastSuccess,
			&sum.LastError, &sum.Failures, &sum.Articles); err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		sum.Cursor, sum.FullSync = fromMillis(cursor), fromMillis(fullSync)
		sum.LastAttempt, sum.LastSuccess = fromMillis(lastAttempt), fromMillis(lastSuccess)
		list = append(list, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return list, nil
}

// SaveSourceState records the state of a source.
func (s *Store) SaveSourceState(ctx context.Context, state store.SourceState) error {
	if state.Key == "" {
		return errors.New("save source state: key is empty")
	}
	return saveSourceState(ctx, s.db, state)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func saveSourceState(ctx context.Context, db execer, st store.SourceState) error {
	_, err := db.ExecContext(ctx, `
INSERT INTO sources (key, endpoint, etag, last_modified, cursor, full_sync, last_attempt, last_success, last_error, failures)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET
	endpoint = excluded.endpoint, etag = excluded.etag, last_modified = excluded.last_modified, cursor = excluded.cursor,
	full_sync = excluded.full_sync, last_attempt = excluded.last_attempt,
	last_success = excluded.last_success, last_error = excluded.last_error, failures = excluded.failures`,
		st.Key, st.Endpoint, st.ETag, st.LastModified, toMillis(st.Cursor), toMillis(st.FullSync),
		toMillis(st.LastAttempt), toMillis(st.LastSuccess), st.LastError, st.Failures)
	if err != nil {
		return fmt.Errorf("save state of source %s: %w", st.Key, err)
	}
	return nil
}

func storedItems(ctx context.Context, tx *sql.Tx, origin string) (map[string]storedItem, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, origin_id, slug, content_hash FROM articles WHERE origin = ?", origin)
	if err != nil {
		return nil, fmt.Errorf("read stored articles: %w", err)
	}
	defer rows.Close()
	items := make(map[string]storedItem)
	for rows.Next() {
		var (
			it       storedItem
			originID string
		)
		if err := rows.Scan(&it.id, &originID, &it.slug, &it.hash); err != nil {
			return nil, fmt.Errorf("read stored articles: %w", err)
		}
		items[originID] = it
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read stored articles: %w", err)
	}
	return items, nil
}

// storedOrder is the order items were stored in.
func storedOrder(a, b storedItem) int { return cmp.Compare(a.id, b.id) }

// freeSlug returns want when it is free, or else the first free slug of
// the rule (store.FreeSlugCandidates) for a new item that wants it.
func freeSlug(ctx context.Context, tx *sql.Tx, want, origin, originID string) (string, error) {
	for round := -1; ; round++ {
		candidates := []string{want}
		if round >= 0 {
			candidates = store.FreeSlugCandidates(want, origin, originID, round)
		}
		for _, slug := range candidates {
			free, err := slugFree(ctx, tx, slug)
			if err != nil {
				return "", err
			}
			if free {
				return slug, nil
			}
		}
	}
}

// slugFree says whether no stored article has this slug.
func slugFree(ctx context.Context, tx *sql.Tx, slug string) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM articles WHERE slug = ?", slug).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("find a free slug for %q: %w", slug, err)
	}
	return false, nil
}

// fields are an article's column values, as Put writes them, its content
// hash and the images it points at.
type fields struct {
	url, title, excerpt, body, html, category, categorySlug, tags, author, lang, source, hash string
	published, updated                                                                        int64
	image                                                                                     any
	media                                                                                     []string
}

// articleFields are the values stored for a, Normalize'd. Its HTML is
// stored as it is: writers sanitize it (see store.Writer).
func articleFields(a news.Article) fields {
	a = store.Normalize(a)
	body, _ := json.Marshal(nonNil(a.Body))
	tags, _ := json.Marshal(nonNil(a.Tags))
	var image any
	if a.Image != nil {
		b, _ := json.Marshal(a.Image)
		image = string(b)
	}
	updated := a.Updated
	if updated.IsZero() {
		updated = a.Published
	}
	return fields{
		url: a.URL, title: a.Title, excerpt: a.Excerpt, body: string(body), html: a.HTML,
		category: a.Category, categorySlug: store.Slugify(a.Category), tags: string(tags),
		author: a.Author, lang: string(a.Lang), source: a.Source, hash: store.ContentHash(a),
		published: a.Published.UnixMilli(), updated: updated.UnixMilli(), image: image, media: store.MediaKeys(a),
	}
}

func toMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kiosque/kiosque/app/store"
)

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
	if imp.Origin == "" {
		return store.ImportResult{}, errors.New("apply import: origin is empty")
	}
	if imp.State.Key == "" {
		imp.State.Key = imp.Origin
	}
	if imp.State.Key != imp.Origin {
		return store.ImportResult{}, fmt.Errorf("apply import from %s: state is for %s", imp.Origin, imp.State.Key)
	}
	var result store.ImportResult
	err := s.write(ctx, "apply import from "+imp.Origin, func(tx pgx.Tx) error {
		result = store.ImportResult{}
		return applyImport(ctx, tx, imp, &result)
	})
	if err != nil {
		return store.ImportResult{}, err
	}
	return result, nil
}

// writesPerBatch is how many inserts and updates an import sends in one
// round trip.
const writesPerBatch = 1000

func applyImport(ctx context.Context, tx pgx.Tx, imp store.Import, result *store.ImportResult) error {
	stored, err := storedItems(ctx, tx, imp.Origin)
	if err != nil {
		return err
	}
	blocked, err := blocks(ctx, tx)
	if err != nil {
		return err
	}
	// Removed first: a post deleted and created again under its slug (a
	// new id at the source) gets the slug back, not a numbered one.
	gone := store.Missing(imp, stored, storedOrder)
	ids := make([]int64, len(gone))
	for i, old := range gone {
		ids[i] = old.id
		result.Removed = append(result.Removed, old.slug)
	}
	// Each article as it is stored.
	prepared := make([]fields, len(imp.Articles))
	for i, item := range imp.Articles {
		prepared[i] = articleFields(item.Article)
	}
	// The images the articles removed or edited pointed at: those no
	// article points at after the import are forgotten.
	replaced, err := mediaOf(ctx, tx, append(ids, editedIDs(stored, imp, prepared)...))
	if err != nil {
		return err
	}
	for batch := range slices.Chunk(ids, slugsPerQuery) {
		if _, err := tx.Exec(ctx, "DELETE FROM articles WHERE id = ANY($1)", batch); err != nil {
			return fmt.Errorf("remove %d articles: %w", len(gone), err)
		}
	}

	// The new items' slugs are looked up in batches, before anything is
	// inserted: one lookup per item, while the table grows within the
	// transaction, would keep the plan made for it when it was small (a
	// sequential scan), and a first import of many articles would take
	// quadratic time.
	var wanted []string
	for _, item := range imp.Articles {
		if _, ok := stored[item.OriginID]; !ok && store.ValidSlug(item.Article.Slug) {
			wanted = append(wanted, item.Article.Slug)
		}
	}
	taken, err := takenSlugs(ctx, tx, wanted)
	if err != nil {
		return err
	}

	writes := &pgx.Batch{}
	var writing []string // what each queued write does, for its error
	flush := func() error {
		if writes.Len() == 0 {
			return nil
		}
		br := tx.SendBatch(ctx, writes)
		for _, what := range writing {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return fmt.Errorf("%s: %w", what, err)
			}
		}
		writes, writing = &pgx.Batch{}, nil
		return br.Close()
	}
	queue := func(what, sql string, args ...any) error {
		writes.Queue(sql, args...)
		writing = append(writing, what)
		if writes.Len() >= writesPerBatch {
			return flush()
		}
		return nil
	}

	withdrawn := imp.WithdrawnSet()
	seen := make(map[string]bool, len(imp.Articles))
	for i, item := range imp.Articles {
		if item.OriginID == "" {
			return fmt.Errorf("%w %q: origin id is empty", store.ErrInvalid, item.Article.Slug)
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
		a, f := item.Article, prepared[i]
		if old, ok := stored[item.OriginID]; ok {
			if old.hash == f.hash {
				result.Unchanged++
				continue
			}
			a.Slug = old.slug // links to the article keep working
			if err := store.Validate(a); err != nil {
				return err
			}
			if err := queue(fmt.Sprintf("update %q", a.Slug), `
UPDATE articles SET url = $1, title = $2, excerpt = $3, body = $4, html = $5, category = $6, category_slug = $7,
	tags = $8, author = $9, published = $10, updated = $11, lang = $12, image = $13, source = $14, content_hash = $15
WHERE id = $16`, f.url, f.title, f.excerpt, f.body, f.html, f.category, f.categorySlug,
				f.tags, f.author, f.published, f.updated, f.lang, f.image, f.source, f.hash, old.id); err != nil {
				return err
			}
			if err := queueArticleMedia(queue, a.Slug, f.media, true); err != nil {
				return err
			}
			result.Updated = append(result.Updated, a.Slug)
			continue
		}
		if !store.ValidSlug(a.Slug) {
			return store.Validate(a)
		}
		if taken[a.Slug] {
			if a.Slug, err = freeSlug(ctx, tx, a.Slug, imp.Origin, item.OriginID, taken); err != nil {
				return err
			}
		}
		if err := store.Validate(a); err != nil {
			return err
		}
		taken[a.Slug] = true // by this import, before its insert is sent
		if err := queue(fmt.Sprintf("insert %q", a.Slug), `
INSERT INTO articles (slug, url, title, excerpt, body, html, category, category_slug, tags, author, published, updated, lang, image, source, origin, origin_id, content_hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			a.Slug, f.url, f.title, f.excerpt, f.body, f.html, f.category, f.categorySlug,
			f.tags, f.author, f.published, f.updated, f.lang, f.image, f.source, imp.Origin, item.OriginID, f.hash); err != nil {
			return err
		}
		if err := queueArticleMedia(queue, a.Slug, f.media, false); err != nil {
			return err
		}
		result.Added = append(result.Added, a.Slug)
	}
	if err := flush(); err != nil {
		return err
	}

	// The images brought are recorded, then those no article points at
	// any more are forgotten: the ones the removed and edited articles
	// pointed at, and the ones of items skipped (blocked).
	if err := recordMedia(ctx, tx, imp.Media); err != nil {
		return err
	}
	for _, m := range imp.Media {
		replaced = append(replaced, m.Key)
	}
	if _, err := forgetUnusedMedia(ctx, tx, replaced); err != nil {
		return err
	}
	return saveSourceState(ctx, tx, imp.State)
}

// editedIDs are the ids of the stored articles that the import changes;
// prepared are its articles' fields.
func editedIDs(stored map[string]storedItem, imp store.Import, prepared []fields) []int64 {
	var ids []int64
	withdrawn := imp.WithdrawnSet()
	for i, item := range imp.Articles {
		if old, ok := stored[item.OriginID]; ok && !withdrawn[item.OriginID] && old.hash != prepared[i].hash {
			ids = append(ids, old.id)
		}
	}
	return ids
}

// SourceState returns the saved state of the source, or a zero state.
func (s *Store) SourceState(ctx context.Context, key string) (store.SourceState, error) {
	st := store.SourceState{Key: key}
	var cursor, fullSync, lastAttempt, lastSuccess *time.Time
	err := s.pool.QueryRow(ctx, `
SELECT endpoint, etag, last_modified, cursor, full_sync, last_attempt, last_success, last_error, failures
FROM sources WHERE key = $1`, key).Scan(
		&st.Endpoint, &st.ETag, &st.LastModified, &cursor, &fullSync, &lastAttempt, &lastSuccess, &st.LastError, &st.Failures)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return store.SourceState{}, fmt.Errorf("read state of source %s: %w", key, err)
	}
	st.Cursor = fromNullable(cursor)
	st.FullSync = fromNullable(fullSync)
	st.LastAttempt = fromNullable(lastAttempt)
	st.LastSuccess = fromNullable(lastSuccess)
	return st, nil
}

// Sources returns every source polled, by key, with its article count.
func (s *Store) Sources(ctx context.Context) ([]store.SourceSummary, error) {
	rows, err := s.pool.Query(ctx, `
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
			cursor, fullSync, lastAttempt, lastSuccess *time.Time
		)
		if err := rows.Scan(&sum.Key, &sum.Endpoint, &sum.ETag, &sum.LastModified, &cursor, &fullSync, &lastAttempt, &lastSuccess,
			&sum.LastError, &sum.Failures, &sum.Articles); err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		sum.Cursor, sum.FullSync = fromNullable(cursor), fromNullable(fullSync)
		sum.LastAttempt, sum.LastSuccess = fromNullable(lastAttempt), fromNullable(lastSuccess)
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
	return s.write(ctx, "save source state", func(tx pgx.Tx) error {
		return saveSourceState(ctx, tx, state)
	})
}

func saveSourceState(ctx context.Context, tx pgx.Tx, st store.SourceState) error {
	_, err := tx.Exec(ctx, `
INSERT INTO sources (key, endpoint, etag, last_modified, cursor, full_sync, last_attempt, last_success, last_error, failures)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (key) DO UPDATE SET
	endpoint = excluded.endpoint, etag = excluded.etag, last_modified = excluded.last_modified, cursor = excluded.cursor,
	full_sync = excluded.full_sync, last_attempt = excluded.last_attempt,
	last_success = excluded.last_success, last_error = excluded.last_error, failures = excluded.failures`,
		st.Key, st.Endpoint, st.ETag, st.LastModified, toNullable(st.Cursor), toNullable(st.FullSync),
		toNullable(st.LastAttempt), toNullable(st.LastSuccess), st.LastError, st.Failures)
	if err != nil {
		return fmt.Errorf("save state of source %s: %w", st.Key, err)
	}
	return nil
}

func storedItems(ctx context.Context, tx pgx.Tx, origin string) (map[string]storedItem, error) {
	rows, err := tx.Query(ctx, "SELECT id, origin_id, slug, content_hash FROM articles WHERE origin = $1", origin)
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

// takenSlugs returns which of slugs are stored, asked for slugsPerQuery
// at a time.
func takenSlugs(ctx context.Context, tx pgx.Tx, slugs []string) (map[string]bool, error) {
	taken := make(map[string]bool)
	for batch := range slices.Chunk(slugs, slugsPerQuery) {
		rows, err := tx.Query(ctx, "SELECT slug FROM articles WHERE slug = ANY($1)", batch)
		if err != nil {
			return nil, fmt.Errorf("look up slugs: %w", err)
		}
		found, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, fmt.Errorf("look up slugs: %w", err)
		}
		for _, slug := range found {
			taken[slug] = true
		}
	}
	return taken, nil
}

// freeSlug returns the first slug of the rule (store.FreeSlugCandidates)
// for a new item that wants want, that is neither stored nor in taken (the
// slugs of this import's inserts not sent yet).
func freeSlug(ctx context.Context, tx pgx.Tx, want, origin, originID string, taken map[string]bool) (string, error) {
	for round := 0; ; round++ {
		candidates := store.FreeSlugCandidates(want, origin, originID, round)
		rows, err := tx.Query(ctx, "SELECT slug FROM articles WHERE slug = ANY($1)", candidates)
		if err != nil {
			return "", fmt.Errorf("find a free slug for %q: %w", want, err)
		}
		stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return "", fmt.Errorf("find a free slug for %q: %w", want, err)
		}
		for _, slug := range candidates {
			if !taken[slug] && !slices.Contains(stored, slug) {
				return slug, nil
			}
		}
	}
}

// toNullable is t to the millisecond, or NULL for the zero time.
func toNullable(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	ms := toMillis(t)
	return &ms
}

func fromNullable(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/news"
)

// The writes both stores share, written once on a store's transaction.

// Tx is a store's transaction, as the writes both stores share ask it.
// Queries hold "?" placeholders, as Querier's.
type Tx interface {
	Querier
	Exec(ctx context.Context, query string, args ...any) error
}

// marks are n placeholders, comma-separated.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// DeleteArticle removes the article with this slug, or returns
// ErrNotFound, and forgets the images only it pointed at.
func DeleteArticle(ctx context.Context, tx Tx, slug string) error {
	rows, err := tx.Query(ctx, "SELECT id FROM articles WHERE slug = ?", slug)
	ids, err := collect(rows, err, scanInt64)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return ErrNotFound
	}
	pointedAt, err := mediaOf(ctx, tx, ids)
	if err != nil {
		return err
	}
	if err := tx.Exec(ctx, "DELETE FROM articles WHERE id = ?", ids[0]); err != nil {
		return err
	}
	_, err = ForgetUnusedMedia(ctx, tx, pointedAt)
	return err
}

// PutArticles inserts the articles, or updates those whose slug is
// stored, each Validate'd first, and forgets the images only their former
// versions pointed at. at gives a time as the store keeps it (see
// Row.Values).
func PutArticles(ctx context.Context, tx Tx, at func(time.Time) any, articles []news.Article) error {
	for _, a := range articles {
		if err := Validate(a); err != nil {
			return err
		}
	}
	upsert := "INSERT INTO articles (slug, " + RowColumns + ") VALUES (" + marks(16) + ")" +
		" ON CONFLICT (slug) DO UPDATE SET (" + RowColumns + ") = (" + rowExcluded + ") RETURNING id"
	var replaced []string // the images the articles pointed at before
	for _, a := range articles {
		row := rowOf(a)
		rows, err := tx.Query(ctx, upsert, append([]any{a.Slug}, row.Values(at)...)...)
		ids, err := collect(rows, err, scanInt64)
		if err == nil && len(ids) != 1 {
			err = fmt.Errorf("%d ids returned", len(ids))
		}
		var before []string
		if err == nil {
			before, err = mediaOf(ctx, tx, ids)
		}
		if err == nil {
			err = SetArticleMedia(ctx, tx, ids[0], row.Media)
		}
		if err != nil {
			return fmt.Errorf("put article %q: %w", a.Slug, err)
		}
		replaced = append(replaced, before...)
	}
	_, err := ForgetUnusedMedia(ctx, tx, replaced)
	return err
}

// RecordMedia records the media; a key recorded keeps its URL (a key is a
// hash of its URL).
func RecordMedia(ctx context.Context, tx Tx, media []Media) error {
	if err := CheckMedia(media); err != nil {
		return err
	}
	for batch := range slices.Chunk(media, slugsPerQuery/2) {
		args := make([]any, 0, 2*len(batch))
		for _, m := range batch {
			args = append(args, m.Key, m.URL)
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(batch)), ", ")
		if err := tx.Exec(ctx, "INSERT INTO media (key, url) VALUES "+values+" ON CONFLICT (key) DO NOTHING", args...); err != nil {
			return fmt.Errorf("record media: %w", err)
		}
	}
	return nil
}

// CheckMedia refuses media without a key or a URL.
func CheckMedia(media []Media) error {
	for _, m := range media {
		if m.Key == "" || m.URL == "" {
			return fmt.Errorf("record media %q: key and URL are both needed", m.Key)
		}
	}
	return nil
}

// SetArticleMedia records the images the article with this id points at,
// in place of those recorded before.
func SetArticleMedia(ctx context.Context, tx Tx, id int64, keys []string) error {
	if err := tx.Exec(ctx, "DELETE FROM article_media WHERE article_id = ?", id); err != nil {
		return fmt.Errorf("record the images of article %d: %w", id, err)
	}
	return AddArticleMedia(ctx, tx, id, keys)
}

// AddArticleMedia records the images a new article points at.
func AddArticleMedia(ctx context.Context, tx Tx, id int64, keys []string) error {
	for batch := range slices.Chunk(keys, slugsPerQuery/2) {
		args := make([]any, 0, 2*len(batch))
		for _, key := range batch {
			args = append(args, id, key)
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(batch)), ", ")
		if err := tx.Exec(ctx, "INSERT INTO article_media (article_id, key) VALUES "+values, args...); err != nil {
			return fmt.Errorf("record the images of article %d: %w", id, err)
		}
	}
	return nil
}

// mediaOf returns the images the articles with these ids point at, each
// once, sorted.
func mediaOf(ctx context.Context, tx Querier, ids []int64) ([]string, error) {
	var keys []string
	for batch := range slices.Chunk(ids, slugsPerQuery) {
		rows, err := tx.Query(ctx, "SELECT DISTINCT key FROM article_media WHERE article_id IN ("+marks(len(batch))+")", anys(batch)...)
		found, err := collect(rows, err, scanString)
		if err != nil {
			return nil, fmt.Errorf("read the images of articles: %w", err)
		}
		keys = append(keys, found...)
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// ForgetUnusedMedia forgets the images among keys that no article points
// at any more, and returns them, each once, sorted: their files may go.
func ForgetUnusedMedia(ctx context.Context, tx Tx, keys []string) ([]string, error) {
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	var unused []string
	for batch := range slices.Chunk(keys, slugsPerQuery) {
		rows, err := tx.Query(ctx, "SELECT DISTINCT key FROM article_media WHERE key IN ("+marks(len(batch))+")", anys(batch)...)
		used, err := collect(rows, err, scanString)
		if err != nil {
			return nil, fmt.Errorf("find unused images: %w", err)
		}
		for _, key := range batch {
			if !slices.Contains(used, key) { // at most slugsPerQuery
				unused = append(unused, key)
			}
		}
	}
	for batch := range slices.Chunk(unused, slugsPerQuery) {
		if err := tx.Exec(ctx, "DELETE FROM media WHERE key IN ("+marks(len(batch))+")", anys(batch)...); err != nil {
			return nil, fmt.Errorf("forget unused images: %w", err)
		}
	}
	return unused, nil
}

func scanInt64(scan func(dest ...any) error) (int64, error) {
	var n int64
	err := scan(&n)
	return n, err
}

// RunImport runs an import in tx, one algorithm for both stores: it reads
// what the rules need (the origin's articles, the block list), plans the
// import (planImport), removes the articles gone, has write run the
// plan's updates and inserts (the store's own SQL, which gives new
// articles their slugs and lists them in the plan's result), records the
// images, forgets those no article shows any more, and saves the source's
// state.
func RunImport(ctx context.Context, tx Tx, d Dialect, imp Import, write func(plan *ImportPlan) error) (ImportResult, error) {
	plan, before, err := readImport(ctx, tx, d, imp)
	if err != nil {
		return ImportResult{}, err
	}
	for batch := range slices.Chunk(plan.Remove, slugsPerQuery) {
		ids := make([]any, len(batch))
		for i, old := range batch {
			ids[i] = old.ID
		}
		if err := tx.Exec(ctx, "DELETE FROM articles WHERE id IN ("+marks(len(ids))+")", ids...); err != nil {
			return ImportResult{}, fmt.Errorf("remove %d articles: %w", len(plan.Remove), err)
		}
	}
	if err := write(&plan); err != nil {
		return ImportResult{}, err
	}
	if err := RecordMedia(ctx, tx, imp.Media); err != nil {
		return ImportResult{}, err
	}
	if _, err := ForgetUnusedMedia(ctx, tx, mediaToCheck(imp, before)); err != nil {
		return ImportResult{}, err
	}
	return plan.Result, SaveSourceState(ctx, tx, d, imp.State)
}

// readImport reads in tx what the rules of an import need and plans it
// (see planImport); before are the images the articles it replaces point
// at.
func readImport(ctx context.Context, tx Querier, d Dialect, imp Import) (plan ImportPlan, before []string, err error) {
	type item struct {
		originID string
		StoredItem
	}
	rows, err := tx.Query(ctx, "SELECT origin_id, id, slug, content_hash FROM articles WHERE origin = ?", imp.Origin)
	items, err := collect(rows, err, func(scan func(dest ...any) error) (it item, err error) {
		err = scan(&it.originID, &it.ID, &it.Slug, &it.Hash)
		return it, err
	})
	if err != nil {
		return ImportPlan{}, nil, fmt.Errorf("read stored articles: %w", err)
	}
	stored := make(map[string]StoredItem, len(items))
	for _, it := range items {
		stored[it.originID] = it.StoredItem
	}
	entries, err := NewSQLReader(tx, d).BlockList(ctx, "", "")
	if err != nil {
		return ImportPlan{}, nil, fmt.Errorf("read the block list: %w", err)
	}
	if plan, err = planImport(imp, stored, newBlocks(entries)); err != nil {
		return ImportPlan{}, nil, err
	}
	before, err = mediaOf(ctx, tx, plan.replaced())
	return plan, before, err
}

// SaveSourceState records the state of a source.
func SaveSourceState(ctx context.Context, tx Tx, d Dialect, st SourceState) error {
	err := tx.Exec(ctx, "INSERT INTO sources (key, "+sourceColumns+") VALUES ("+marks(10)+`)
ON CONFLICT (key) DO UPDATE SET
	endpoint = excluded.endpoint, etag = excluded.etag, last_modified = excluded.last_modified, cursor = excluded.cursor,
	full_sync = excluded.full_sync, last_attempt = excluded.last_attempt,
	last_success = excluded.last_success, last_error = excluded.last_error, failures = excluded.failures`,
		st.Key, st.Endpoint, st.ETag, st.LastModified, d.NullTime(st.Cursor), d.NullTime(st.FullSync),
		d.NullTime(st.LastAttempt), d.NullTime(st.LastSuccess), st.LastError, st.Failures)
	if err != nil {
		return fmt.Errorf("save state of source %s: %w", st.Key, err)
	}
	return nil
}

// NewTakedownTx is TakedownTx on a store's transaction; dropFromLists is
// how the store takes slugs out of every related list that names them.
func NewTakedownTx(tx Tx, d Dialect, dropFromLists func(ctx context.Context, slugs []string) error) TakedownTx {
	return sqlTakedown{SQLReader: NewSQLReader(tx, d), tx: tx, dropFromLists: dropFromLists}
}

type sqlTakedown struct {
	SQLReader
	tx            Tx
	dropFromLists func(ctx context.Context, slugs []string) error
}

func (t sqlTakedown) ArticleBySlug(ctx context.Context, slug string) (TakenDown, bool, error) {
	found, err := t.takenDown(ctx, "slug = ?", slug)
	if err != nil || len(found) == 0 {
		return TakenDown{}, false, err
	}
	return found[0], true, nil
}

func (t sqlTakedown) ArticlesAt(ctx context.Context, urlKey string) ([]TakenDown, error) {
	found, err := t.takenDown(ctx, "url IN (?, ?, ?, ?) ORDER BY id", anys(uRLForms(urlKey))...)
	if err != nil {
		return nil, fmt.Errorf("find the articles at %s: %w", urlKey, err)
	}
	return found, nil
}

func (t sqlTakedown) takenDown(ctx context.Context, where string, args ...any) ([]TakenDown, error) {
	rows, err := t.tx.Query(ctx, "SELECT "+takenDownColumns+" FROM articles WHERE "+where, args...)
	return collect(rows, err, func(scan func(dest ...any) error) (a TakenDown, err error) {
		err = scan(&a.ID, &a.Slug, &a.URL, &a.Title, &a.Origin, &a.OriginID)
		return a, err
	})
}

func (t sqlTakedown) AddBlock(ctx context.Context, b Block, urlKey string) error {
	err := t.tx.Exec(ctx, "INSERT INTO blocked (url, url_key, slug, title, origin, origin_id, since) VALUES ("+marks(7)+")",
		b.URL, urlKey, b.Slug, b.Title, b.Origin, b.OriginID, t.dialect.NullTime(b.Since))
	if err != nil {
		return fmt.Errorf("add to the block list: %w", err)
	}
	return nil
}

func (t sqlTakedown) DeleteBlocks(ctx context.Context, column, value string) error {
	return t.tx.Exec(ctx, "DELETE FROM blocked WHERE "+column+" = ?", value)
}

func (t sqlTakedown) Remove(ctx context.Context, articles []TakenDown) ([]string, error) {
	ids := make([]int64, len(articles))
	slugs := make([]string, len(articles))
	for i, a := range articles {
		ids[i], slugs[i] = a.ID, a.Slug
	}
	pointedAt, err := mediaOf(ctx, t.tx, ids)
	if err != nil {
		return nil, err
	}
	for batch := range slices.Chunk(ids, slugsPerQuery) {
		if err := t.tx.Exec(ctx, "DELETE FROM articles WHERE id IN ("+marks(len(batch))+")", anys(batch)...); err != nil {
			return nil, fmt.Errorf("remove %q: %w", slugs, err)
		}
	}
	if err := t.dropFromLists(ctx, slugs); err != nil {
		return nil, err
	}
	return ForgetUnusedMedia(ctx, t.tx, pointedAt)
}

func (t sqlTakedown) Refetch(ctx context.Context, key string) error {
	q, args := "UPDATE sources SET etag = '', last_modified = '', cursor = ?", []any{t.dialect.NullTime(time.Time{})}
	if key != "" {
		q, args = q+" WHERE key = ?", append(args, key)
	}
	return t.tx.Exec(ctx, q, args...)
}

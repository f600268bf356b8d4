package store

import (
	"context"
	"encoding/json"
	"errors"
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

// WriteTx is a store's transaction as SQLWriter asks it: the SQL both
// stores share (Tx), and the two writes each store does its own way.
type WriteTx interface {
	Tx
	// WriteArticles runs an import plan's updates and inserts, the inserts
	// under the first free slug of the rule (FreeSlugCandidates), which it
	// adds to the plan's result.
	WriteArticles(ctx context.Context, origin string, plan *ImportPlan) error
	// DropFromLists takes the slugs out of every related list that names
	// them: readers would skip them, but a list keeps its length.
	DropFromLists(ctx context.Context, slugs []string) error
}

// SQLWriter writes to either store's database: the writes both stores
// share, written once, each store giving its database (for the writes
// made outside a transaction), its transactions and what its SQL says
// differently (Dialect). A store embeds it, as it embeds SQLReader.
type SQLWriter struct {
	db      Tx
	dialect Dialect
	inTx    func(ctx context.Context, what string, f func(tx WriteTx) error) error
}

// NewSQLWriter returns the writer of a store's database db. inTx runs f
// in one of the store's transactions, committed if f succeeds, what
// naming it in errors; f may run more than once, and starts from scratch
// each time.
func NewSQLWriter(db Tx, d Dialect, inTx func(ctx context.Context, what string, f func(tx WriteTx) error) error) SQLWriter {
	return SQLWriter{db: db, dialect: d, inTx: inTx}
}

// Put inserts or updates the articles, all in one transaction. An article
// that fails validation aborts the whole call and nothing is written.
func (w SQLWriter) Put(ctx context.Context, articles ...news.Article) error {
	for _, a := range articles { // before any transaction: Validate's error as it is
		if err := Validate(a); err != nil {
			return err
		}
	}
	return w.inTx(ctx, "put articles", func(tx WriteTx) error {
		return putArticles(ctx, tx, w.dialect.At, articles)
	})
}

// Delete removes the article with this slug, and forgets the images only
// it pointed at.
func (w SQLWriter) Delete(ctx context.Context, slug string) error {
	return w.inTx(ctx, fmt.Sprintf("delete article %q", slug), func(tx WriteTx) error {
		return deleteArticle(ctx, tx, slug)
	})
}

// PutMedia records where the images behind keys are, in one transaction.
// A key is a hash of its URL, so a key already recorded keeps its URL.
func (w SQLWriter) PutMedia(ctx context.Context, media ...Media) error {
	if len(media) == 0 {
		return nil
	}
	if err := checkMedia(media); err != nil {
		return err
	}
	return w.inTx(ctx, "record media", func(tx WriteTx) error {
		return recordMedia(ctx, tx, media)
	})
}

// ApplyImport runs the import (see runImport) in one transaction: the
// origin's articles gone from the source are removed, those changed are
// updated in place, new ones inserted under a free slug, and the images
// and the source's state are saved with them.
func (w SQLWriter) ApplyImport(ctx context.Context, imp Import) (ImportResult, error) {
	if err := imp.Check(); err != nil {
		return ImportResult{}, err
	}
	var result ImportResult
	err := w.inTx(ctx, "apply import from "+imp.Origin, func(tx WriteTx) (err error) {
		result, err = runImport(ctx, tx, w.dialect, imp)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	return result, nil
}

// SaveSourceState records the state of a source.
func (w SQLWriter) SaveSourceState(ctx context.Context, state SourceState) error {
	if state.Key == "" {
		return errors.New("save source state: key is empty")
	}
	return w.inTx(ctx, "save source state", func(tx WriteTx) error {
		return saveSourceState(ctx, tx, w.dialect, state)
	})
}

// ForgetSource removes the record of a source with no article stored; it
// writes as imports do, one at a time, so that none adds articles between
// the count and the deletion.
func (w SQLWriter) ForgetSource(ctx context.Context, key string) error {
	return w.inTx(ctx, "forget source "+key, func(tx WriteTx) error {
		rows, err := tx.Query(ctx, "SELECT (SELECT count(*) FROM sources WHERE key = ?), (SELECT count(*) FROM articles WHERE origin = ?)", key, key)
		counts, err := collect(rows, err, func(scan func(dest ...any) error) (n [2]int64, err error) {
			err = scan(&n[0], &n[1])
			return n, err
		})
		switch {
		case err != nil:
			return err
		case len(counts) != 1 || counts[0][0] == 0:
			return ErrNotFound
		case counts[0][1] > 0:
			return fmt.Errorf("%w (%d)", ErrSourceHasArticles, counts[0][1])
		}
		return tx.Exec(ctx, "DELETE FROM sources WHERE key = ?", key)
	})
}

// Block removes the articles ref names and puts them on the block list, in
// one transaction (see applyBlock).
func (w SQLWriter) Block(ctx context.Context, ref string) (Takedown, error) {
	var done Takedown
	err := w.inTx(ctx, fmt.Sprintf("block %q", ref), func(tx WriteTx) (err error) {
		done, err = applyBlock(ctx, newTakedownTx(tx, w.dialect), ref, time.Now().UTC().Truncate(time.Millisecond))
		return err
	})
	if err != nil {
		return Takedown{}, err
	}
	return done, nil
}

// Unblock takes the entries ref names off the block list (see
// applyUnblock).
func (w SQLWriter) Unblock(ctx context.Context, ref string) ([]Block, error) {
	var entries []Block
	err := w.inTx(ctx, fmt.Sprintf("unblock %q", ref), func(tx WriteTx) (err error) {
		entries, err = applyUnblock(ctx, newTakedownTx(tx, w.dialect), ref)
		return err
	})
	if err != nil {
		return nil, err
	}
	return entries, nil
}

// PutRelatedLists stores lists in one transaction; a nil list removes the
// slug's. A list for a slug no article has is skipped: the article went
// while its list was being computed.
func (w SQLWriter) PutRelatedLists(ctx context.Context, lists map[string][]string) error {
	return w.putLists(ctx, rankerLists, lists)
}

// PutBaselineLists stores baseline lists as PutRelatedLists stores lists.
func (w SQLWriter) PutBaselineLists(ctx context.Context, lists map[string][]string) error {
	return w.putLists(ctx, baselineLists, lists)
}

func (w SQLWriter) putLists(ctx context.Context, table string, lists map[string][]string) error {
	return w.inTx(ctx, "store "+table+" lists", func(tx WriteTx) error {
		for slug, list := range lists {
			if list == nil {
				if err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE slug = ?", slug); err != nil {
					return fmt.Errorf("remove the %s list of %q: %w", table, slug, err)
				}
				continue
			}
			b, _ := json.Marshal(list)
			if err := tx.Exec(ctx, "INSERT INTO "+table+" (slug, list) SELECT slug, "+w.dialect.JSON+" FROM articles WHERE slug = ?"+
				" ON CONFLICT (slug) DO UPDATE SET list = excluded.list", string(b), slug); err != nil {
				return fmt.Errorf("store the %s list of %q: %w", table, slug, err)
			}
		}
		return nil
	})
}

// RecordSettings records a server's settings, and returns the others'
// recorded since since. They are recorded at the database's time (Now),
// which all the servers of a store share, whatever their own clocks say.
func (w SQLWriter) RecordSettings(ctx context.Context, server string, settings map[string]string, since time.Time) ([]ServerSettings, error) {
	encoded, err := json.Marshal(settings)
	if err != nil {
		return nil, fmt.Errorf("record settings: %w", err)
	}
	if err := w.db.Exec(ctx, "INSERT INTO server_settings (server, settings, recorded) VALUES (?, "+w.dialect.JSON+", "+w.dialect.Now+")"+
		" ON CONFLICT (server) DO UPDATE SET settings = excluded.settings, recorded = excluded.recorded", server, string(encoded)); err != nil {
		return nil, fmt.Errorf("record settings: %w", err)
	}
	rows, err := w.db.Query(ctx, "SELECT server, settings, recorded FROM server_settings WHERE server <> ? AND recorded >= ? ORDER BY server",
		server, w.dialect.At(since))
	others, err := collect(rows, err, func(scan func(dest ...any) error) (o ServerSettings, err error) {
		var raw []byte
		recorded, readRecorded := w.dialect.Time()
		if err := scan(&o.Server, &raw, recorded); err != nil {
			return o, err
		}
		o.Recorded = readRecorded()
		if err := json.Unmarshal(raw, &o.Settings); err != nil {
			return o, fmt.Errorf("the settings of %s: %w", o.Server, err)
		}
		return o, nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the servers' settings: %w", err)
	}
	return others, nil
}

// marks are n placeholders, comma-separated.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// deleteArticle removes the article with this slug, or returns
// ErrNotFound, and forgets the images only it pointed at.
func deleteArticle(ctx context.Context, tx Tx, slug string) error {
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
	_, err = forgetUnusedMedia(ctx, tx, pointedAt)
	return err
}

// putArticles inserts the articles (Validate'd by Put), or updates those
// whose slug is stored, and forgets the images only their former versions
// pointed at. at gives a time as the store keeps it (see Row.Values).
func putArticles(ctx context.Context, tx Tx, at func(time.Time) any, articles []news.Article) error {
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
	_, err := forgetUnusedMedia(ctx, tx, replaced)
	return err
}

// recordMedia records the media; a key recorded keeps its URL (a key is a
// hash of its URL).
func recordMedia(ctx context.Context, tx Tx, media []Media) error {
	if err := checkMedia(media); err != nil {
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

// checkMedia refuses media without a key or a URL.
func checkMedia(media []Media) error {
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

// forgetUnusedMedia forgets the images among keys that no article points
// at any more, and returns them, each once, sorted: their files may go.
func forgetUnusedMedia(ctx context.Context, tx Tx, keys []string) ([]string, error) {
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

// runImport runs an import in tx, one algorithm for both stores: it reads
// what the rules need (the origin's articles, the block list), plans the
// import (planImport), removes the articles gone, has the store run the
// plan's updates and inserts (the store's own SQL, which gives new
// articles their slugs and lists them in the plan's result), records the
// images, forgets those no article shows any more, and saves the source's
// state.
func runImport(ctx context.Context, tx WriteTx, d Dialect, imp Import) (ImportResult, error) {
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
	if err := tx.WriteArticles(ctx, imp.Origin, &plan); err != nil {
		return ImportResult{}, err
	}
	if err := recordMedia(ctx, tx, imp.Media); err != nil {
		return ImportResult{}, err
	}
	if _, err := forgetUnusedMedia(ctx, tx, mediaToCheck(imp, before)); err != nil {
		return ImportResult{}, err
	}
	return plan.Result, saveSourceState(ctx, tx, d, imp.State)
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

// saveSourceState records the state of a source.
func saveSourceState(ctx context.Context, tx Tx, d Dialect, st SourceState) error {
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

// newTakedownTx is TakedownTx on a store's transaction.
func newTakedownTx(tx WriteTx, d Dialect) TakedownTx {
	return sqlTakedown{SQLReader: NewSQLReader(tx, d), tx: tx}
}

type sqlTakedown struct {
	SQLReader
	tx WriteTx
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
	if err := t.tx.DropFromLists(ctx, slugs); err != nil {
		return nil, err
	}
	return forgetUnusedMedia(ctx, t.tx, pointedAt)
}

func (t sqlTakedown) Refetch(ctx context.Context, key string) error {
	q, args := "UPDATE sources SET etag = '', last_modified = '', cursor = ?", []any{t.dialect.NullTime(time.Time{})}
	if key != "" {
		q, args = q+" WHERE key = ?", append(args, key)
	}
	return t.tx.Exec(ctx, q, args...)
}

package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

var _ store.Takedowns = (*Store)(nil)

// victim is a stored article a takedown removes.
type victim struct {
	id                                 int64
	slug, url, title, origin, originID string
}

// Block removes the articles ref names and puts them on the block list, in
// one transaction.
func (s *Store) Block(ctx context.Context, ref string) (store.Takedown, error) {
	var done store.Takedown
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return done, fmt.Errorf("block %q: %w", ref, err)
	}
	defer tx.Rollback()

	urlKey, byURL := store.URLKey(ref)
	var victims []victim
	switch {
	case byURL:
		if victims, err = articlesAt(ctx, tx, urlKey); err != nil {
			return done, fmt.Errorf("block %q: %w", ref, err)
		}
	case store.ValidSlug(ref):
		v, err := scanVictim(tx.QueryRowContext(ctx, "SELECT "+victimColumns+" FROM articles WHERE slug = ?", ref))
		if errors.Is(err, sql.ErrNoRows) {
			var blocked bool
			if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM blocked WHERE slug = ?)", ref).Scan(&blocked); err != nil {
				return done, fmt.Errorf("block %q: %w", ref, err)
			}
			if blocked {
				return done, nil
			}
			return done, fmt.Errorf("block %q: no article has this slug: %w", ref, store.ErrNotFound)
		}
		if err != nil {
			return done, fmt.Errorf("block %q: %w", ref, err)
		}
		victims = []victim{v}
		if key, ok := store.URLKey(v.url); ok {
			// The same page imported through another source goes too.
			more, err := articlesAt(ctx, tx, key)
			if err != nil {
				return done, fmt.Errorf("block %q: %w", ref, err)
			}
			for _, m := range more {
				if m.id != v.id {
					victims = append(victims, m)
				}
			}
		}
	default:
		return done, fmt.Errorf("block %q: %w: give an article's slug, or the http or https URL of its page", ref, store.ErrInvalid)
	}

	since := time.Now().UTC().Truncate(time.Millisecond)
	for _, v := range victims {
		key, _ := store.URLKey(v.url)
		done.Blocked = append(done.Blocked, store.Block{URL: v.url, Slug: v.slug, Title: v.title, Origin: v.origin, OriginID: v.originID, Since: since})
		done.Removed = append(done.Removed, v.slug)
		if err := addBlock(ctx, tx, done.Blocked[len(done.Blocked)-1], key); err != nil {
			return store.Takedown{}, fmt.Errorf("block %q: %w", ref, err)
		}
	}
	if len(victims) == 0 {
		var blocked bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM blocked WHERE url_key = ?)", urlKey).Scan(&blocked); err != nil {
			return store.Takedown{}, fmt.Errorf("block %q: %w", ref, err)
		}
		if blocked {
			return store.Takedown{}, nil
		}
		b := store.Block{URL: ref, Since: since}
		if err := addBlock(ctx, tx, b, urlKey); err != nil {
			return store.Takedown{}, fmt.Errorf("block %q: %w", ref, err)
		}
		done.Blocked = []store.Block{b}
	}

	ids := make([]int64, len(victims))
	for i, v := range victims {
		ids[i] = v.id
	}
	pointedAt, err := mediaOf(ctx, tx, ids)
	if err != nil {
		return store.Takedown{}, fmt.Errorf("block %q: %w", ref, err)
	}
	for _, id := range ids {
		// Its own list and its images' records go with it (ON DELETE
		// CASCADE).
		if _, err := tx.ExecContext(ctx, "DELETE FROM articles WHERE id = ?", id); err != nil {
			return store.Takedown{}, fmt.Errorf("block %q: %w", ref, err)
		}
	}
	if err := dropFromLists(ctx, tx, done.Removed); err != nil {
		return store.Takedown{}, fmt.Errorf("block %q: %w", ref, err)
	}
	if done.Media, err = forgetUnusedMedia(ctx, tx, pointedAt); err != nil {
		return store.Takedown{}, fmt.Errorf("block %q: %w", ref, err)
	}
	if err := tx.Commit(); err != nil {
		return store.Takedown{}, fmt.Errorf("block %q: %w", ref, err)
	}
	return done, nil
}

const victimColumns = "id, slug, url, title, coalesce(origin, ''), coalesce(origin_id, '')"

func scanVictim(row scanner) (victim, error) {
	var v victim
	err := row.Scan(&v.id, &v.slug, &v.url, &v.title, &v.origin, &v.originID)
	return v, err
}

// articlesAt returns the articles whose URL has this store.URLKey.
func articlesAt(ctx context.Context, tx *sql.Tx, urlKey string) ([]victim, error) {
	var args []any
	for _, u := range store.URLForms(urlKey) {
		args = append(args, u)
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+victimColumns+" FROM articles WHERE url IN (?, ?, ?, ?) ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("find the articles at %s: %w", urlKey, err)
	}
	defer rows.Close()
	var found []victim
	for rows.Next() {
		v, err := scanVictim(rows)
		if err != nil {
			return nil, fmt.Errorf("find the articles at %s: %w", urlKey, err)
		}
		found = append(found, v)
	}
	return found, rows.Err()
}

func addBlock(ctx context.Context, tx *sql.Tx, b store.Block, urlKey string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO blocked (url, url_key, slug, title, origin, origin_id, since) VALUES (?, ?, ?, ?, ?, ?, ?)",
		b.URL, urlKey, b.Slug, b.Title, b.Origin, b.OriginID, b.Since.UnixMilli())
	if err != nil {
		return fmt.Errorf("add to the block list: %w", err)
	}
	return nil
}

// dropFromLists takes the slugs out of every related list that names
// them: readers would skip them, but a list keeps its length.
func dropFromLists(ctx context.Context, tx *sql.Tx, slugs []string) error {
	if len(slugs) == 0 {
		return nil
	}
	gone := make(map[string]bool, len(slugs))
	where := make([]string, len(slugs))
	args := make([]any, len(slugs))
	for i, slug := range slugs {
		gone[slug] = true
		where[i] = "instr(list, ?) > 0"
		b, _ := json.Marshal(slug)
		args[i] = string(b)
	}
	rows, err := tx.QueryContext(ctx, "SELECT slug, list FROM related WHERE "+strings.Join(where, " OR "), args...)
	if err != nil {
		return fmt.Errorf("read the related lists naming %q: %w", slugs, err)
	}
	lists := map[string][]string{}
	for rows.Next() {
		var slug, list string
		if err := rows.Scan(&slug, &list); err != nil {
			rows.Close()
			return fmt.Errorf("read the related lists naming %q: %w", slugs, err)
		}
		var names []string
		if err := json.Unmarshal([]byte(list), &names); err != nil {
			rows.Close()
			return fmt.Errorf("read the related list of %q: %w", slug, err)
		}
		lists[slug] = slices.DeleteFunc(names, func(s string) bool { return gone[s] })
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the related lists naming %q: %w", slugs, err)
	}
	for slug, list := range lists {
		b, _ := json.Marshal(store.NonNil(list))
		if _, err := tx.ExecContext(ctx, "UPDATE related SET list = ? WHERE slug = ?", string(b), slug); err != nil {
			return fmt.Errorf("store the related list of %q: %w", slug, err)
		}
	}
	return nil
}

// Unblock takes the entries ref names off the block list.
func (s *Store) Unblock(ctx context.Context, ref string) ([]store.Block, error) {
	var where, arg string
	if key, ok := store.URLKey(ref); ok {
		where, arg = "url_key = ?", key
	} else if store.ValidSlug(ref) {
		where, arg = "slug = ?", ref
	} else {
		return nil, fmt.Errorf("unblock %q: %w: give an article's slug, or the http or https URL of its page", ref, store.ErrInvalid)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("unblock %q: %w", ref, err)
	}
	defer tx.Rollback()
	entries, err := blockList(ctx, tx, where, arg)
	if err != nil {
		return nil, fmt.Errorf("unblock %q: %w", ref, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("unblock %q: nothing blocked has this slug or URL: %w", ref, store.ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM blocked WHERE "+where, arg); err != nil {
		return nil, fmt.Errorf("unblock %q: %w", ref, err)
	}
	// The next import of the sources fetches every item again, the
	// unblocked ones among them.
	for _, origin := range store.SourcesToRefetch(entries) {
		q, args := "UPDATE sources SET etag = '', last_modified = '', cursor = 0", []any{}
		if origin != "" {
			q, args = q+" WHERE key = ?", []any{origin}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return nil, fmt.Errorf("unblock %q: forget the validators of %s: %w", ref, origin, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("unblock %q: %w", ref, err)
	}
	return entries, nil
}

// Blocked returns the block list, the latest entry first.
func (s *Store) Blocked(ctx context.Context) ([]store.Block, error) {
	entries, err := blockList(ctx, s.db, "1 = 1")
	if err != nil {
		return nil, fmt.Errorf("read the block list: %w", err)
	}
	return entries, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func blockList(ctx context.Context, db querier, where string, args ...any) ([]store.Block, error) {
	rows, err := db.QueryContext(ctx, "SELECT url, slug, title, origin, origin_id, since FROM blocked WHERE "+where+" ORDER BY since DESC, id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var entries []store.Block
	for rows.Next() {
		var (
			b     store.Block
			since int64
		)
		if err := rows.Scan(&b.URL, &b.Slug, &b.Title, &b.Origin, &b.OriginID, &since); err != nil {
			return nil, err
		}
		b.Since = time.UnixMilli(since).UTC()
		entries = append(entries, b)
	}
	return entries, rows.Err()
}

// blocks reads the block list as an import checks it.
func blocks(ctx context.Context, tx *sql.Tx) (store.Blocks, error) {
	entries, err := blockList(ctx, tx, "1 = 1")
	if err != nil {
		return store.Blocks{}, fmt.Errorf("read the block list: %w", err)
	}
	return store.NewBlocks(entries), nil
}

// setArticleMedia records the images the article with this id points at,
// in place of those recorded before.
func setArticleMedia(ctx context.Context, tx *sql.Tx, id int64, keys []string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM article_media WHERE article_id = ?", id); err != nil {
		return fmt.Errorf("record the images of article %d: %w", id, err)
	}
	return addArticleMedia(ctx, tx, id, keys)
}

// addArticleMedia records the images a new article points at.
func addArticleMedia(ctx context.Context, tx *sql.Tx, id int64, keys []string) error {
	for _, key := range keys {
		if _, err := tx.ExecContext(ctx, "INSERT INTO article_media (article_id, key) VALUES (?, ?)", id, key); err != nil {
			return fmt.Errorf("record the images of article %d: %w", id, err)
		}
	}
	return nil
}

// mediaOf returns the images the articles with these ids point at.
func mediaOf(ctx context.Context, tx *sql.Tx, ids []int64) ([]string, error) {
	var keys []string
	for _, id := range ids {
		rows, err := tx.QueryContext(ctx, "SELECT key FROM article_media WHERE article_id = ?", id)
		if err != nil {
			return nil, fmt.Errorf("read the images of article %d: %w", id, err)
		}
		for rows.Next() {
			var key string
			if err := rows.Scan(&key); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read the images of article %d: %w", id, err)
			}
			keys = append(keys, key)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read the images of article %d: %w", id, err)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// forgetUnusedMedia forgets the images among keys that no article points
// at any more, and returns them: their files may go.
func forgetUnusedMedia(ctx context.Context, tx *sql.Tx, keys []string) ([]string, error) {
	var unused []string
	for _, key := range keys {
		var used bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM article_media WHERE key = ?)", key).Scan(&used); err != nil {
			return nil, fmt.Errorf("tell whether image %s is used: %w", key, err)
		}
		if used {
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM media WHERE key = ?", key); err != nil {
			return nil, fmt.Errorf("forget image %s: %w", key, err)
		}
		unused = append(unused, key)
	}
	return unused, nil
}

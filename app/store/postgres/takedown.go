package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kiosque/kiosque/app/store"
)

var _ store.Takedowns = (*Store)(nil)

// victim is a stored article a takedown removes.
type victim struct {
	id                                 int64
	slug, url, title, origin, originID string
}

const victimColumns = "id, slug, url, title, coalesce(origin, ''), coalesce(origin_id, '')"

// Block removes the articles ref names and puts them on the block list, in
// one transaction.
func (s *Store) Block(ctx context.Context, ref string) (store.Takedown, error) {
	urlKey, byURL := store.URLKey(ref)
	if !byURL && !store.ValidSlug(ref) {
		return store.Takedown{}, fmt.Errorf("block %q: %w: give an article's slug, or the http or https URL of its page", ref, store.ErrInvalid)
	}
	var done store.Takedown
	err := s.write(ctx, fmt.Sprintf("block %q", ref), func(tx pgx.Tx) error {
		done = store.Takedown{}
		var victims []victim
		if byURL {
			var err error
			if victims, err = articlesAt(ctx, tx, urlKey); err != nil {
				return err
			}
		} else {
			rows, err := tx.Query(ctx, "SELECT "+victimColumns+" FROM articles WHERE slug = $1", ref)
			if err != nil {
				return err
			}
			found, err := pgx.CollectRows(rows, scanVictim)
			if err != nil {
				return err
			}
			if len(found) == 0 {
				var blocked bool
				if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM blocked WHERE slug = $1)", ref).Scan(&blocked); err != nil {
					return err
				}
				if blocked {
					return nil
				}
				return fmt.Errorf("no article has this slug: %w", store.ErrNotFound)
			}
			victims = found
			if key, ok := store.URLKey(found[0].url); ok {
				// The same page imported through another source goes too.
				more, err := articlesAt(ctx, tx, key)
				if err != nil {
					return err
				}
				for _, m := range more {
					if m.id != found[0].id {
						victims = append(victims, m)
					}
				}
			}
		}

		since := time.Now().UTC().Truncate(time.Millisecond)
		for _, v := range victims {
			b := store.Block{URL: v.url, Slug: v.slug, Title: v.title, Origin: v.origin, OriginID: v.originID, Since: since}
			key, _ := store.URLKey(v.url)
			if err := addBlock(ctx, tx, b, key); err != nil {
				return err
			}
			done.Blocked = append(done.Blocked, b)
			done.Removed = append(done.Removed, v.slug)
		}
		if len(victims) == 0 {
			var blocked bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM blocked WHERE url_key = $1)", urlKey).Scan(&blocked); err != nil {
				return err
			}
			if blocked {
				return nil
			}
			b := store.Block{URL: ref, Since: since}
			if err := addBlock(ctx, tx, b, urlKey); err != nil {
				return err
			}
			done.Blocked = []store.Block{b}
			return nil
		}

		ids := make([]int64, len(victims))
		for i, v := range victims {
			ids[i] = v.id
		}
		pointedAt, err := mediaOf(ctx, tx, ids)
		if err != nil {
			return err
		}
		// Their own lists and their images' records go with them (ON
		// DELETE CASCADE).
		if _, err := tx.Exec(ctx, "DELETE FROM articles WHERE id = ANY($1)", ids); err != nil {
			return fmt.Errorf("remove %q: %w", done.Removed, err)
		}
		if err := dropFromLists(ctx, tx, done.Removed); err != nil {
			return err
		}
		done.Media, err = forgetUnusedMedia(ctx, tx, pointedAt)
		return err
	})
	if err != nil {
		return store.Takedown{}, err
	}
	return done, nil
}

func scanVictim(row pgx.CollectableRow) (victim, error) {
	var v victim
	err := row.Scan(&v.id, &v.slug, &v.url, &v.title, &v.origin, &v.originID)
	return v, err
}

// articlesAt returns the articles whose URL has this store.URLKey.
func articlesAt(ctx context.Context, tx pgx.Tx, urlKey string) ([]victim, error) {
	rows, err := tx.Query(ctx, "SELECT "+victimColumns+" FROM articles WHERE url = ANY($1) ORDER BY id", store.URLForms(urlKey))
	if err != nil {
		return nil, fmt.Errorf("find the articles at %s: %w", urlKey, err)
	}
	found, err := pgx.CollectRows(rows, scanVictim)
	if err != nil {
		return nil, fmt.Errorf("find the articles at %s: %w", urlKey, err)
	}
	return found, nil
}

func addBlock(ctx context.Context, tx pgx.Tx, b store.Block, urlKey string) error {
	_, err := tx.Exec(ctx, "INSERT INTO blocked (url, url_key, slug, title, origin, origin_id, since) VALUES ($1, $2, $3, $4, $5, $6, $7)",
		b.URL, urlKey, b.Slug, b.Title, b.Origin, b.OriginID, b.Since)
	if err != nil {
		return fmt.Errorf("add to the block list: %w", err)
	}
	return nil
}

// dropFromLists takes the slugs out of every related list that names
// them: readers would skip them, but a list keeps its length.
func dropFromLists(ctx context.Context, tx pgx.Tx, slugs []string) error {
	// jsonb's - removes every element of an array equal to the text, ?|
	// finds the arrays holding any.
	_, err := tx.Exec(ctx, "UPDATE related SET list = list - $1::text[] WHERE list ?| $1::text[]", slugs)
	if err != nil {
		return fmt.Errorf("drop %q from the related lists: %w", slugs, err)
	}
	return nil
}

// Unblock takes the entries ref names off the block list.
func (s *Store) Unblock(ctx context.Context, ref string) ([]store.Block, error) {
	var where, arg string
	if key, ok := store.URLKey(ref); ok {
		where, arg = "url_key = $1", key
	} else if store.ValidSlug(ref) {
		where, arg = "slug = $1", ref
	} else {
		return nil, fmt.Errorf("unblock %q: %w: give an article's slug, or the http or https URL of its page", ref, store.ErrInvalid)
	}
	var entries []store.Block
	err := s.write(ctx, fmt.Sprintf("unblock %q", ref), func(tx pgx.Tx) error {
		var err error
		if entries, err = blockList(ctx, tx, where, arg); err != nil {
			return err
		}
		if len(entries) == 0 {
			return fmt.Errorf("nothing blocked has this slug or URL: %w", store.ErrNotFound)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM blocked WHERE "+where, arg); err != nil {
			return err
		}
		// The next import of the sources fetches every item again, the
		// unblocked ones among them.
		for _, origin := range store.SourcesToRefetch(entries) {
			q, args := "UPDATE sources SET etag = '', last_modified = '', cursor = NULL", []any{}
			if origin != "" {
				q, args = q+" WHERE key = $1", []any{origin}
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return fmt.Errorf("forget the validators of %s: %w", origin, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entries, nil
}

// Blocked returns the block list, the latest entry first.
func (s *Store) Blocked(ctx context.Context) ([]store.Block, error) {
	entries, err := blockList(ctx, s.pool, "true")
	if err != nil {
		return nil, fmt.Errorf("read the block list: %w", err)
	}
	return entries, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func blockList(ctx context.Context, db querier, where string, args ...any) ([]store.Block, error) {
	rows, err := db.Query(ctx, "SELECT url, slug, title, origin, origin_id, since FROM blocked WHERE "+where+" ORDER BY since DESC, id DESC", args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Block, error) {
		var b store.Block
		err := row.Scan(&b.URL, &b.Slug, &b.Title, &b.Origin, &b.OriginID, &b.Since)
		b.Since = b.Since.UTC()
		return b, err
	})
}

// blocks reads the block list as an import checks it.
func blocks(ctx context.Context, tx pgx.Tx) (store.Blocks, error) {
	entries, err := blockList(ctx, tx, "true")
	if err != nil {
		return store.Blocks{}, fmt.Errorf("read the block list: %w", err)
	}
	return store.NewBlocks(entries), nil
}

// mediaOf returns the images the articles with these ids point at.
func mediaOf(ctx context.Context, tx pgx.Tx, ids []int64) ([]string, error) {
	rows, err := tx.Query(ctx, "SELECT DISTINCT key FROM article_media WHERE article_id = ANY($1) ORDER BY key", ids)
	if err != nil {
		return nil, fmt.Errorf("read the images of articles: %w", err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read the images of articles: %w", err)
	}
	return keys, nil
}

// forgetUnusedMedia forgets the images among keys that no article points
// at any more, and returns them: their files may go.
func forgetUnusedMedia(ctx context.Context, tx pgx.Tx, keys []string) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `
SELECT DISTINCT key FROM unnest($1::text[]) AS k (key)
WHERE NOT EXISTS (SELECT 1 FROM article_media m WHERE m.key = k.key)
ORDER BY key`, keys)
	if err != nil {
		return nil, fmt.Errorf("find unused images: %w", err)
	}
	unused, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("find unused images: %w", err)
	}
	if _, err := tx.Exec(ctx, "DELETE FROM media WHERE key = ANY($1)", unused); err != nil {
		return nil, fmt.Errorf("forget unused images: %w", err)
	}
	return unused, nil
}

// queueArticleMedia queues the statements that record the images the
// article with this slug points at, in place of those recorded before.
func queueArticleMedia(queue func(what, sql string, args ...any) error, slug string, keys []string, replace bool) error {
	if replace {
		if err := queue(fmt.Sprintf("forget the images of %q", slug),
			"DELETE FROM article_media WHERE article_id = (SELECT id FROM articles WHERE slug = $1)", slug); err != nil {
			return err
		}
	}
	if len(keys) == 0 {
		return nil
	}
	return queue(fmt.Sprintf("record the images of %q", slug),
		"INSERT INTO article_media (article_id, key) SELECT id, unnest($2::text[]) FROM articles WHERE slug = $1", slug, keys)
}

// setArticleMedia records the images the article with this slug points
// at, in place of those recorded before.
func setArticleMedia(ctx context.Context, tx pgx.Tx, slug string, keys []string) error {
	return queueArticleMedia(func(what, sql string, args ...any) error {
		if _, err := tx.Exec(ctx, sql, args...); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}, slug, keys, true)
}

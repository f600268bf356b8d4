package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/kiosque/kiosque/app/store"
)

// PutMedia records where the images behind keys are, in one transaction.
// A key is a hash of its URL, so a key already recorded keeps its URL.
func (s *Store) PutMedia(ctx context.Context, media ...store.Media) error {
	if len(media) == 0 {
		return nil
	}
	for _, m := range media {
		if m.Key == "" || m.URL == "" {
			return fmt.Errorf("record media %q: key and URL are both needed", m.Key)
		}
	}
	return s.write(ctx, "record media", func(tx pgx.Tx) error {
		return recordMedia(ctx, tx, media)
	})
}

// recordMedia records the media in tx; a key recorded keeps its URL.
func recordMedia(ctx context.Context, tx pgx.Tx, media []store.Media) error {
	if len(media) == 0 {
		return nil
	}
	keys, urls := make([]string, len(media)), make([]string, len(media))
	for i, m := range media {
		if m.Key == "" || m.URL == "" {
			return fmt.Errorf("record media %q: key and URL are both needed", m.Key)
		}
		keys[i], urls[i] = m.Key, m.URL
	}
	if _, err := tx.Exec(ctx, `
INSERT INTO media (key, url) SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT (key) DO NOTHING`, keys, urls); err != nil {
		return fmt.Errorf("record media: %w", err)
	}
	return nil
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

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/kiosque/kiosque/app/store"
)

var _ store.MediaStore = (*Store)(nil)

// PutMedia records where the images behind keys are, in one transaction.
// A key is a hash of its URL, so a key already recorded keeps its URL.
func (s *Store) PutMedia(ctx context.Context, media ...store.Media) error {
	if len(media) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record media: %w", err)
	}
	defer tx.Rollback()
	if err := recordMedia(ctx, tx, media); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record media: %w", err)
	}
	return nil
}

// recordMedia records the media in tx; a key recorded keeps its URL.
func recordMedia(ctx context.Context, tx *sql.Tx, media []store.Media) error {
	if len(media) == 0 {
		return nil
	}
	insert, err := tx.PrepareContext(ctx, "INSERT INTO media (key, url) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")
	if err != nil {
		return fmt.Errorf("record media: %w", err)
	}
	defer insert.Close()
	for _, m := range media {
		if m.Key == "" || m.URL == "" {
			return fmt.Errorf("record media %q: key and URL are both needed", m.Key)
		}
		if _, err := insert.ExecContext(ctx, m.Key, m.URL); err != nil {
			return fmt.Errorf("record media %q: %w", m.Key, err)
		}
	}
	return nil
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
		found, err := collect(rows, err, scanString)
		if err != nil {
			return nil, fmt.Errorf("read the images of article %d: %w", id, err)
		}
		keys = append(keys, found...)
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

func scanString(row scanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
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

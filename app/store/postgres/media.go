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
	if err := store.CheckMedia(media); err != nil {
		return err
	}
	return s.write(ctx, "record media", func(tx pgx.Tx) error {
		return store.RecordMedia(ctx, reader{tx}, media)
	})
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

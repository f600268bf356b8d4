package postgres

import (
	"fmt"
)

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

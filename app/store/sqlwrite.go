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
	ids, err := Collect(rows, err, scanInt64)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return ErrNotFound
	}
	pointedAt, err := MediaOf(ctx, tx, ids)
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
		" ON CONFLICT (slug) DO UPDATE SET (" + RowColumns + ") = (" + RowExcluded + ") RETURNING id"
	var replaced []string // the images the articles pointed at before
	for _, a := range articles {
		row := RowOf(a)
		rows, err := tx.Query(ctx, upsert, append([]any{a.Slug}, row.Values(at)...)...)
		ids, err := Collect(rows, err, scanInt64)
		if err == nil && len(ids) != 1 {
			err = fmt.Errorf("%d ids returned", len(ids))
		}
		var before []string
		if err == nil {
			before, err = MediaOf(ctx, tx, ids)
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

// MediaOf returns the images the articles with these ids point at, each
// once, sorted.
func MediaOf(ctx context.Context, tx Tx, ids []int64) ([]string, error) {
	var keys []string
	for batch := range slices.Chunk(ids, slugsPerQuery) {
		rows, err := tx.Query(ctx, "SELECT DISTINCT key FROM article_media WHERE article_id IN ("+marks(len(batch))+")", anys(batch)...)
		found, err := Collect(rows, err, scanString)
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
		used, err := Collect(rows, err, scanString)
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

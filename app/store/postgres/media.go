package postgres

import (
	"context"
	"errors"
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
		for _, m := range media {
			if _, err := tx.Exec(ctx, "INSERT INTO media (key, url) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", m.Key, m.URL); err != nil {
				return fmt.Errorf("%q: %w", m.Key, err)
			}
		}
		return nil
	})
}

// MediaURL returns the URL recorded for key.
func (s *Store) MediaURL(ctx context.Context, key string) (string, error) {
	var u string
	err := s.pool.QueryRow(ctx, "SELECT url FROM media WHERE key = $1", key).Scan(&u)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("media %q: %w", key, store.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("read media %q: %w", key, err)
	}
	return u, nil
}

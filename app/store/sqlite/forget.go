package sqlite

import (
	"context"
	"fmt"

	"github.com/kiosque/kiosque/app/store"
)

// ForgetSource removes the record of a source with no article stored.
func (s *Store) ForgetSource(ctx context.Context, key string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("forget source %s: %w", key, err)
	}
	defer tx.Rollback()
	var known, articles int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM sources WHERE key = ?), (SELECT count(*) FROM articles WHERE origin = ?)`,
		key, key).Scan(&known, &articles); err != nil {
		return fmt.Errorf("forget source %s: %w", key, err)
	}
	switch {
	case known == 0:
		return fmt.Errorf("forget source %s: %w", key, store.ErrNotFound)
	case articles > 0:
		return fmt.Errorf("forget source %s: %w (%d)", key, store.ErrSourceHasArticles, articles)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE key = ?`, key); err != nil {
		return fmt.Errorf("forget source %s: %w", key, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("forget source %s: %w", key, err)
	}
	return nil
}

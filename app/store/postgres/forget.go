package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/kiosque/kiosque/app/store"
)

// ForgetSource removes the record of a source with no article stored; it
// writes as imports do, one at a time, so that none adds articles between
// the count and the deletion.
func (s *Store) ForgetSource(ctx context.Context, key string) error {
	return s.write(ctx, "forget source "+key, func(tx pgx.Tx) error {
		var known, articles int
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM sources WHERE key = $1), (SELECT count(*) FROM articles WHERE origin = $1)`,
			key).Scan(&known, &articles); err != nil {
			return err
		}
		switch {
		case known == 0:
			return store.ErrNotFound
		case articles > 0:
			return fmt.Errorf("%w (%d)", store.ErrSourceHasArticles, articles)
		}
		_, err := tx.Exec(ctx, `DELETE FROM sources WHERE key = $1`, key)
		return err
	})
}

package sqlite

import (
	"context"
	"fmt"

	"github.com/kiosque/kiosque/app/store"
)

// Sizes counts the articles, the related lists and their entries.
func (s *Store) Sizes(ctx context.Context) (store.Sizes, error) {
	var z store.Sizes
	err := s.db.QueryRowContext(ctx, `
SELECT (SELECT count(*) FROM articles), count(*), coalesce(sum(json_array_length(list)), 0) FROM related`).
		Scan(&z.Articles, &z.Lists, &z.ListEntries)
	if err != nil {
		return store.Sizes{}, fmt.Errorf("count what the store holds: %w", err)
	}
	return z, nil
}

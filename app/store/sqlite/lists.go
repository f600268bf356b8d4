package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kiosque/kiosque/app/store"
)

var (
	_ store.Lists         = (*Store)(nil)
	_ store.BaselineLists = (*Store)(nil)
)

// The tables of lists: the ranker's, and the baseline's.
const (
	rankerLists   = "related"
	baselineLists = "baseline_related"
)

// PutRelatedLists stores lists in one transaction; a nil list removes the
// slug's. A list for a slug no article has is skipped: the article went
// while its list was being computed.
func (s *Store) PutRelatedLists(ctx context.Context, lists map[string][]string) error {
	return s.putLists(ctx, rankerLists, lists)
}

// PutBaselineLists stores baseline lists as PutRelatedLists stores lists.
func (s *Store) PutBaselineLists(ctx context.Context, lists map[string][]string) error {
	return s.putLists(ctx, baselineLists, lists)
}

func (s *Store) putLists(ctx context.Context, table string, lists map[string][]string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store %s lists: %w", table, err)
	}
	defer tx.Rollback()
	for slug, list := range lists {
		if list == nil {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE slug = ?", slug); err != nil {
				return fmt.Errorf("remove the %s list of %q: %w", table, slug, err)
			}
			continue
		}
		b, _ := json.Marshal(list)
		_, err := tx.ExecContext(ctx, `
INSERT INTO `+table+` (slug, list) SELECT slug, ? FROM articles WHERE slug = ?
ON CONFLICT (slug) DO UPDATE SET list = excluded.list`, string(b), slug)
		if err != nil {
			return fmt.Errorf("store the %s list of %q: %w", table, slug, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store %s lists: %w", table, err)
	}
	return nil
}

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

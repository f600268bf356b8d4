package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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

// RelatedList returns the list stored for slug, or nil.
func (s *Store) RelatedList(ctx context.Context, slug string) ([]string, error) {
	return s.list(ctx, rankerLists, slug)
}

// RelatedLists returns every stored list.
func (s *Store) RelatedLists(ctx context.Context) (map[string][]string, error) {
	return s.lists(ctx, rankerLists)
}

// PutRelatedLists stores lists in one transaction; a nil list removes the
// slug's. A list for a slug no article has is skipped: the article went
// while its list was being computed.
func (s *Store) PutRelatedLists(ctx context.Context, lists map[string][]string) error {
	return s.putLists(ctx, rankerLists, lists)
}

// BaselineList returns the baseline's list stored for slug, or nil.
func (s *Store) BaselineList(ctx context.Context, slug string) ([]string, error) {
	return s.list(ctx, baselineLists, slug)
}

// BaselineLists returns every stored baseline list.
func (s *Store) BaselineLists(ctx context.Context) (map[string][]string, error) {
	return s.lists(ctx, baselineLists)
}

// PutBaselineLists stores baseline lists as PutRelatedLists stores lists.
func (s *Store) PutBaselineLists(ctx context.Context, lists map[string][]string) error {
	return s.putLists(ctx, baselineLists, lists)
}

// list reads slug's list in table (one of the constants above).
func (s *Store) list(ctx context.Context, table, slug string) ([]string, error) {
	var list string
	err := s.db.QueryRowContext(ctx, "SELECT list FROM "+table+" WHERE slug = ?", slug).Scan(&list)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the %s list of %q: %w", table, slug, err)
	}
	var slugs []string
	if err := json.Unmarshal([]byte(list), &slugs); err != nil {
		return nil, fmt.Errorf("read the %s list of %q: %w", table, slug, err)
	}
	return store.NonNil(slugs), nil
}

func (s *Store) lists(ctx context.Context, table string) (map[string][]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT slug, list FROM "+table)
	pairs, err := collect(rows, err, func(row scanner) (p [2]string, err error) {
		err = row.Scan(&p[0], &p[1])
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("read the %s lists: %w", table, err)
	}
	lists := map[string][]string{}
	for _, p := range pairs {
		var slugs []string
		if err := json.Unmarshal([]byte(p[1]), &slugs); err != nil {
			return nil, fmt.Errorf("read the %s list of %q: %w", table, p[0], err)
		}
		lists[p[0]] = store.NonNil(slugs)
	}
	return lists, nil
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

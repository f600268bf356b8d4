package postgres

import (
	"context"
	"fmt"
)

// QueuePurges keeps keys until DropPurges; a key kept as urgent stays so.
func (s *Store) QueuePurges(ctx context.Context, keys []string, urgent bool) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, `
INSERT INTO purge_keys (key, urgent) SELECT k, $2 FROM unnest($1::text[]) AS k
ON CONFLICT (key) DO UPDATE SET urgent = purge_keys.urgent OR excluded.urgent`, keys, urgent); err != nil {
		return fmt.Errorf("queue purges: %w", err)
	}
	return nil
}

// DropPurges forgets keys.
func (s *Store) DropPurges(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := s.pool.Exec(ctx, "DELETE FROM purge_keys WHERE key = ANY($1)", keys); err != nil {
		return fmt.Errorf("drop purges: %w", err)
	}
	return nil
}

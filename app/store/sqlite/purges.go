package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// QueuePurges keeps keys until DropPurges; a key kept as urgent stays so.
func (s *Store) QueuePurges(ctx context.Context, keys []string, urgent bool) error {
	if len(keys) == 0 {
		return nil
	}
	now := time.Now().UnixMilli()
	return s.write(ctx, "queue purges", func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO purge_keys (key, urgent, added) VALUES (?, ?, ?)
ON CONFLICT (key) DO UPDATE SET urgent = max(urgent, excluded.urgent)`, k, urgent, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// DropPurges forgets keys.
func (s *Store) DropPurges(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	return s.write(ctx, "drop purges", func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, "DELETE FROM purge_keys WHERE key = ?", k); err != nil {
				return err
			}
		}
		return nil
	})
}

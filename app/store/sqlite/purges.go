package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/kiosque/kiosque/app/store"
)

// QueuePurges keeps keys until DropPurges; a key kept as urgent stays so.
func (s *Store) QueuePurges(ctx context.Context, keys []string, urgent bool) error {
	if len(keys) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("queue purges: %w", err)
	}
	defer tx.Rollback()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO purge_keys (key, urgent, added) VALUES (?, ?, ?)
ON CONFLICT (key) DO UPDATE SET urgent = max(urgent, excluded.urgent)`)
	if err != nil {
		return fmt.Errorf("queue purges: %w", err)
	}
	defer insert.Close()
	now := time.Now().UnixMilli()
	for _, k := range keys {
		if _, err := insert.ExecContext(ctx, k, urgent, now); err != nil {
			return fmt.Errorf("queue purges: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue purges: %w", err)
	}
	return nil
}

// QueuedPurges returns the keys kept, the oldest first.
func (s *Store) QueuedPurges(ctx context.Context) ([]store.QueuedPurge, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT key, urgent FROM purge_keys ORDER BY added, key")
	if err != nil {
		return nil, fmt.Errorf("read queued purges: %w", err)
	}
	defer rows.Close()
	var queued []store.QueuedPurge
	for rows.Next() {
		var q store.QueuedPurge
		if err := rows.Scan(&q.Key, &q.Urgent); err != nil {
			return nil, fmt.Errorf("read queued purges: %w", err)
		}
		queued = append(queued, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read queued purges: %w", err)
	}
	return queued, nil
}

// DropPurges forgets keys.
func (s *Store) DropPurges(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("drop purges: %w", err)
	}
	defer tx.Rollback()
	del, err := tx.PrepareContext(ctx, "DELETE FROM purge_keys WHERE key = ?")
	if err != nil {
		return fmt.Errorf("drop purges: %w", err)
	}
	defer del.Close()
	for _, k := range keys {
		if _, err := del.ExecContext(ctx, k); err != nil {
			return fmt.Errorf("drop purges: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("drop purges: %w", err)
	}
	return nil
}

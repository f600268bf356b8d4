package sqlite

import (
	"context"
	"fmt"

	"github.com/kiosque/kiosque/app/store"
)

// AddInsights adds counts to the stored ones, in one transaction. It
// writes on the connection ChangeCount reads: SQLite's data_version counts
// the commits of other connections only, so that counts, which no answer
// shows, do not drop the answers a server keeps every few seconds.
func (s *Store) AddInsights(ctx context.Context, counts []store.InsightCount) error {
	if len(counts) == 0 {
		return nil
	}
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	conn, err := s.watchConn(ctx)
	if err != nil {
		return fmt.Errorf("add insights: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		s.dropWatchConn()
		return fmt.Errorf("add insights: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `
INSERT INTO insight_counts (hour, partner, placement, article, kind, position, ranker, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (hour, partner, placement, article, kind, position, ranker) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return fmt.Errorf("add insights: %w", err)
	}
	defer stmt.Close()
	for _, c := range counts {
		if _, err := stmt.ExecContext(ctx, c.Hour, c.Partner, c.Placement, c.Article, c.Kind, c.Position, c.Ranker, c.N); err != nil {
			return fmt.Errorf("add insights: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add insights: %w", err)
	}
	return nil
}

// DeleteInsightsBefore deletes the counts of the hours before hour. Like
// AddInsights, it writes on the connection ChangeCount reads: no answer
// shows the counts.
func (s *Store) DeleteInsightsBefore(ctx context.Context, hour int64) (int64, error) {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	conn, err := s.watchConn(ctx)
	if err != nil {
		return 0, fmt.Errorf("delete insights: %w", err)
	}
	res, err := conn.ExecContext(ctx, "DELETE FROM insight_counts WHERE hour < ?", hour)
	if err != nil {
		s.dropWatchConn()
		return 0, fmt.Errorf("delete insights: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete insights: %w", err)
	}
	return n, nil
}

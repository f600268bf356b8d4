package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kiosque/kiosque/app/store"
)

var _ store.Insights = (*Store)(nil)

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

// insightColumns are the expressions InsightTotals groups by.
var insightColumns = map[store.InsightDimension]string{
	store.ByDay:       "(hour / 24) * 24",
	store.ByPartner:   "partner",
	store.ByPlacement: "placement",
	store.ByArticle:   "article",
	store.ByPosition:  "position",
}

// InsightTotals sums the counts of q's hours by q's dimensions.
func (s *Store) InsightTotals(ctx context.Context, q store.InsightQuery) ([]store.InsightCount, error) {
	by := slices.Clone(q.By)
	slices.Sort(by)
	by = slices.Compact(by)
	var cols []string
	for _, d := range by {
		col, ok := insightColumns[d]
		if !ok {
			return nil, fmt.Errorf("insight totals: no dimension %d", d)
		}
		cols = append(cols, col)
	}
	group := strings.Join(append(cols, "kind", "ranker"), ", ")
	rows, err := s.db.QueryContext(ctx, "SELECT "+group+", SUM(n) FROM insight_counts WHERE hour >= ? AND hour < ? GROUP BY "+group+" ORDER BY "+group, q.From, q.To)
	if err != nil {
		return nil, fmt.Errorf("insight totals: %w", err)
	}
	defer rows.Close()
	var out []store.InsightCount
	for rows.Next() {
		var c store.InsightCount
		dest := make([]any, 0, len(by)+3)
		for _, d := range by {
			dest = append(dest, insightField(&c, d))
		}
		dest = append(dest, &c.Kind, &c.Ranker, &c.N)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("insight totals: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("insight totals: %w", err)
	}
	return out, nil
}

// insightField is where a grouped column is read into.
func insightField(c *store.InsightCount, d store.InsightDimension) any {
	switch d {
	case store.ByDay:
		return &c.Hour
	case store.ByPartner:
		return &c.Partner
	case store.ByPlacement:
		return &c.Placement
	case store.ByArticle:
		return &c.Article
	}
	return &c.Position
}

// RankInsights returns the top names q asks for.
func (s *Store) RankInsights(ctx context.Context, q store.InsightRanking) ([]store.InsightRow, error) {
	query, err := store.RankingSQL(q, func(int) string { return "?" }, func(col string) string { return col })
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, query, q.From, q.To, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("rank insights: %w", err)
	}
	defer rows.Close()
	var out []store.InsightRow
	for rows.Next() {
		var r store.InsightRow
		if err := rows.Scan(&r.Name, &r.Views, &r.Clicks); err != nil {
			return nil, fmt.Errorf("rank insights: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rank insights: %w", err)
	}
	return out, nil
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

package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kiosque/kiosque/app/store"
)

// AddInsights adds counts to the stored ones, in one statement. No trigger
// counts it as a change: counts, which no answer shows, must not drop the
// answers every replica keeps. Replicas add to the same keys at once: the
// rows are written in one order, so that two flushes wait for each other
// rather than deadlock.
func (s *Store) AddInsights(ctx context.Context, counts []store.InsightCount) error {
	if len(counts) == 0 {
		return nil
	}
	sorted := slices.Clone(counts)
	slices.SortFunc(sorted, compareInsightKeys)
	n := len(sorted)
	var (
		hours, positions, ns                         = make([]int64, n), make([]int32, n), make([]int64, n)
		partners, placements, articles, kinds, ranks = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	)
	for i, c := range sorted {
		hours[i], partners[i], placements[i], articles[i] = c.Hour, c.Partner, c.Placement, c.Article
		kinds[i], positions[i], ranks[i], ns[i] = c.Kind, int32(c.Position), c.Ranker, c.N
	}
	_, err := s.pool.Exec(ctx, `
INSERT INTO insight_counts (hour, partner, placement, article, kind, position, ranker, n)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::bigint[])
ON CONFLICT (hour, partner, placement, article, kind, position, ranker) DO UPDATE SET n = insight_counts.n + excluded.n`,
		hours, partners, placements, articles, kinds, positions, ranks, ns)
	if err != nil {
		return fmt.Errorf("add insights: %w", err)
	}
	return nil
}

// compareInsightKeys orders keys as the table's primary key does, with
// text compared byte by byte.
func compareInsightKeys(a, b store.InsightCount) int {
	return cmp.Or(
		cmp.Compare(a.Hour, b.Hour),
		strings.Compare(a.Partner, b.Partner),
		strings.Compare(a.Placement, b.Placement),
		strings.Compare(a.Article, b.Article),
		strings.Compare(a.Kind, b.Kind),
		cmp.Compare(a.Position, b.Position),
		strings.Compare(a.Ranker, b.Ranker),
	)
}

// DeleteInsightsBefore deletes the counts of the hours before hour; no
// trigger counts it as a change.
func (s *Store) DeleteInsightsBefore(ctx context.Context, hour int64) (int64, error) {
	tag, err := s.pool.Exec(ctx, "DELETE FROM insight_counts WHERE hour < $1", hour)
	if err != nil {
		return 0, fmt.Errorf("delete insights: %w", err)
	}
	return tag.RowsAffected(), nil
}

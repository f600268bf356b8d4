package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kiosque/kiosque/app/store"
)

var _ store.Insights = (*Store)(nil)

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

// insightColumns are the expressions InsightTotals groups by, and the
// order it sorts them in: byte by byte, as SQLite does.
var insightColumns = map[store.InsightDimension][2]string{
	store.ByDay:       {"(hour / 24) * 24", "(hour / 24) * 24"},
	store.ByPartner:   {"partner", `partner COLLATE "C"`},
	store.ByPlacement: {"placement", `placement COLLATE "C"`},
	store.ByArticle:   {"article", `article COLLATE "C"`},
	store.ByPosition:  {"position", "position"},
}

// InsightTotals sums the counts of q's hours by q's dimensions.
func (s *Store) InsightTotals(ctx context.Context, q store.InsightQuery) ([]store.InsightCount, error) {
	by := slices.Clone(q.By)
	slices.Sort(by)
	by = slices.Compact(by)
	var group, order []string
	for _, d := range by {
		col, ok := insightColumns[d]
		if !ok {
			return nil, fmt.Errorf("insight totals: no dimension %d", d)
		}
		group, order = append(group, col[0]), append(order, col[1])
	}
	group = append(group, "kind", "ranker")
	order = append(order, `kind COLLATE "C"`, `ranker COLLATE "C"`)
	rows, err := s.pool.Query(ctx, "SELECT "+strings.Join(group, ", ")+", SUM(n)::bigint FROM insight_counts WHERE hour >= $1 AND hour < $2 GROUP BY "+
		strings.Join(group, ", ")+" ORDER BY "+strings.Join(order, ", "), q.From, q.To)
	if err != nil {
		return nil, fmt.Errorf("insight totals: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.InsightCount, error) {
		var c store.InsightCount
		var position int32
		dest := make([]any, 0, len(by)+3)
		for _, d := range by {
			switch d {
			case store.ByDay:
				dest = append(dest, &c.Hour)
			case store.ByPartner:
				dest = append(dest, &c.Partner)
			case store.ByPlacement:
				dest = append(dest, &c.Placement)
			case store.ByArticle:
				dest = append(dest, &c.Article)
			case store.ByPosition:
				dest = append(dest, &position)
			}
		}
		dest = append(dest, &c.Kind, &c.Ranker, &c.N)
		err := row.Scan(dest...)
		c.Position = int(position)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("insight totals: %w", err)
	}
	return out, nil
}

// RankInsights returns the top names q asks for, text ordered byte by
// byte, as SQLite does.
func (s *Store) RankInsights(ctx context.Context, q store.InsightRanking) ([]store.InsightRow, error) {
	query, err := store.RankingSQL(q, func(i int) string { return "$" + strconv.Itoa(i) }, func(col string) string { return col + ` COLLATE "C"` })
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, query, q.From, q.To, q.Limit)
	if err != nil {
		return nil, fmt.Errorf("rank insights: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.InsightRow, error) {
		var r store.InsightRow
		return r, row.Scan(&r.Name, &r.Views, &r.Clicks)
	})
	if err != nil {
		return nil, fmt.Errorf("rank insights: %w", err)
	}
	return out, nil
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

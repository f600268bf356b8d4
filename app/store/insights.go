package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The kinds of events counted for the publisher's insights.
const (
	// InsightView is a widget seen: at least half of it in view for a
	// second, once per page view.
	InsightView = "view"
	// InsightClick is a card opened from a widget.
	InsightClick = "click"
	// InsightWin is an interleaved view whose clicks went more to one
	// ranker's slots than to the other's: Ranker names the winner.
	InsightWin = "win"
	// InsightTie is an interleaved view clicked as much on either
	// ranker's slots.
	InsightTie = "tie"
)

// The rankers an insight may credit.
const (
	// RankerKiosque is the related-articles ranker (app/related).
	RankerKiosque = "kiosque"
	// RankerBaseline is the plain tf-idf cosine it is measured against.
	RankerBaseline = "baseline"
	// RankerInterleaved marks the views whose carousel merged both.
	RankerInterleaved = "interleaved"
)

// InsightKey is what an insight count counts: events of one kind, in one
// hour, from one placement on one partner site, about one article, at one
// position. Nothing in it tells one reader from another.
type InsightKey struct {
	// Hour is the hour of the events, in hours since the Unix epoch (UTC).
	Hour int64
	// Partner is the host of the partner's page around the widget; empty
	// when the browser did not say.
	Partner string
	// Placement is the name the partner gave the widget's place on its
	// page (data-placement); often empty.
	Placement string
	// Article is the slug of the article a view's widget is about (empty
	// for a section's widget), or of the article a click opened.
	Article string
	// Kind is InsightView, InsightClick, InsightWin or InsightTie.
	Kind string
	// Position is a click's card, from 1 in the carousel; 0 for the card
	// the widget features, and for views.
	Position int
	// Ranker is the ranker credited (RankerKiosque, RankerBaseline),
	// RankerInterleaved on an interleaved view, or empty.
	Ranker string
}

// InsightCount is a number of events with the same key.
type InsightCount struct {
	InsightKey
	N int64
}

// HourOf is the hour of t, as InsightKey.Hour counts hours.
func HourOf(t time.Time) int64 { return t.Unix() / 3600 }

// TimeOfHour is the start of an hour counted as InsightKey.Hour counts it.
func TimeOfHour(hour int64) time.Time { return time.Unix(hour*3600, 0).UTC() }

// InsightDimension is what InsightTotals may group counts by, besides
// their kind and ranker.
type InsightDimension int

// The dimensions of InsightTotals.
const (
	// ByDay groups by day (UTC): Hour is the day's first hour.
	ByDay InsightDimension = iota + 1
	ByPartner
	ByPlacement
	ByArticle
	ByPosition
)

// InsightQuery asks for the sums of the counts of hours [From, To),
// grouped by kind, ranker and the dimensions in By.
type InsightQuery struct {
	From, To int64 // hours, as InsightKey.Hour
	By       []InsightDimension
}

// InsightRanking asks for the names of one dimension (ByPartner,
// ByPlacement or ByArticle) over hours [From, To), best first, Limit at
// most: partners and placements by views, then clicks; articles by
// clicks on carousel cards (position 1 and after), as recommendations.
// Ties go by name, byte by byte.
type InsightRanking struct {
	From, To int64 // hours, as InsightKey.Hour
	By       InsightDimension
	Limit    int
}

// InsightRow is a name of a ranking and its counts.
type InsightRow struct {
	Name          string
	Views, Clicks int64
}

// Insights keeps the counts behind the publisher's insights: sums per
// key, never an event. Adding counts is no change that readers see: it
// neither moves ChangeCount nor is announced to WatchChanges, so the kept
// answers stay.
type Insights interface {
	// AddInsights adds the counts given to the stored ones, in one
	// transaction; each key appears once.
	AddInsights(ctx context.Context, counts []InsightCount) error
	// InsightTotals returns the sums asked for, sorted by the grouped
	// fields, then kind and ranker. The fields not grouped by are zero.
	InsightTotals(ctx context.Context, q InsightQuery) ([]InsightCount, error)
	// RankInsights returns the top names q asks for, ranked in the
	// store: a period may hold any number of names.
	RankInsights(ctx context.Context, q InsightRanking) ([]InsightRow, error)
	// DeleteInsightsBefore deletes the counts of the hours before hour,
	// and returns how many it deleted.
	DeleteInsightsBefore(ctx context.Context, hour int64) (int64, error)
}

// insightColumns are the expressions InsightTotals groups by, and
// whether each is text (sorted byte by byte, as Dialect.Bytewise says).
var insightColumns = map[InsightDimension]struct {
	expr string
	text bool
}{
	ByDay:       {"(hour / 24) * 24", false},
	ByPartner:   {"partner", true},
	ByPlacement: {"placement", true},
	ByArticle:   {"article", true},
	ByPosition:  {"position", false},
}

// InsightTotals sums the counts of q's hours by q's dimensions.
func (r SQLReader) InsightTotals(ctx context.Context, q InsightQuery) ([]InsightCount, error) {
	by := slices.Compact(slices.Sorted(slices.Values(q.By)))
	var group, order []string
	for _, d := range by {
		col, ok := insightColumns[d]
		if !ok {
			return nil, fmt.Errorf("insight totals: no dimension %d", d)
		}
		group, order = append(group, col.expr), append(order, col.expr)
		if col.text {
			order[len(order)-1] += r.dialect.Bytewise
		}
	}
	group = append(group, "kind", "ranker")
	order = append(order, "kind"+r.dialect.Bytewise, "ranker"+r.dialect.Bytewise)
	rows, err := r.db.Query(ctx, "SELECT "+strings.Join(group, ", ")+", CAST(SUM(n) AS BIGINT) FROM insight_counts WHERE hour >= ? AND hour < ?"+
		" GROUP BY "+strings.Join(group, ", ")+" ORDER BY "+strings.Join(order, ", "), q.From, q.To)
	out, err := collect(rows, err, func(scan func(dest ...any) error) (c InsightCount, err error) {
		dest := make([]any, 0, len(by)+3)
		for _, d := range by {
			dest = append(dest, insightField(&c, d))
		}
		err = scan(append(dest, &c.Kind, &c.Ranker, &c.N)...)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("insight totals: %w", err)
	}
	return out, nil
}

// insightField is where a grouped column is read into.
func insightField(c *InsightCount, d InsightDimension) any {
	switch d {
	case ByDay:
		return &c.Hour
	case ByPartner:
		return &c.Partner
	case ByPlacement:
		return &c.Placement
	case ByArticle:
		return &c.Article
	}
	return &c.Position
}

// RankInsights returns the top names q asks for, text ordered byte by
// byte.
func (r SQLReader) RankInsights(ctx context.Context, q InsightRanking) ([]InsightRow, error) {
	col := map[InsightDimension]string{ByPartner: "partner", ByPlacement: "placement", ByArticle: "article"}[q.By]
	if col == "" {
		return nil, fmt.Errorf("rank insights: no ranking by dimension %d", q.By)
	}
	if q.Limit <= 0 {
		return nil, fmt.Errorf("rank insights: limit %d: give at least 1", q.Limit)
	}
	where, rank := "kind IN ('view', 'click')", "views DESC, clicks DESC"
	if q.By == ByArticle {
		where, rank = "kind = 'click' AND position > 0", "clicks DESC"
	}
	rows, err := r.db.Query(ctx, "SELECT "+col+", CAST(SUM(CASE WHEN kind = 'view' THEN n ELSE 0 END) AS BIGINT) AS views, CAST(SUM(CASE WHEN kind = 'click' THEN n ELSE 0 END) AS BIGINT) AS clicks"+
		" FROM insight_counts WHERE hour >= ? AND hour < ? AND "+where+
		" GROUP BY "+col+" ORDER BY "+rank+", "+col+r.dialect.Bytewise+" LIMIT ?", q.From, q.To, q.Limit)
	out, err := collect(rows, err, func(scan func(dest ...any) error) (row InsightRow, err error) {
		err = scan(&row.Name, &row.Views, &row.Clicks)
		return row, err
	})
	if err != nil {
		return nil, fmt.Errorf("rank insights: %w", err)
	}
	return out, nil
}

// BaselineLists keeps each article's "you may also like" list by the
// baseline ranker (plain tf-idf cosine), beside Lists' lists by the
// ranker, for the servers that interleave the two. Its lists follow the
// rules of Lists.
type BaselineLists interface {
	// BaselineList returns the slugs stored as related to slug by the
	// baseline, best first, or nil when none is stored.
	BaselineList(ctx context.Context, slug string) ([]string, error)
	// BaselineLists returns every stored baseline list, by slug.
	BaselineLists(ctx context.Context) (map[string][]string, error)
	// PutBaselineLists stores the baseline lists given, in one
	// transaction; a nil list removes the slug's.
	PutBaselineLists(ctx context.Context, lists map[string][]string) error
}

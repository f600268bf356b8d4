// Package dashboard makes the publisher's report of a period from the
// counts in the store, and writes it as CSV: the numbers the dashboard
// page (/insights) draws, and its export.
package dashboard

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/kiosque/kiosque/app/insights/report"
	"github.com/kiosque/kiosque/app/insights/verdict"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/store"
)

// Periods the picker offers, in days; defaultDays is the one shown first.
var Periods = []int{7, 30, 90, 365}

// defaultDays is the period shown when none is asked for.
const defaultDays = 30

// maxDays bounds a period given by its dates.
const maxDays = 366

// top is how many partners, placements and articles the report lists.
const top = 10

// minPositions is how many carousel positions the report shows at least:
// the widget's default carousel.
const minPositions = 6

const day = "2006-01-02"

// Period is a run of whole days, in UTC: From's first hour to the last
// of To.
type Period struct {
	From, To time.Time // midnights, UTC
	Days     int       // the picker's choice, 0 for dates given
}

// ParsePeriod reads the period of a query: days=N (one of Periods), or
// from= and to= as 2006-01-02; by default the defaultDays days ending
// today. A bad value is a *params.Error naming it.
func ParsePeriod(q url.Values, now time.Time) (Period, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	from, to := q.Get("from"), q.Get("to")
	if from == "" && to == "" {
		n := defaultDays
		if s := q.Get("days"); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || !slices.Contains(Periods, v) {
				return Period{}, &params.Error{Param: "days", Value: s, Reason: fmt.Sprintf("must be one of %v", Periods)}
			}
			n = v
		}
		return Period{From: today.AddDate(0, 0, 1-n), To: today, Days: n}, nil
	}
	var p Period
	var err error
	if p.From, err = time.Parse(day, from); err != nil {
		return Period{}, &params.Error{Param: "from", Value: from, Reason: "must be a date, 2006-01-02"}
	}
	if p.To, err = time.Parse(day, to); err != nil {
		return Period{}, &params.Error{Param: "to", Value: to, Reason: "must be a date, 2006-01-02"}
	}
	switch n := int(p.To.Sub(p.From)/(24*time.Hour)) + 1; {
	case n < 1:
		return Period{}, &params.Error{Param: "to", Value: to, Reason: "must not be before from"}
	case n > maxDays:
		return Period{}, &params.Error{Param: "to", Value: to, Reason: fmt.Sprintf("a period is at most %d days", maxDays)}
	}
	return p, nil
}

// length is the number of days of p.
func (p Period) length() int { return int(p.To.Sub(p.From)/(24*time.Hour)) + 1 }

// hours are p's hours, as the store counts them: [from, to).
func (p Period) hours() (from, to int64) {
	return store.HourOf(p.From), store.HourOf(p.To.AddDate(0, 0, 1))
}

// Titles gives the titles of the articles whose slugs are given, and
// their languages, for those that still exist.
type Titles func(ctx context.Context, slugs []string) (map[string]Title, error)

// Title is an article's title, in its language.
type Title struct{ Text, Lang string }

// Build reads p's counts from st and makes its report.
func Build(ctx context.Context, st store.Insights, titles Titles, p Period) (report.Report, error) {
	r := report.Report{From: p.From.Format(day), To: p.To.Format(day), Days: p.length(), Period: p.Days}
	from, to := p.hours()
	totals := func(by ...store.InsightDimension) ([]store.InsightCount, error) {
		counts, err := st.InsightTotals(ctx, store.InsightQuery{From: from, To: to, By: by})
		if err != nil {
			return nil, fmt.Errorf("insights of %s to %s: %w", r.From, r.To, err)
		}
		return counts, nil
	}

	byDay, err := totals(store.ByDay)
	if err != nil {
		return r, err
	}
	days := map[string]*report.Counts{}
	for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
		r.ByDay = append(r.ByDay, report.Day{Date: d.Format(day)})
	}
	for i := range r.ByDay {
		days[r.ByDay[i].Date] = &r.ByDay[i].Counts
	}
	for _, c := range byDay {
		if counts := days[store.TimeOfHour(c.Hour).Format(day)]; counts != nil {
			add(counts, c)
		}
		add(&r.Total, c)
		rank(&r.Ranking, c)
	}
	v := verdict.Judge(r.Ranking.RankerWins, r.Ranking.BaselineWins)
	r.Ranking.Verdict, r.Ranking.Share, r.Ranking.Low, r.Ranking.High = string(v.Says), v.Share, v.Low, v.High

	ranked := func(by store.InsightDimension) ([]store.InsightRow, error) {
		rows, err := st.RankInsights(ctx, store.InsightRanking{From: from, To: to, By: by, Limit: top})
		if err != nil {
			return nil, fmt.Errorf("insights of %s to %s: %w", r.From, r.To, err)
		}
		return rows, nil
	}
	partners, err := ranked(store.ByPartner)
	if err != nil {
		return r, err
	}
	r.Partners = reportRows(partners)
	placements, err := ranked(store.ByPlacement)
	if err != nil {
		return r, err
	}
	r.Placements = reportRows(placements)
	articles, err := ranked(store.ByArticle)
	if err != nil {
		return r, err
	}
	for _, a := range articles {
		r.Articles = append(r.Articles, report.Article{Slug: a.Name, Clicks: a.Clicks})
	}
	byPosition, err := totals(store.ByPosition)
	if err != nil {
		return r, err
	}
	r.Positions = positions(byPosition, r.Total.Views)
	if len(r.Articles) > 0 {
		slugs := make([]string, len(r.Articles))
		for i, a := range r.Articles {
			slugs[i] = a.Slug
		}
		named, err := titles(ctx, slugs)
		if err != nil {
			return r, fmt.Errorf("titles of the articles most clicked: %w", err)
		}
		for i := range r.Articles {
			title := named[r.Articles[i].Slug]
			r.Articles[i].Title, r.Articles[i].Lang = title.Text, title.Lang
		}
	}
	return r, nil
}

// add counts c's views or clicks.
func add(counts *report.Counts, c store.InsightCount) {
	switch c.Kind {
	case store.InsightView:
		counts.Views += c.N
	case store.InsightClick:
		counts.Clicks += c.N
	}
}

// rank counts what c says of the rankers.
func rank(r *report.Ranking, c store.InsightCount) {
	switch {
	case c.Kind == store.InsightView && c.Ranker == store.RankerInterleaved:
		r.Views += c.N
	case c.Kind == store.InsightClick && c.Ranker == store.RankerKiosque:
		r.RankerClicks += c.N
	case c.Kind == store.InsightClick && c.Ranker == store.RankerBaseline:
		r.BaselineClicks += c.N
	case c.Kind == store.InsightWin && c.Ranker == store.RankerKiosque:
		r.RankerWins += c.N
	case c.Kind == store.InsightWin && c.Ranker == store.RankerBaseline:
		r.BaselineWins += c.N
	case c.Kind == store.InsightTie:
		r.Ties += c.N
	}
}

// reportRows are the rows of a ranking, as the report shows them.
func reportRows(ranked []store.InsightRow) []report.Row {
	out := make([]report.Row, len(ranked))
	for i, row := range ranked {
		out[i] = report.Row{Name: row.Name, Counts: report.Counts{Views: row.Views, Clicks: row.Clicks}}
	}
	return out
}

// positions are the clicks at each carousel position, over all views.
func positions(byPosition []store.InsightCount, views int64) []report.Row {
	clicks := map[int]int64{}
	last := minPositions
	for _, c := range byPosition {
		if c.Kind == store.InsightClick && c.Position > 0 {
			clicks[c.Position] += c.N
			last = max(last, c.Position)
		}
	}
	out := make([]report.Row, last)
	for i := range out {
		out[i] = report.Row{Name: strconv.Itoa(i + 1), Counts: report.Counts{Views: views, Clicks: clicks[i+1]}}
	}
	return out
}

package dashboard

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kiosque/kiosque/app/insights/report"
	"github.com/kiosque/kiosque/app/params"
	"github.com/kiosque/kiosque/app/store"
	"github.com/kiosque/kiosque/app/store/sqlite"
)

var now = time.Date(2026, 5, 20, 15, 4, 0, 0, time.UTC)

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct {
		query    string
		from, to string
		days     int
	}{
		{"", "2026-04-21", "2026-05-20", 30},
		{"days=7", "2026-05-14", "2026-05-20", 7},
		{"from=2026-01-01&to=2026-01-31", "2026-01-01", "2026-01-31", 0},
		{"from=2026-02-03&to=2026-02-03", "2026-02-03", "2026-02-03", 0},
	} {
		q, _ := url.ParseQuery(tc.query)
		p, err := ParsePeriod(q, now)
		if err != nil || p.From.Format(day) != tc.from || p.To.Format(day) != tc.to || p.Days != tc.days {
			t.Errorf("%q: %s to %s (%d), %v; want %s to %s (%d)", tc.query, p.From.Format(day), p.To.Format(day), p.Days, err, tc.from, tc.to, tc.days)
		}
	}
	for query, param := range map[string]string{
		"days=8": "days", "days=x": "days", "from=2026-01-01": "to", "to=2026-01-01": "from",
		"from=2026-02-01&to=2026-01-01": "to", "from=2024-01-01&to=2026-01-01": "to", "from=01/02/2026&to=2026-01-01": "from",
	} {
		q, _ := url.ParseQuery(query)
		_, err := ParsePeriod(q, now)
		var pe *params.Error
		if !errors.As(err, &pe) || pe.Param != param {
			t.Errorf("%q: %v, want an error of %s", query, err, param)
		}
	}
}

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func at(day string, hour int) int64 {
	d, _ := time.Parse("2006-01-02", day)
	return store.HourOf(d) + int64(hour)
}

func c(hour int64, partner, placement, article, kind string, position int, ranker string, n int64) store.InsightCount {
	return store.InsightCount{InsightKey: store.InsightKey{Hour: hour, Partner: partner, Placement: placement,
		Article: article, Kind: kind, Position: position, Ranker: ranker}, N: n}
}

func titles(_ context.Context, slugs []string) (map[string]Title, error) {
	out := map[string]Title{}
	for _, s := range slugs {
		if s != "gone" {
			out[s] = Title{"Title of " + s, "en"}
		}
	}
	return out, nil
}

func TestBuildSumsAPeriod(t *testing.T) {
	st := openStore(t)
	counts := []store.InsightCount{
		c(at("2026-05-13", 23), "outside.example", "", "a", store.InsightView, 0, "", 1000), // the day before
		c(at("2026-05-14", 0), "news.example", "sidebar", "a", store.InsightView, 0, "", 40),
		c(at("2026-05-14", 5), "blog.example", "", "a", store.InsightView, 0, "", 10),
		c(at("2026-05-14", 5), "news.example", "sidebar", "b", store.InsightClick, 1, "", 4),
		c(at("2026-05-16", 9), "news.example", "bottom", "a", store.InsightView, 0, store.RankerInterleaved, 50),
		c(at("2026-05-16", 9), "news.example", "bottom", "c", store.InsightClick, 2, store.RankerKiosque, 7),
		c(at("2026-05-16", 9), "news.example", "bottom", "gone", store.InsightClick, 8, store.RankerBaseline, 3),
		c(at("2026-05-16", 9), "news.example", "bottom", "a", store.InsightClick, 0, "", 1),
		c(at("2026-05-16", 9), "news.example", "bottom", "a", store.InsightWin, 0, store.RankerKiosque, 6),
		c(at("2026-05-16", 9), "news.example", "bottom", "a", store.InsightWin, 0, store.RankerBaseline, 2),
		c(at("2026-05-16", 9), "news.example", "bottom", "a", store.InsightTie, 0, "", 1),
		c(at("2026-05-21", 0), "news.example", "", "a", store.InsightView, 0, "", 1000), // the day after
	}
	if err := st.AddInsights(t.Context(), counts); err != nil {
		t.Fatal(err)
	}
	q, _ := url.ParseQuery("days=7")
	p, _ := ParsePeriod(q, now)
	r, err := Build(t.Context(), st, titles, p)
	if err != nil {
		t.Fatal(err)
	}
	if r.From != "2026-05-14" || r.To != "2026-05-20" || r.Days != 7 || r.Period != 7 {
		t.Errorf("period %s to %s, %d days (%d)", r.From, r.To, r.Days, r.Period)
	}
	if want := (report.Counts{Views: 100, Clicks: 15}); r.Total != want {
		t.Errorf("total %+v, want %+v", r.Total, want)
	}
	if len(r.ByDay) != 7 || r.ByDay[0] != (report.Day{Date: "2026-05-14", Counts: report.Counts{Views: 50, Clicks: 4}}) ||
		r.ByDay[1] != (report.Day{Date: "2026-05-15"}) || r.ByDay[2].Counts != (report.Counts{Views: 50, Clicks: 11}) {
		t.Errorf("by day: %+v", r.ByDay)
	}
	if want := []report.Row{{Name: "news.example", Counts: report.Counts{Views: 90, Clicks: 15}}, {Name: "blog.example", Counts: report.Counts{Views: 10}}}; !slices.Equal(r.Partners, want) {
		t.Errorf("partners %+v, want %+v", r.Partners, want)
	}
	if want := []report.Row{{Name: "bottom", Counts: report.Counts{Views: 50, Clicks: 11}}, {Name: "sidebar", Counts: report.Counts{Views: 40, Clicks: 4}}, {Name: "", Counts: report.Counts{Views: 10}}}; !slices.Equal(r.Placements, want) {
		t.Errorf("placements %+v, want %+v", r.Placements, want)
	}
	if want := []report.Article{{Slug: "c", Title: "Title of c", Lang: "en", Clicks: 7}, {Slug: "b", Title: "Title of b", Lang: "en", Clicks: 4}, {Slug: "gone", Clicks: 3}}; !slices.Equal(r.Articles, want) {
		t.Errorf("articles %+v, want %+v", r.Articles, want)
	}
	if len(r.Positions) != 8 || r.Positions[0] != (report.Row{Name: "1", Counts: report.Counts{Views: 100, Clicks: 4}}) ||
		r.Positions[1].Clicks != 7 || r.Positions[2].Clicks != 0 || r.Positions[7].Clicks != 3 {
		t.Errorf("positions %+v", r.Positions)
	}
	k := r.Ranking
	if k.Views != 50 || k.RankerClicks != 7 || k.BaselineClicks != 3 || k.RankerWins != 6 || k.BaselineWins != 2 || k.Ties != 1 ||
		k.Verdict != report.VerdictUndecided || k.Share != 0.75 || !(k.Low < 0.75 && k.High > 0.75) {
		t.Errorf("ranking %+v", k)
	}

	// The CSV holds the same numbers.
	var b bytes.Buffer
	if err := WriteCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	has := func(want ...string) {
		t.Helper()
		for _, rec := range records {
			if slices.Equal(rec, want) {
				return
			}
		}
		t.Errorf("the CSV has no line %q", want)
	}
	has("table", "key", "measure", "value")
	has("total", "", "views", "100")
	has("total", "", "ctr", "0.1500")
	has("day", "2026-05-15", "views", "0")
	has("partner", "news.example", "clicks", "15")
	has("placement", "bottom", "views", "50")
	has("article", "c", "clicks", "7")
	has("position", "8", "clicks", "3")
	has("ranking", "", "ranker wins", "6")
	has("ranking", "", "ties", "1")
	has("ranking", "", "verdict", "undecided")
}

func TestAnEmptyPeriodHasItsDaysAndPositions(t *testing.T) {
	r, err := Build(t.Context(), openStore(t), titles, Period{From: now.Truncate(24 * time.Hour), To: now.Truncate(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.ByDay) != 1 || len(r.Positions) != minPositions || r.Ranking.Verdict != report.VerdictNone || r.Total.CTR() != 0 {
		t.Errorf("an empty day: %+v", r)
	}
}

// A name that a spreadsheet would run as a formula is quoted.
func TestCSVQuotesFormulas(t *testing.T) {
	var b bytes.Buffer
	WriteCSV(&b, report.Report{Placements: []report.Row{{Name: "-2+3"}}, Partners: []report.Row{{Name: "=cmd"}}})
	if s := b.String(); !strings.Contains(s, "placement,'-2+3,") || !strings.Contains(s, "partner,'=cmd,") {
		t.Errorf("formulas in the CSV:\n%s", s)
	}
}

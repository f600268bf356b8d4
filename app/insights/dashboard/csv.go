package dashboard

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/insights/report"
)

// WriteCSV writes the numbers of r, one per line: the table they belong
// to, the key of their row, what they measure and their value, under a
// header line. Every table of the dashboard is there, in its order.
func WriteCSV(w io.Writer, r report.Report) error {
	cw := csv.NewWriter(w)
	line := func(table, key, measure, value string) {
		cw.Write([]string{table, cell(key), measure, value})
	}
	counts := func(table, key string, c report.Counts) {
		line(table, key, "views", strconv.FormatInt(c.Views, 10))
		line(table, key, "clicks", strconv.FormatInt(c.Clicks, 10))
		line(table, key, "ctr", ratio(c.CTR()))
	}
	line("table", "key", "measure", "value")
	line("period", "", "from", r.From)
	line("period", "", "to", r.To)
	line("period", "", "days", strconv.Itoa(r.Days))
	counts("total", "", r.Total)
	for _, d := range r.ByDay {
		counts("day", d.Date, d.Counts)
	}
	for _, p := range r.Partners {
		counts("partner", p.Name, p.Counts)
	}
	for _, p := range r.Placements {
		counts("placement", p.Name, p.Counts)
	}
	for _, a := range r.Articles {
		line("article", a.Slug, "clicks", strconv.FormatInt(a.Clicks, 10))
	}
	for _, p := range r.Positions {
		counts("position", p.Name, p.Counts)
	}
	k := r.Ranking
	for _, m := range []struct {
		measure string
		value   int64
	}{{"interleaved views", k.Views}, {"ranker clicks", k.RankerClicks}, {"baseline clicks", k.BaselineClicks},
		{"ranker wins", k.RankerWins}, {"baseline wins", k.BaselineWins}, {"ties", k.Ties}} {
		line("ranking", "", m.measure, strconv.FormatInt(m.value, 10))
	}
	line("ranking", "", "ranker share", ratio(k.Share))
	line("ranking", "", "ranker share 95% low", ratio(k.Low))
	line("ranking", "", "ranker share 95% high", ratio(k.High))
	line("ranking", "", "verdict", k.Verdict)
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write the insights as CSV: %w", err)
	}
	return nil
}

func ratio(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }

// cell keeps a name a partner gave from being read as a formula by a
// spreadsheet (CSV injection): one that starts with = + - or @ is quoted
// by a leading apostrophe, as spreadsheets expect.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

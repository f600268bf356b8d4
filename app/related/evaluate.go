package related

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kiosque/kiosque/app/news"
)

// labelledArticle is one row of an evaluation file.
type labelledArticle struct {
	category string
	headline string
	text     string
}

// Evaluate measures how often the articles ranked related share a category.
// in is a TSV file with a header row naming at least the columns category,
// headline and text (MasakhaNEWS's shape; fields may be quoted and span
// lines). Every article is ranked against all the others on its text alone:
// the category is the label, never a feature, and there are no dates. It
// writes the same-category precision at k of a plain tf-idf cosine
// baseline, then on the last line that of Kiosque's ranker, as "P@6 = 0.xxx".
func Evaluate(ctx context.Context, in io.Reader, k int, out io.Writer) error {
	if k <= 0 {
		return fmt.Errorf("evaluate: k must be positive, got %d", k)
	}
	rows, err := readLabelled(in)
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	if len(rows) < 2 {
		return fmt.Errorf("evaluate: need at least 2 articles, got %d", len(rows))
	}
	lang := detectLanguage(sampleText(rows))

	baseline, err := baselineRanking(ctx, rows, k)
	if err != nil {
		return fmt.Errorf("evaluate baseline: %w", err)
	}
	kiosque, err := kiosqueRanking(ctx, rows, lang, k)
	if err != nil {
		return fmt.Errorf("evaluate ranker: %w", err)
	}
	label := "P@" + strconv.Itoa(k)
	if _, err := fmt.Fprintf(out, "baseline tf-idf cosine %s = %.3f\n%s = %.3f\n", label, precision(rows, baseline, k), label, precision(rows, kiosque, k)); err != nil {
		return fmt.Errorf("evaluate: write results: %w", err)
	}
	return nil
}

// readLabelled reads the rows of a TSV file, finding columns by name.
func readLabelled(in io.Reader) ([]labelledArticle, error) {
	r := csv.NewReader(in)
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, name := range header {
		col[strings.ToLower(strings.TrimSpace(name))] = i
	}
	for _, name := range []string{"category", "headline", "text"} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("header %q has no column %q", strings.Join(header, "\t"), name)
		}
	}
	field := func(rec []string, name string) string {
		if i := col[name]; i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var rows []labelledArticle
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read row %d: %w", len(rows)+2, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		rows = append(rows, labelledArticle{
			category: strings.TrimSpace(field(rec, "category")),
			headline: field(rec, "headline"),
			text:     field(rec, "text"),
		})
	}
}

// sampleText is enough of the file's text to tell its language.
func sampleText(rows []labelledArticle) string {
	var b strings.Builder
	for _, r := range rows {
		if b.Len() > 100_000 {
			break
		}
		b.WriteString(r.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// kiosqueRanking ranks with the Index as the server runs it, with default
// options; the articles have no category, tags or dates.
func kiosqueRanking(ctx context.Context, rows []labelledArticle, lang news.Lang, k int) ([][]int, error) {
	articles := make([]news.Article, len(rows))
	for i, r := range rows {
		articles[i] = news.Article{
			Slug:  strconv.Itoa(i),
			Title: r.headline,
			Body:  strings.Split(r.text, "\n"),
			Lang:  lang,
		}
	}
	ix := NewIndex(DefaultOptions())
	ix.Put(articles...)
	ranked := make([][]int, len(rows))
	for i := range rows {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for _, slug := range ix.relatedTo(strconv.Itoa(i), k) {
			j, err := strconv.Atoi(slug)
			if err != nil {
				return nil, fmt.Errorf("unexpected slug %q: %w", slug, err)
			}
			ranked[i] = append(ranked[i], j)
		}
	}
	return ranked, nil
}

// precision is the mean share of each article's k picks that have its
// category; missing picks count as misses.
func precision(rows []labelledArticle, ranked [][]int, k int) float64 {
	var sum float64
	for i, picks := range ranked {
		hits := 0
		for _, j := range picks[:min(k, len(picks))] {
			if rows[j].category == rows[i].category {
				hits++
			}
		}
		sum += float64(hits) / float64(k)
	}
	return sum / float64(len(rows))
}

//go:build !wasm

package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kiosque/kiosque/app/related"
	"github.com/kiosque/kiosque/app/store"
)

const evalRelatedSynopsis = `Usage: kiosque eval-related [-k 6] FILE.tsv
       kiosque eval-related [-k 6] [-data DIR | -store postgres://…]

Measures the related-articles ranker: how often the k articles it ranks
related to an article share that article's category (precision at k), for a
plain tf-idf baseline, then for Kiosque's ranker on the last line. Every
article is ranked against all the others on its text alone: the category is
the label, never a feature.

FILE is tab-separated (TSV), UTF-8, with a header row naming at least the
columns category, headline and text, in any order (other columns are
ignored; MasakhaNEWS's files have this shape). A field may be quoted, and
then span lines:

  category	headline	text
  sports	Le derby se joue ce soir	Le stade sera plein pour ...
  politics	Le budget voté	Les députés ont adopté ...

Without FILE, the articles of the store are measured, each labelled with
its category.
`

// evalRelatedCommand measures the related-articles ranker on labelled
// articles: a TSV file, or the store's own.
func evalRelatedCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var where storeFlags
	fs := newCommand("eval-related", evalRelatedSynopsis, stderr)
	k := fs.Int("k", 6, "how many related articles to judge per article, 1 to 100")
	fs.localFlag("k")
	where.register(fs.FlagSet)
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("eval-related: give one TSV file, or none to measure the store's articles; got %d arguments", fs.NArg())
	}
	if *k < 1 || *k > 100 {
		return fmt.Errorf("eval-related: -k %d: want 1 to 100", *k)
	}
	if fs.NArg() == 1 {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return fmt.Errorf("eval-related: %w", err)
		}
		defer f.Close()
		return related.Evaluate(ctx, f, *k, stdout)
	}
	st, err := openExistingStore(ctx, where)
	if err != nil {
		return fmt.Errorf("eval-related: %w (or give a TSV file)", err)
	}
	defer st.Close()
	tsv, n, err := labelledTSV(ctx, st)
	if err != nil {
		return fmt.Errorf("eval-related: %w", err)
	}
	fmt.Fprintf(stdout, "%d stored articles, labelled with their categories\n", n)
	return related.Evaluate(ctx, tsv, *k, stdout)
}

// labelledTSV writes the stored articles as an evaluation file: their
// category, headline and text.
func labelledTSV(ctx context.Context, st store.Reader) (io.Reader, int, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = '\t'
	w.Write([]string{"category", "headline", "text"})
	n := 0
	for q := (store.Query{Limit: 100}); ; {
		page, err := st.Articles(ctx, q)
		if err != nil {
			return nil, 0, fmt.Errorf("read the stored articles: %w", err)
		}
		for _, a := range page.Articles {
			w.Write([]string{a.Category, a.Title, strings.Join(a.Body, "\n")})
			n++
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	w.Flush()
	return &buf, n, w.Error()
}

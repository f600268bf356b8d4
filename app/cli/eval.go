//go:build !wasm

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kiosque/kiosque/app/related"
)

// evalRelatedCommand measures the related-articles ranker on a labelled TSV
// (category, headline, text, url): same-category precision@k of a plain
// tf-idf baseline, then of Kiosque's ranker on the last line.
func evalRelatedCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval-related", flag.ContinueOnError)
	fs.SetOutput(stderr)
	k := fs.Int("k", 6, "how many related articles to judge per article")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kiosque eval-related [-k 6] FILE.tsv")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("eval-related: give exactly one TSV file")
	}
	if *k < 1 || *k > 100 {
		return fmt.Errorf("eval-related: -k %d: want 1 to 100", *k)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("eval-related: %w", err)
	}
	defer f.Close()
	return related.Evaluate(ctx, f, *k, stdout)
}

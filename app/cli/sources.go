//go:build !wasm

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/kiosque/kiosque/app/fetch"
	"github.com/kiosque/kiosque/app/news"
	"github.com/kiosque/kiosque/app/store"
)

const sourcesSynopsis = `Usage: kiosque sources [-data DIR | -store postgres://…] [-source SOURCE …]
       kiosque sources [-data DIR | -store postgres://…] forget URL

Lists each source imported: where its articles were found at its address (a
WordPress site's API, a feed), its last success, its last error, the failures
in a row, and how many of its articles are stored.

Given the servers' sources (-source, or KIOSQUE_SOURCE as the servers read
it), it shows apart those they poll and those left over: one-off imports
(kiosque ingest) and sources no longer configured. "forget URL" removes a
left-over source with no article stored (URL as listed, with or without its
feed: or wordpress:).
`

// sourcesCommand runs `kiosque sources`: each source imported, with its
// health and its stored articles; or `kiosque sources forget URL`.
func sourcesCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var (
		where      storeFlags
		configured sourceFlags
	)
	fs := newCommand("sources", sourcesSynopsis, stderr)
	where.register(fs.FlagSet)
	fs.Var(&configured, "source", "a `source` the servers poll, as serve takes it: feed:URL or wordpress:URL (repeatable, or several separated by commas or spaces)")
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	polled, err := sourceKeys(configured)
	if err != nil {
		return fmt.Errorf("sources: %w", err)
	}
	forget := ""
	switch {
	case fs.NArg() == 2 && fs.Arg(0) == "forget":
		forget = fs.Arg(1)
	case fs.NArg() > 0:
		return fmt.Errorf("sources: unexpected argument %q (kiosque sources forget URL removes a left-over source)", fs.Arg(0))
	}
	st, err := openExistingStore(ctx, where)
	if err != nil {
		return fmt.Errorf("sources: %w", err)
	}
	defer st.Close()
	list, err := st.Sources(ctx)
	if err != nil {
		return fmt.Errorf("sources: %w", err)
	}
	if forget != "" {
		return forgetSource(ctx, st, list, polled, forget, stdout)
	}
	if len(list) == 0 && len(polled) == 0 {
		fmt.Fprintln(stdout, "No source has been polled yet: give one to `kiosque serve -source`, or import one with `kiosque ingest`.")
		return nil
	}
	if len(polled) == 0 {
		if err := printSources(stdout, list); err != nil {
			return err
		}
		fmt.Fprintln(stderr, "Give the servers' -source (or KIOSQUE_SOURCE) to see which of these they poll and which are left over.")
		return nil
	}
	var mine, leftOver []store.SourceSummary
	seen := map[string]bool{}
	for _, s := range list {
		if polled[s.Key] {
			mine = append(mine, s)
			seen[s.Key] = true
		} else {
			leftOver = append(leftOver, s)
		}
	}
	for key := range polled {
		if !seen[key] {
			mine = append(mine, store.SourceSummary{SourceState: store.SourceState{Key: key}})
		}
	}
	fmt.Fprintln(stdout, "Polled by the servers (-source):")
	if err := printSources(stdout, mine); err != nil {
		return err
	}
	if len(leftOver) == 0 {
		fmt.Fprintln(stdout, "\nNo source is left over.")
		return nil
	}
	fmt.Fprintln(stdout, "\nLeft over (one-off imports, sources no longer configured; `kiosque sources forget URL` removes one with no article):")
	return printSources(stdout, leftOver)
}

// sourceKeys are the keys of the sources given as -source gives them, as
// the store records them.
func sourceKeys(specs []string) (map[string]bool, error) {
	sources, err := newSources(slog.New(slog.DiscardHandler), specs, news.French, fetch.Options{})
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for _, s := range sources {
		keys[s.Key()] = true
	}
	return keys, nil
}

func printSources(stdout io.Writer, list []store.SourceSummary) error {
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SOURCE\tFOUND AT\tARTICLES\tLAST SUCCESS\tFAILURES\tLAST ERROR")
	for _, s := range list {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%d\t%s\n", s.Key, orDash(s.Endpoint), s.Articles, when(s.LastSuccess), s.Failures, orDash(s.LastError))
	}
	return w.Flush()
}

// forgetSource removes the left-over source that ref names: its key, or
// its address without feed: or wordpress:.
func forgetSource(ctx context.Context, st store.Backend, list []store.SourceSummary, polled map[string]bool, ref string, stdout io.Writer) error {
	forgetter, ok := st.(store.SourceForgetter)
	if !ok {
		return errors.New("sources forget: this store cannot forget a source")
	}
	var matches []string
	for _, s := range list {
		if s.Key == ref || strings.TrimPrefix(strings.TrimPrefix(s.Key, "feed:"), "wordpress:") == ref {
			matches = append(matches, s.Key)
		}
	}
	switch {
	case len(matches) == 0:
		return fmt.Errorf("sources forget: no source is recorded at %q (kiosque sources lists them)", ref)
	case len(matches) > 1:
		return fmt.Errorf("sources forget: %q names %s: give the one meant whole, as listed", ref, strings.Join(matches, " and "))
	case polled[matches[0]]:
		return fmt.Errorf("sources forget: the servers poll %s (-source): take it out of their configuration first", matches[0])
	}
	err := forgetter.ForgetSource(ctx, matches[0])
	switch {
	case errors.Is(err, store.ErrSourceHasArticles):
		return fmt.Errorf("sources forget: %s has articles stored, which would be left with no source to list them under: %w", matches[0], err)
	case err != nil:
		return fmt.Errorf("sources forget: %w", err)
	}
	fmt.Fprintf(stdout, "Forgot %s.\n", matches[0])
	return nil
}
